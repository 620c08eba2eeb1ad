#!/usr/bin/env bash
# export-center against Debian's docker-registry (distribution 2.8.2) with Docker token auth:
# a test token server (token_server.py, ES256 JWTs signed with a self-signed P-256 key) that
# grants ecuser pull and push everywhere, anonymous callers pull everywhere except under
# private/, and nothing else. Push and copy with --username/--password-stdin, pull back with
# digests kept, anonymous pull of a public repository, refusals with one-line errors,
# config.json credentials (user/password and identitytoken), a copy between two repositories
# of the registry (one token covering both), and the scopes the token server saw.
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
source "$here/lib/images.sh"
source "$here/lib/registry.sh"
source "$here/lib/token.sh"
EC=$(realpath "$1")  # the suites change directory
require_tool docker-registry; require_tool umoci; require_tool jq; require_tool curl
[ -x "$TOKEN_PYTHON" ] && "$TOKEN_PYTHON" -c 'import jwt, cryptography' 2>/dev/null ||
  { echo "FAIL - $TOKEN_PYTHON with python3-jwt and python3-cryptography is needed"; exit 1; }
ec() { "$EC" --plain-http "$@"; }
# as_user CMD...: export-center with ecuser's password on stdin.
as_user() { echo ecpass | "$EC" --plain-http "$@" --username ecuser --password-stdin; }

start_token_server main --issuer ec-issuer --user ecuser --password ecpass --refresh-token ec-refresh-token
start_token_registry main "$TOKEN_main" ec-registry ec-issuer "$TOKEN_main_CERT"
R=$REGISTRY_main
LOG=$TOKEN_main_LOG

# The fixture itself: the registry challenges with the token realm, and the tokens carry the
# claims distribution checks.
challenge=$(curl -s -o /dev/null -D - "http://$R/v2/ec/art/tags/list" | tr -d '\r' | grep -i '^www-authenticate:')
[[ "$challenge" == *"Bearer realm=\"$TOKEN_main\""*'service="ec-registry"'* ]] &&
  pass "the registry challenges with the token realm" || fail "the registry challenges with the token realm" "$challenge"
