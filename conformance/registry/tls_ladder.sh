#!/usr/bin/env bash
# TLS, the upload ladder, redirects and resumed downloads. A docker-registry serving HTTPS with a self-signed certificate:
# refused by default with a clear error, trusted with --ca-file, reached with --insecure.
# Then, through the fault proxy, a registry that refuses single PUT uploads (the client goes
# on with a streamed PATCH) and one that also refuses a streamed PATCH (chunked PATCH).
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
source "$here/lib/registry.sh"
EC=$(realpath "$1")  # the suites change directory
require_tool docker-registry; require_tool openssl; require_tool jq; require_tool curl; require_tool python3
export XDG_CACHE_HOME="$WORK/cache"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
start_registry tls tls "$WORK/cert.pem" "$WORK/key.pem"
T=$REGISTRY_tls
echo '{"over":"tls"}' > "$WORK/a.json"
expect_fail "an untrusted certificate is refused, and says so" "certificate" "$EC" push "$T/ec/art:v1" "$WORK/a.json"
check "--ca-file trusts the registry's certificate" "$EC" push --ca-file "$WORK/cert.pem" "$T/ec/art:v1" "$WORK/a.json"
art=$("$EC" resolve --ca-file "$WORK/cert.pem" "$T/ec/art:v1")
equal "--insecure reaches it without verification" "$("$EC" resolve --insecure "$T/ec/art:v1")" "$art"
expect_fail "--plain-http against an HTTPS registry fails clearly" "HTTP 400" "$EC" --plain-http resolve "$T/ec/art:v1"

# The upload ladder, forced by a proxy that refuses methods.
start_registry plain
P=$(free_port)
head -c 20000000 /dev/urandom > "$WORK/big.bin"
python3 "$here/registry/fault_proxy.py" --listen "$P" --upstream "$REGISTRY_plain" \
  --faults "405:PUT /v2/ladder1/art/blobs/uploads/:1,pass:PATCH /v2/ladder1/art/blobs/uploads/:100,405:PUT /v2/ladder2/art/blobs/uploads/:1,405:PATCH /v2/ladder2/art/blobs/uploads/:1,pass:PATCH /v2/ladder2/art/blobs/uploads/:100" \
  > "$WORK/proxy.out" 2> "$WORK/proxy.log" &
REGISTRY_PIDS="$REGISTRY_PIDS $!"  # stopped with the registries when the suite ends
for _ in $(seq 1 50); do grep -q ready "$WORK/proxy.out" 2>/dev/null && break; sleep 0.1; done
check "a refused single PUT falls back to a streamed PATCH" "$EC" --plain-http push "127.0.0.1:$P/ladder1/art:v1" "$WORK/big.bin"
want=$("$EC" push "oci:$WORK/local:v1" "$WORK/big.bin" -o json | jq -r .digest)
# Two blobs (the 20 MB file and the empty config), one streamed PATCH each.
equal "one streamed PATCH per blob" "$(grep -c 'pass PATCH /v2/ladder1' "$WORK/proxy.log")" 2
check "a refused streamed PATCH falls back to chunks" "$EC" --plain-http push "127.0.0.1:$P/ladder2/art:v1" "$WORK/big.bin"
# 20 MB in 8 MiB chunks is three PATCHes, plus one for the empty config.
equal "the blob went in 8 MiB chunks" "$(grep -c 'pass PATCH /v2/ladder2' "$WORK/proxy.log")" 4
equal "the streamed PATCH stored the artifact" "$("$EC" --plain-http resolve "$REGISTRY_plain/ladder1/art:v1")" "$want"
equal "the chunked PATCH stored the artifact" "$("$EC" --plain-http resolve "$REGISTRY_plain/ladder2/art:v1")" "$want"
check "the chunked blob reads back" sh -c "'$EC' --plain-http pull '$REGISTRY_plain/ladder2/art:v1' -o '$WORK/out' && cmp -s '$WORK/out/big.bin' '$WORK/big.bin'"

# Redirects: credentials stay with the registry's origin. Blob GETs of an htpasswd registry
# are redirected to another origin (as registries do to blob storage).
require_tool htpasswd
htpasswd -Bbc "$WORK/htpasswd" ecuser ecpass >/dev/null 2>&1
start_registry auth htpasswd "$WORK/htpasswd"
echo ecpass | "$EC" --plain-http push "$REGISTRY_auth/redir/art:v1" "$WORK/big.bin" -u ecuser --password-stdin >/dev/null
Q=$(free_port)
python3 "$here/registry/fault_proxy.py" --listen "$Q" --upstream "$REGISTRY_auth" --storage-auth ecuser:ecpass \
  --faults "redirect:GET /v2/redir/art/blobs/:100" > "$WORK/proxy2.out" 2> "$WORK/proxy2.log" &
REGISTRY_PIDS="$REGISTRY_PIDS $!"
for _ in $(seq 1 50); do grep -q ready "$WORK/proxy2.out" 2>/dev/null && break; sleep 0.1; done
check "a redirected blob download succeeds" sh -c "echo ecpass | '$EC' --plain-http pull '127.0.0.1:$Q/redir/art:v1' -o '$WORK/redir' -u ecuser --password-stdin"
cmp -s "$WORK/redir/big.bin" "$WORK/big.bin" && pass "the redirected blob is byte-identical" || fail "the redirected blob is byte-identical"
equal "the redirect target was reached" "$(grep -c 'storage authorization=' "$WORK/proxy2.log")" 1
equal "no Authorization was sent to the other origin" "$(grep -c 'storage authorization=yes' "$WORK/proxy2.log")" 0

# A download killed half-way resumes from the layout's partial blob in the next run.
R2=$(free_port)
"$EC" --plain-http push "$REGISTRY_plain/resume/art:v1" "$WORK/big.bin" >/dev/null
layer=$("$EC" --plain-http manifest get "$REGISTRY_plain/resume/art:v1" | jq -r '.layers[0].digest')
python3 "$here/registry/fault_proxy.py" --listen "$R2" --upstream "$REGISTRY_plain" \
  --faults "slow:GET /v2/resume/art/blobs/$layer:1,pass:GET /v2/resume/art/blobs/$layer:10" \
  > "$WORK/proxy3.out" 2> "$WORK/proxy3.log" &
REGISTRY_PIDS="$REGISTRY_PIDS $!"
for _ in $(seq 1 50); do grep -q ready "$WORK/proxy3.out" 2>/dev/null && break; sleep 0.1; done
timeout 3 "$EC" --plain-http copy "127.0.0.1:$R2/resume/art:v1" "oci:$WORK/resumed:v1" >/dev/null 2>&1
kept=$(stat -c %s "$WORK/resumed/.ec-partial/sha256-${layer#sha256:}" 2>/dev/null || echo 0)
[ "$kept" -gt 0 ] && pass "an interrupted download keeps its partial blob ($kept bytes)" || fail "an interrupted download keeps its partial blob"
check "the next run completes the copy" "$EC" --plain-http copy "127.0.0.1:$R2/resume/art:v1" "oci:$WORK/resumed:v1"
grep -q "pass GET /v2/resume/art/blobs/$layer range=bytes=$kept-" "$WORK/proxy3.log" \
  && pass "it asked only for the missing bytes (Range: bytes=$kept-)" || fail "it asked only for the missing bytes" "$(cat "$WORK/proxy3.log")"
cmp -s "$WORK/resumed/blobs/sha256/${layer#sha256:}" "$WORK/big.bin" && pass "the resumed blob is byte-identical" || fail "the resumed blob is byte-identical"

finish
