#!/usr/bin/env bash
# export-center through a fault-injecting proxy (fault_proxy.py) in front of Debian's
# docker-registry: connection resets and truncated bodies mid-blob, 500 and 429 answers, slow
# bodies on blob GETs; 500 and 429 on blob uploads and manifest GETs. Each must be survived with
# the digest preserved and every blob verified. A corrupted blob must fail the copy with
# "digest mismatch" and leave nothing of it in the layout; a registry answering 500 to
# everything must fail the copy with "HTTP 500" within bounded time (retries are capped).
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
source "$here/lib/images.sh"
source "$here/lib/registry.sh"
EC=$(realpath "$1")  # the suites change directory
require_tool docker-registry; require_tool umoci; require_tool jq; require_tool curl; require_tool python3
ec() { "$EC" --plain-http "$@"; }

start_registry open
R=$REGISTRY_open

# registry.sh's EXIT trap stops the registry and removes $WORK: run it after stopping the proxy.
PROXY_PID=""
stop_proxy() {
  if [ -n "$PROXY_PID" ]; then kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null; PROXY_PID=""; fi
}
eval "registry_trap=( $(trap -p EXIT) )"  # trap -- 'COMMAND' EXIT
trap "stop_proxy; ${registry_trap[2]}" EXIT

# start_proxy SPEC: a fresh fault_proxy.py in front of $R (its fault counts start over); sets
# PROXY=127.0.0.1:PORT and PROXY_LOG, the file of its one-line-per-fault log.
PROXIES=0
start_proxy() {
  stop_proxy
  local port out
  port=$(free_port)
  PROXIES=$((PROXIES + 1))
  out="$WORK/proxy-$PROXIES.out"
  PROXY_LOG="$WORK/proxy-$PROXIES.log"
  python3 "$here/registry/fault_proxy.py" --listen "$port" --upstream "$R" --faults "$1" >"$out" 2>"$PROXY_LOG" &
  PROXY_PID=$!
  for _ in $(seq 1 100); do
    if grep -q '^ready$' "$out" 2>/dev/null; then PROXY="127.0.0.1:$port"; return 0; fi
    sleep 0.05
  done
  echo "FAIL - fault_proxy.py did not start:"; cat "$PROXY_LOG"; exit 1
}

# injected KIND: the proxy logged at least one KIND fault, so the case tested something.
injected() {
  local n
  n=$(grep -c "^fault_proxy: $1 " "$PROXY_LOG")
  [ "$n" -ge 1 ] && pass "  ... the proxy injected $n $1 fault(s)" || fail "  ... the proxy injected no $1 fault" "$(cat "$PROXY_LOG")"
}