jwt=$(curl -s -u ecuser:ecpass "$TOKEN_main?service=ec-registry&scope=repository:ec/x:pull,push,delete&scope=repository:private/x:pull" | jq -r .token)
claims=$(cut -d. -f2 <<<"$jwt" | tr '_-' '/+' | { b=$(cat); while [ $((${#b} % 4)) -ne 0 ]; do b="$b="; done; base64 -d <<<"$b"; })
equal "the token's claims" "$(jq -c '{iss, sub, aud, access, ok: (.exp - .iat == 300 and .nbf <= .iat and (.jti | length) > 0)}' <<<"$claims")" \
  '{"iss":"ec-issuer","sub":"ecuser","aud":"ec-registry","access":[{"type":"repository","name":"ec/x","actions":["pull","push"]},{"type":"repository","name":"private/x","actions":["pull"]}],"ok":true}'
equal "the token's header names the key by its libtrust kid" \
  "$(cut -d. -f1 <<<"$jwt" | tr '_-' '/+' | { b=$(cat); while [ $((${#b} % 4)) -ne 0 ]; do b="$b="; done; base64 -d <<<"$b"; } | jq -r '.alg + " " + (.kid | test("^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$") | tostring)')" "ES256 true"
equal "a wrong password gets no token" "$(curl -s -o /dev/null -w '%{http_code}' -u ecuser:nope "$TOKEN_main?service=ec-registry")" 401

# Push and copy in with credentials, read back with them.
echo '{"advisory":"GHSA-0001"}' > "$WORK/a.json"
head -c 2000000 /dev/urandom > "$WORK/big.bin"
out=$(as_user push "$R/ec/art:v1" "$WORK/a.json:application/json" "$WORK/big.bin" --artifact-type application/vnd.example.evidence -o json 2>&1)
art=$(jq -r .digest <<<"$out" 2>/dev/null)
[[ "$art" == sha256:* ]] && pass "push an artifact with --username/--password-stdin" || fail "push an artifact with --username/--password-stdin" "$out"
make_umoci_image "$WORK/umoci" latest
img=$(digest_of "$WORK/umoci" latest)
check "copy a umoci image in with --username/--password-stdin" as_user copy "oci:$WORK/umoci:latest" "$R/ec/img:1"
equal "resolve the artifact with credentials" "$(as_user resolve "$R/ec/art:v1" 2>&1)" "$art"
equal "resolve the image with credentials: umoci's digest" "$(as_user resolve "$R/ec/img:1" 2>&1)" "$img"
check "pull the artifact's files with credentials" as_user pull "$R/ec/art:v1" -o "$WORK/pulled"
cmp -s "$WORK/big.bin" "$WORK/pulled/big.bin" && pass "pulled blob is byte-identical" || fail "pulled blob is byte-identical"
check "copy the image out to a layout with credentials" as_user copy "$R/ec/img:1" "oci:$WORK/back:1"
equal "digest preserved layout -> token registry -> layout" "$(digest_of "$WORK/back" 1)" "$img"
check "push into private/ with credentials" as_user copy "oci:$WORK/umoci:latest" "$R/private/img:1"

# Anonymous callers: pull of public repositories is granted, private/ and any push are not.
equal "anonymous resolve of a public repository" "$(ec resolve "$R/ec/img:1" 2>&1)" "$img"
check "anonymous copy out of a public repository" ec copy "$R/ec/img:1" "oci:$WORK/anon:1"
equal "anonymous copy keeps the digest" "$(digest_of "$WORK/anon" 1)" "$img"
expect_fail "anonymous resolve under private/ is refused" "check the credentials" ec resolve "$R/private/img:1"
expect_fail "anonymous copy out of private/ is refused" "check the credentials" ec copy "$R/private/img:1" "oci:$WORK/anonpriv:1"
expect_fail "push with no credentials is refused" "check the credentials" ec push "$R/ec/art:v2" "$WORK/a.json"
expect_fail "copy in with no credentials is refused" "check the credentials" ec copy "oci:$WORK/umoci:latest" "$R/anon/img:1"
expect_fail "a wrong password is refused by the token server" "get a token from $TOKEN_main" \
  sh -c "echo nope | '$EC' --plain-http resolve '$R/private/img:1' --username ecuser --password-stdin"

# Credentials from config.json: user and password, then an identity token (OAuth2 POST).
mkdir -p "$WORK/docker"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$R" "$(printf 'ecuser:ecpass' | base64)" > "$WORK/docker/config.json"
equal "resolve under private/ with --registry-config" "$(ec resolve "$R/private/img:1" --registry-config "$WORK/docker/config.json" 2>&1)" "$img"
check "push with --registry-config" ec push "$R/ec/cfg:1" "$WORK/a.json:application/json" --registry-config "$WORK/docker/config.json"
equal "credentials from DOCKER_CONFIG" "$(DOCKER_CONFIG="$WORK/docker" ec resolve "$R/private/img:1" 2>&1)" "$img"
printf '{"auths":{"%s":{"identitytoken":"ec-refresh-token"}}}' "$R" > "$WORK/docker/identity.json"
equal "an identitytoken from config.json" "$(ec resolve "$R/private/img:1" --registry-config "$WORK/docker/identity.json" 2>&1)" "$img"
grep -q '^POST user=ecuser .*scopes=repository:private/img:pull' "$LOG" &&
  pass "the identity token went to the token server as a POST" || fail "the identity token went to the token server as a POST" "$(cat "$LOG")"

# One copy between two repositories of the registry: the destination's token must cover
# pulling from the source repository too (cross-repository mount).
logged=$(wc -l < "$LOG")
out=$(as_user copy "$R/ec/img:1" "$R/other/img:2" -o json 2>&1)
[ "$(jq -r .digest <<<"$out" 2>/dev/null)" = "$img" ] && pass "copy between two repositories of the registry" || fail "copy between two repositories of the registry" "$out"
equal "the copy keeps the digest" "$(as_user resolve "$R/other/img:2" 2>&1)" "$img"
new=$(tail -n +"$((logged + 1))" "$LOG")
if awk '$2 == "user=ecuser" {
          src = dst = 0
          for (i = 4; i <= NF; i++) { f = $i; sub(/^scopes=/, "", f)
            if (f == "repository:ec/img:pull") src = 1; if (f == "repository:other/img:pull,push") dst = 1 }
          if (src && dst) found = 1 }
        END { exit !found }' <<<"$new"; then
  pass "one token request carried both repositories' scopes"
else
  fail "one token request carried both repositories' scopes" "token requests: $(tr '\n' '|' <<<"$new")"
fi
equal "the registry accepted the token for a cross-repository mount (no bytes moved)" "$(jq -r .bytesCopied <<<"$out" 2>/dev/null)" 0

# What the token server saw: granted USER SCOPE prints what it granted (NAME:ACTIONS, or NAME:-)
# for SCOPE to USER (- for anonymous), over every request that asked for SCOPE. The log lists
# a request's scopes and its grants in the same order.
granted() {
  awk -v user="user=$1" -v scope="$2" '
    $2 == user {
      n = split(substr($4, 8), s, " ")   # $4 is scopes=S1; more scopes follow as fields
      for (i = 5; i <= NF && $i !~ /^granted=/; i++) s[++n] = $i
      split(substr($i, 9), g, ";")
      for (j = 1; j <= n; j++) if (s[j] == scope) print g[j]
    }' "$LOG" | sort -u | paste -sd' '
}
equal "ecuser's push scope on ec/art was granted" "$(granted ecuser repository:ec/art:pull,push)" "ec/art:pull,push"
equal "an anonymous push scope got pull only" "$(granted - repository:ec/art:pull,push)" "ec/art:pull"
equal "anonymous pull under private/ got nothing" "$(granted - repository:private/img:pull)" "private/img:-"
equal "ecuser's pull under private/ was granted" "$(granted ecuser repository:private/img:pull)" "private/img:pull"

# The other JWT header style: the certificate in x5c instead of a kid.
start_token_server x5c --issuer ec-x5c --user ecuser --password ecpass --x5c
start_token_registry x5c "$TOKEN_x5c" ec-x5c-registry ec-x5c "$TOKEN_x5c_CERT"
check "push through a registry trusting x5c tokens" as_user copy "oci:$WORK/umoci:latest" "$REGISTRY_x5c/ec/img:1"
equal "resolve it back" "$(as_user resolve "$REGISTRY_x5c/ec/img:1" 2>&1)" "$img"

finish
