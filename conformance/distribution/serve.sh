#!/usr/bin/env bash
# The distribution-spec conformance runner against our own `export-center serve`: anonymous,
# with htpasswd Basic auth, and with its own bearer tokens. Unlike docker-registry 2.8 (see
# docker_registry.sh), serve has no expected differences: every check must pass.
# Usage: bash conformance/distribution/serve.sh path/to/export-center
here=$(cd "$(dirname "$0")/.." && pwd)
EC=$(realpath "$1")
source "$here/lib/harness.sh"
source "$here/lib/registry.sh"
source "$here/lib/serve.sh"
require_tool htpasswd; require_tool python3; require_tool curl
RUNNER="$here/distribution/runner.py"

runner() {
  local what=$1; shift
  if python3 "$RUNNER" "$@"; then pass "$what"; else fail "$what" "the runner reported failures (above)"; fi
}

start_serve open
runner "conformance: serve, anonymous" --url "http://$SERVE_open"

htpasswd -Bbn confuser confpass > "$WORK/htpasswd"
start_serve basic --auth "htpasswd:$WORK/htpasswd"
runner "conformance: serve with htpasswd (Basic) auth" --url "http://$SERVE_basic" \
  --username confuser --password confpass
out=$(python3 "$RUNNER" --url "http://$SERVE_basic" --only ping 2>&1)
[[ $? -ne 0 && "$out" == *"FAIL - ping: got 401"* ]] \
  && pass "basic: without credentials the ping is 401" || fail "basic: without credentials the ping is 401" "$out"

start_serve token --auth "token:$WORK/htpasswd"
runner "conformance: serve with its own bearer tokens" --url "http://$SERVE_token" \
  --username confuser --password confpass

finish