# waited_for_retry_after MS: a 429 (Retry-After: 1) was answered by waiting, not hammering.
waited_for_retry_after() {
  [ "$1" -ge 1000 ] && pass "  ... waited for Retry-After (${1} ms)" \
    || fail "  ... waited for Retry-After" "the copy took ${1} ms in all: the 429's Retry-After: 1 was not honoured"
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# layout_verifies LAYOUT TAG: every file under blobs/sha256 hashes to its name, and the tagged
# manifest, its config and its layers are all there.
layout_verifies() {
  local dir=$1 m f d sum bad=0
  for f in "$dir"/blobs/sha256/*; do
    [ -f "$f" ] || continue
    sum=$(sha256sum "$f" | cut -d' ' -f1)
    [ "$sum" = "${f##*/}" ] || { echo "blob ${f##*/} hashes to $sum"; bad=1; }
  done
  m=$(digest_of "$dir" "$2")
  [ -n "$m" ] || { echo "no tag $2 in $dir/index.json"; return 1; }
  for d in "$m" $(jq -r '.config.digest, .layers[].digest' "$dir/blobs/sha256/${m#sha256:}"); do
    [ -f "$dir/blobs/sha256/${d#sha256:}" ] || { echo "missing blob $d"; bad=1; }
  done
  return $bad
}

# The source: a umoci image, and an artifact of three random layers of a few MiB each, large
# enough for the proxy to cut or corrupt them mid-body.
make_umoci_image "$WORK/umoci" latest
check "copy a umoci image into the registry" ec copy "oci:$WORK/umoci:latest" "$R/ec/img:base"
for mib in 4 3 2; do head -c $((mib << 20)) /dev/urandom > "$WORK/layer$mib.bin"; done
check "push an artifact of random layers into the registry" \
  ec push "$R/ec/img:1" "$WORK/layer4.bin" "$WORK/layer3.bin" "$WORK/layer2.bin" --artifact-type application/vnd.example.faults
src=$(ec resolve "$R/ec/img:1")
base=$(ec resolve "$R/ec/img:base")
check "read the artifact back without the proxy" ec copy "$R/ec/img:1" "oci:$WORK/src:1"
check "  ... it verifies" layout_verifies "$WORK/src" 1
start_proxy ""
check "a copy through the proxy without faults" ec copy "$PROXY/ec/img:1" "oci:$WORK/clean:1"
equal "  ... keeps the digest" "$(digest_of "$WORK/clean" 1 2>/dev/null)" "$src"

# Blob GETs: two faulted requests (up to two blobs, or two attempts at one), then pass-through.
for kind in reset truncate 500 429 slow; do
  start_proxy "$kind:GET /v2/ec/img/blobs/:2"
  out="$WORK/pull-$kind"
  started=$(date +%s%N)
  check "$kind on blob GETs: registry -> layout completes" ec copy "$PROXY/ec/img:1" "oci:$out:1"
  [ $kind = 429 ] && waited_for_retry_after "$(ms_since "$started")"
  equal "  ... the layout has the source's digest" "$(digest_of "$out" 1 2>/dev/null)" "$src"
  check "  ... every blob verifies" layout_verifies "$out" 1
  injected "$kind"
done
# The same for the gzipped layers of the umoci image.
start_proxy "reset:GET /v2/ec/img/blobs/:3"
check "reset on the umoci image's blob GETs: copy completes" ec copy "$PROXY/ec/img:base" "oci:$WORK/pull-base:base"
equal "  ... the layout has the source's digest" "$(digest_of "$WORK/pull-base" base 2>/dev/null)" "$base"
check "  ... every blob verifies" layout_verifies "$WORK/pull-base" base
injected reset

# One blob answered 500 four times: within the client's 5 attempts per request, so it completes.
layer=$(jq -r '[.layers[]] | max_by(.size) | .digest' "$WORK/src/blobs/sha256/${src#sha256:}")
start_proxy "500:GET /v2/ec/img/blobs/$layer:4"
check "500 four times on one blob's GET (under 5 attempts): copy completes" ec copy "$PROXY/ec/img:1" "oci:$WORK/pull-500x4:1"
equal "  ... the layout has the source's digest" "$(digest_of "$WORK/pull-500x4" 1 2>/dev/null)" "$src"
injected 500

# Uploads (POST starts one, PUT completes it) and manifest GETs (the source read, and the
# destination's re-read when it tags): checked directly against the registry afterwards.
for kind in 500 429; do
  for target in post put manifests; do
    repo="ec/$kind-$target"
    case $target in
      post) spec="$kind:POST /v2/$repo/blobs/uploads/:2"; label="blob upload POSTs" ;;
      put) spec="$kind:PUT /v2/$repo/blobs/uploads/:2"; label="blob upload PUTs" ;;
      manifests) spec="$kind:GET /v2/ec/img/manifests/:2,$kind:GET /v2/$repo/manifests/:2"; label="manifest GETs" ;;
    esac
    start_proxy "$spec"
    if [ $target = manifests ]; then from="$PROXY/ec/img:1" name=registry; else from="oci:$WORK/src:1" name=layout; fi
    started=$(date +%s%N)
    check "$kind on $label: $name -> registry completes" ec copy "$from" "$PROXY/$repo:1"
    [ $kind = 429 ] && waited_for_retry_after "$(ms_since "$started")"
    equal "  ... the registry has the source's digest" "$(ec resolve "$R/$repo:1" 2>&1)" "$src"
    injected "$kind"
  done
done

# A blob corrupted on every attempt: the copy fails and leaves none of it behind.
start_proxy "corrupt:GET /v2/ec/img/blobs/$layer:50"
out="$WORK/corrupt"
expect_fail "corrupt blob GETs: the copy fails naming the digest mismatch" "digest mismatch" \
  "$EC" --plain-http copy "$PROXY/ec/img:1" "oci:$out:1"
injected corrupt
[ ! -e "$out/blobs/sha256/${layer#sha256:}" ] && pass "  ... no blob file of that digest in the layout" \
  || fail "  ... no blob file of that digest in the layout" "$(ls -l "$out/blobs/sha256")"
if [ ! -e "$out/index.json" ] || jq -e '(.manifests // []) | length == 0' "$out/index.json" >/dev/null; then
  pass "  ... and no index entry"
else
  fail "  ... and no index entry" "$(cat "$out/index.json")"
fi
check "  ... what the layout does hold verifies" sh -c "cd '$out' 2>/dev/null || exit 0; for f in blobs/sha256/*; do [ -f \"\$f\" ] || continue; [ \"\$(sha256sum < \"\$f\" | cut -c1-64)\" = \"\${f##*/}\" ] || { echo \"bad \$f\"; exit 1; }; done"

# Every request answered 500: retries are capped (5 attempts with backoff), so it ends soon.
for dir in pull push; do
  start_proxy "500:/v2/:50"
  started=$(date +%s)
  if [ $dir = pull ]; then
    expect_fail "500 on every request: registry -> layout fails with HTTP 500" "HTTP 500" \
      timeout 60 "$EC" --plain-http copy "$PROXY/ec/img:1" "oci:$WORK/all500:1"
  else
    expect_fail "500 on every request: layout -> registry fails with HTTP 500" "HTTP 500" \
      timeout 60 "$EC" --plain-http copy "oci:$WORK/src:1" "$PROXY/ec/all500:1"
  fi
  took=$(($(date +%s) - started))
  [ "$took" -le 20 ] && pass "  ... within bounded time (${took}s)" || fail "  ... within bounded time" "took ${took}s"
  injected 500
done
stop_proxy

finish
