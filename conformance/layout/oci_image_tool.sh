#!/usr/bin/env bash
# oci-image-tool validate passes on every image layout export-center writes: copies of a
# umoci image into a layout, through plain and zstd archives and back, and an image built by
# `export-center push` with a real config and tar layer.
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
source "$here/lib/images.sh"
EC=$(realpath "$1")  # the suites change directory
require_tool umoci; require_tool oci-image-tool; require_tool jq; require_tool zstd

validate() {  # DIR TAG
  oci-image-tool validate --type image --ref "name=$2" "$1"
}

make_umoci_image "$WORK/src" latest
want=$(digest_of "$WORK/src" latest)

check "copy umoci image into a layout" "$EC" copy "oci:$WORK/src:latest" "oci:$WORK/ours:v1"
check "oci-image-tool validates the copied layout" validate "$WORK/ours" v1
equal "layout keeps the manifest digest" "$(digest_of "$WORK/ours" v1)" "$want"

check "copy layout into an archive" "$EC" copy "oci:$WORK/ours:v1" "oci-archive:$WORK/a.tar:v1"
mkdir -p "$WORK/a" && tar -xf "$WORK/a.tar" -C "$WORK/a"
check "oci-image-tool validates the unpacked archive" validate "$WORK/a" v1

check "copy layout into a zstd archive" "$EC" copy "oci:$WORK/ours:v1" "oci-archive:$WORK/a.tar.zst:v1"
mkdir -p "$WORK/z" && tar --zstd -xf "$WORK/a.tar.zst" -C "$WORK/z"
check "oci-image-tool validates the unpacked zstd archive" validate "$WORK/z" v1

check "copy the zstd archive back into a layout" "$EC" copy "oci-archive:$WORK/a.tar.zst:v1" "oci:$WORK/back:v1"
check "oci-image-tool validates the round-tripped layout" validate "$WORK/back" v1
equal "round trip keeps the manifest digest" "$(digest_of "$WORK/back" v1)" "$want"

# An image pushed from files: a real tar layer and an image config naming its diff_id.
mkdir -p "$WORK/files/tree" && echo "pushed" > "$WORK/files/tree/pushed.txt"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$WORK/files/layer.tar" -C "$WORK/files/tree" .
diff_id="sha256:$(sha256sum "$WORK/files/layer.tar" | cut -d' ' -f1)"
printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["%s"]}}' "$diff_id" > "$WORK/files/config.json"
check "push an image built from files" "$EC" push "oci:$WORK/pushed:v1" \
  "$WORK/files/layer.tar:application/vnd.oci.image.layer.v1.tar" \
  --config "$WORK/files/config.json:application/vnd.oci.image.config.v1+json" \
  --artifact-type application/vnd.oci.image.config.v1+json
check "oci-image-tool validates the pushed image" validate "$WORK/pushed" v1

finish
