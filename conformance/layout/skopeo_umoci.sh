#!/usr/bin/env bash
# skopeo reads what export-center writes, and export-center reads what skopeo and umoci
# write, with manifest digests preserved both ways (layouts, archives, artifacts).
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
source "$here/lib/images.sh"
EC=$(realpath "$1")  # the suites change directory
require_tool umoci; require_tool skopeo; require_tool jq

make_umoci_image "$WORK/umoci" latest
want=$(digest_of "$WORK/umoci" latest)

check "export-center reads umoci's layout" "$EC" copy "oci:$WORK/umoci:latest" "oci:$WORK/ours:v1"
equal "digest preserved umoci -> export-center" "$(digest_of "$WORK/ours" v1)" "$want"

check "skopeo reads export-center's layout" skopeo copy -q "oci:$WORK/ours:v1" "oci:$WORK/theirs:v1"
equal "digest preserved export-center -> skopeo" "$(digest_of "$WORK/theirs" v1)" "$want"

check "skopeo writes a layout" skopeo copy -q "oci:$WORK/umoci:latest" "oci:$WORK/skopeo:s1"
check "export-center reads skopeo's layout" "$EC" copy "oci:$WORK/skopeo:s1" "oci:$WORK/ours2:s1"
equal "digest preserved skopeo -> export-center" "$(digest_of "$WORK/ours2" s1)" "$(digest_of "$WORK/skopeo" s1)"

check "export-center writes an archive" "$EC" copy "oci:$WORK/ours:v1" "oci-archive:$WORK/ours.tar:v1"
check "skopeo reads export-center's archive" skopeo copy -q "oci-archive:$WORK/ours.tar:v1" "oci:$WORK/fromtar:v1"
equal "digest preserved through our archive" "$(digest_of "$WORK/fromtar" v1)" "$want"

check "skopeo writes an archive" skopeo copy -q "oci:$WORK/umoci:latest" "oci-archive:$WORK/skopeo.tar:s1"
check "export-center reads skopeo's archive" "$EC" copy "oci-archive:$WORK/skopeo.tar:s1" "oci:$WORK/fromskopeo:s1"
equal "digest preserved through skopeo's archive" "$(digest_of "$WORK/fromskopeo" s1)" "$want"

echo '{"finding":"CVE-2024-0001"}' > "$WORK/evidence.json"
check "push an artifact" "$EC" push "oci:$WORK/art:a1" "$WORK/evidence.json:application/json" \
  --artifact-type application/vnd.example.evidence.v1+json
check "skopeo copies our artifact" skopeo copy -q "oci:$WORK/art:a1" "oci:$WORK/skart:a1"
equal "artifact digest preserved" "$(digest_of "$WORK/skart" a1)" "$(digest_of "$WORK/art" a1)"
check "export-center reads the artifact back from skopeo's layout" "$EC" pull "oci:$WORK/skart:a1" -o "$WORK/pulled"
equal "pulled file is byte-identical" "$(cat "$WORK/pulled/evidence.json")" '{"finding":"CVE-2024-0001"}'

# A multi-arch image: two umoci images under one index.
make_umoci_image "$WORK/multi" amd64
umoci config --image "$WORK/multi:amd64" --tag arm64 --architecture arm64 >/dev/null
make_index "$WORK/multi" all amd64:linux/amd64 arm64:linux/arm64
index_digest=$(digest_of "$WORK/multi" all)
arm_digest=$(digest_of "$WORK/multi" arm64)
check "copy a whole multi-arch index" "$EC" copy "oci:$WORK/multi:all" "oci:$WORK/multi-copy:all"
equal "index digest preserved" "$(digest_of "$WORK/multi-copy" all)" "$index_digest"
check "skopeo copies our index with --all" skopeo copy -q --all "oci:$WORK/multi-copy:all" "oci:$WORK/multi-skopeo:all"
equal "skopeo keeps the index digest" "$(digest_of "$WORK/multi-skopeo" all)" "$index_digest"
check "copy one platform out of the index" "$EC" copy --platform linux/arm64 "oci:$WORK/multi:all" "oci:$WORK/arm:v1"
equal "--platform picks the arm64 manifest" "$(digest_of "$WORK/arm" v1)" "$arm_digest"
equal "--platform copies only that image" "$(jq '.manifests | length' "$WORK/arm/index.json")" 1
expect_fail "an absent platform lists the ones there are" "available: linux/amd64, linux/arm64" \
  "$EC" copy --platform linux/s390x "oci:$WORK/multi:all" "oci:$WORK/none:v1"

finish
