#!/usr/bin/env bash
# The OCI distribution-spec conformance runner (runner.py) against Debian's docker-registry
# (distribution 2.8.2) on loopback: anonymous, with htpasswd Basic auth, and with Docker token
# (Bearer) auth. docker-registry is the reference peer, so every check must pass except the
# known 2.8 gaps below, which the runner reports as expected differences; a gap that starts
# passing (XPASS) fails the suite, so the list stays accurate.
# Usage: bash conformance/distribution/docker_registry.sh [ignored: the export-center binary
# that CTest hands every suite]
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
source "$here/lib/registry.sh"
source "$here/lib/token.sh"
require_tool docker-registry; require_tool htpasswd; require_tool python3; require_tool curl
RUNNER="$here/distribution/runner.py"

# What distribution 2.8.2 does differently (observed on this machine):
GAPS=(
  # GET blob with `Range: bytes=5000-10000` (past the end of a 4000-byte blob): 416 with
  # Content-Range "bytes */4000", but Content-Length: 4000 and a 33-byte text/plain body
  # ("invalid range: failed to overlap"), so the answer is mis-framed and the connection dies.
  blob-range-past-end
  # `Range: bytes=500-0`: the same mis-framed 416 ("invalid range", 14 bytes of body).
  blob-range-invalid
  # Single POST ?digest= with the body: 202 + Location and nothing stored (single-POST upload
  # is not implemented; the 202 fallback works, so blob-post-digest passes).
  blob-post-only
  # PATCH with Content-Range 2048-3071 after 0-1023: 202, the chunk is appended at offset
  # 1024 (Content-Range is not validated) and the upload status then says 0-2047.
  blob-patch-out-of-order-416
  # PUT /v2/<name>/manifests/sha256:baddigeststring: 500 UNKNOWN (the reference is taken for
  # a tag and the storage path is rejected) instead of 400.
  invalid-digest-format
  # A 4 MiB + 1 KiB manifest: 400 MANIFEST_INVALID "http: request body too large" instead of
  # 413 (exactly 4 MiB is accepted).
  manifest-too-large
  # A manifest with `subject`: 201 without OCI-Subject (no referrers support).
  manifest-subject
  # tags/list is in storage directory order, not lexical order.
  tag-list-order
  # tags/list ignores n and last: n=1, n=2&last=<tag> and n=0 all return every tag, no Link.
  tag-list-n
  tag-list-last
  tag-list-n0
  # GET /v2/<name>/referrers/<digest>: 404 with a text/plain "404 page not found" body (no
  # such route).
  referrers
  referrers-filter
  referrers-empty
  # DELETE /v2/<name>/manifests/<tag>: 400 DIGEST_INVALID (only digests can be deleted).
  delete-tag
)
EXPECT=$(IFS=,; echo "${GAPS[*]}")

# runner WHAT ARGS...: run the conformance runner (its lines show up in the log) and count
# the whole run as one harness check.
runner() {
  local what=$1; shift
  if python3 "$RUNNER" "$@"; then pass "$what"; else fail "$what" "the runner reported failures (above)"; fi
}

# Anonymous: every check.
start_registry open
runner "conformance: docker-registry, anonymous" --url "http://$REGISTRY_open" --expect-fail "$EXPECT"

# htpasswd: the runner answers the Basic challenge with the credentials; every check again.
htpasswd -Bbn confuser confpass > "$WORK/htpasswd"
start_registry auth htpasswd "$WORK/htpasswd"
runner "conformance: docker-registry with htpasswd (Basic) auth" --url "http://$REGISTRY_auth" \
  --username confuser --password confpass --expect-fail "$EXPECT"
out=$(python3 "$RUNNER" --url "http://$REGISTRY_auth" --only ping 2>&1)
[[ $? -ne 0 && "$out" == *"FAIL - ping: got 401"* ]] \
  && pass "without credentials the runner reports the 401" || fail "without credentials the runner reports the 401" "$out"

# Token auth (lib/token.sh): the runner fetches Bearer tokens per scope set. This token server
# grants pull and push but never delete or catalog, so deletes, upload cancel and _catalog are
# left out; pull, push, mounts, manifests and tag listing run.
if "$TOKEN_PYTHON" -c 'import jwt, cryptography' 2>/dev/null; then
  start_token_server tok --issuer conf-issuer --user confuser --password confpass
  start_token_registry tok "$TOKEN_tok" conf-registry conf-issuer "$TOKEN_tok_CERT"
  runner "conformance: docker-registry with token (Bearer) auth, pull/push subset" --url "http://$REGISTRY_tok" \
    --username confuser --password confpass --expect-fail "$EXPECT" \
    --only ping,blob-head,blob-get,blob-digest,blob-range,blob-post,blob-patch,blob-upload-status,blob-put,blob-mount,blob-sha512,blob-empty,invalid-digest,manifest-,index-,artifact-,subject-,tag-list
  grep -q 'scopes=repository:conformance/one:pull,push repository:conformance/two:pull granted=conformance/one:pull,push;conformance/two:pull' "$TOKEN_tok_LOG" \
    && pass "a mount asks for push on the target and pull on the source in one token" \
    || fail "a mount asks for push on the target and pull on the source in one token" "$(cat "$TOKEN_tok_LOG")"
  requests=$(wc -l < "$TOKEN_tok_LOG")
  [ "$requests" -le 10 ] && pass "tokens are cached per scope set ($requests token requests)" \
    || fail "tokens are cached per scope set" "$requests token requests: $(cat "$TOKEN_tok_LOG")"
else
  fail "token auth run" "$TOKEN_PYTHON with python3-jwt and python3-cryptography is needed"
fi

finish
