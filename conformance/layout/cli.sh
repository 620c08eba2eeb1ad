#!/usr/bin/env bash
# The CLI's contract: every verb works on layouts and archives, -o json is machine-readable,
# --help on every verb, usage errors exit 2, no progress output in a pipe, same inputs give
# the same digests, and the README's main job runs.
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
source "$here/lib/harness.sh"
EC=$(realpath "$1")  # the suites change directory
require_tool jq

for verb in push pull copy "manifest get" "blob get" tags resolve; do
  # shellcheck disable=SC2086
  check "--help for $verb" "$EC" $verb --help
done
"$EC" frobnicate >/dev/null 2>&1; equal "unknown verb exits 2" "$?" 2
"$EC" copy >/dev/null 2>&1; equal "missing arguments exit 2" "$?" 2

mkdir -p "$WORK/in"
printf 'alpha\n' > "$WORK/in/a.txt"
printf '{"b":2}\n' > "$WORK/in/b.json"
out=$("$EC" push "oci:$WORK/l:v1" "$WORK/in/a.txt" "$WORK/in/b.json:application/json" --artifact-type application/vnd.example -o json 2>"$WORK/stderr")
digest=$(jq -r .digest <<<"$out")
[[ "$digest" == sha256:* ]] && pass "push -o json prints the digest" || fail "push -o json prints the digest" "$out"
equal "no progress or chatter on stderr in a pipe" "$(cat "$WORK/stderr")" ""
again=$("$EC" push "oci:$WORK/l2:v1" "$WORK/in/a.txt" "$WORK/in/b.json:application/json" --artifact-type application/vnd.example -o json | jq -r .digest)
equal "the same files give the same digest" "$again" "$digest"
dated=$(SOURCE_DATE_EPOCH=0 "$EC" push "oci:$WORK/l3:v1" "$WORK/in/a.txt" -o json | jq -r .digest)
created=$("$EC" manifest get "oci:$WORK/l3:v1" | jq -r '.annotations["org.opencontainers.image.created"]')
equal "SOURCE_DATE_EPOCH sets the created annotation" "$created" "1970-01-01T00:00:00Z"

equal "resolve prints the digest" "$("$EC" resolve "oci:$WORK/l:v1")" "$digest"
equal "resolve -o json gives the media type" "$("$EC" resolve "oci:$WORK/l:v1" -o json | jq -r .mediaType)" "application/vnd.oci.image.manifest.v1+json"
manifest_digest=$("$EC" manifest get "oci:$WORK/l:v1" | sha256sum | cut -d' ' -f1)
equal "manifest get prints the exact bytes" "sha256:$manifest_digest" "$digest"
equal "manifest get -o json wraps the descriptor" "$("$EC" manifest get "oci:$WORK/l:v1" -o json | jq -r .descriptor.digest)" "$digest"

check "copy to an archive with a new tag" "$EC" copy "oci:$WORK/l:v1" "oci-archive:$WORK/a.tar:release"
check "copy a second tag into the same archive" "$EC" copy "oci:$WORK/l3:v1" "oci-archive:$WORK/a.tar:dated"
equal "tags lists both, sorted" "$("$EC" tags "oci-archive:$WORK/a.tar" | tr '\n' ' ')" "dated release "
equal "tags -o json" "$("$EC" tags "oci-archive:$WORK/a.tar" -o json | jq -c .tags)" '["dated","release"]'
equal "copy by digest keeps the digest" "$("$EC" copy "oci-archive:$WORK/a.tar@$digest" "oci:$WORK/bydigest" -o json | jq -r .digest)" "$digest"
copy_json=$("$EC" copy "oci:$WORK/l:v1" "oci-archive:$WORK/a.tar:release" -o json)
equal "a repeated copy moves nothing" "$(jq -c '[.blobsCopied,.manifestsCopied,.manifestsSkipped]' <<<"$copy_json")" "[0,0,1]"

check "pull writes the titled files" "$EC" pull "oci-archive:$WORK/a.tar:release" -o "$WORK/pulled"
equal "pulled a.txt" "$(cat "$WORK/pulled/a.txt")" "alpha"
equal "pulled b.json" "$(cat "$WORK/pulled/b.json")" '{"b":2}'
layer=$("$EC" manifest get "oci:$WORK/l:v1" | jq -r '.layers[0].digest')
check "blob get writes the verified blob" "$EC" blob get "oci:$WORK/l@$layer" -o "$WORK/blob"
equal "blob content" "$(cat "$WORK/blob")" "alpha"
equal "blob get to stdout" "$("$EC" blob get "oci-archive:$WORK/a.tar@$layer" -o -)" "alpha"

# Archives are reproducible: the same content gives the same archive bytes.
check "write archive 1" "$EC" copy "oci:$WORK/l:v1" "oci-archive:$WORK/r1.tar.zst:v1"
check "write archive 2" "$EC" copy "oci:$WORK/l2:v1" "oci-archive:$WORK/r2.tar.zst:v1"
equal "archives are byte-identical" "$(sha256sum < "$WORK/r1.tar.zst")" "$(sha256sum < "$WORK/r2.tar.zst")"

# The README's main job.
demo_out=$(cd "$WORK" && EC_DEMO_OUT="$WORK/demo" bash "$root/scripts/demo.sh" "$EC" 2>&1)
if [ $? -eq 0 ] && [[ "$demo_out" == *"what was made"* ]]; then pass "demo runs"; else fail "demo runs" "$demo_out"; fi
d1=$("$EC" resolve "oci-archive:$WORK/demo/evidence.tar.zst:evidence")
equal "demo output resolves in every target" "$("$EC" resolve "oci:$WORK/demo/layout:evidence")" "$d1"

finish
