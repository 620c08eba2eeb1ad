# Builders of real images with umoci, shared by the interop suites.

# make_umoci_image DIR TAG: an image layout with one layer holding hello.txt, built by umoci.
make_umoci_image() {
  local dir=$1 tag=$2 bundle
  bundle=$(mktemp -d "$WORK/bundle.XXXXXX")
  rmdir "$bundle"
  umoci init --layout "$dir" >/dev/null
  umoci new --image "$dir:$tag" >/dev/null
  umoci unpack --rootless --image "$dir:$tag" "$bundle" >/dev/null
  echo "hello from umoci" > "$bundle/rootfs/hello.txt"
  mkdir -p "$bundle/rootfs/etc" && echo "export-center" > "$bundle/rootfs/etc/motd"
  umoci repack --image "$dir:$tag" "$bundle" >/dev/null
  umoci config --image "$dir:$tag" --config.cmd /bin/true --config.label org.example=ec >/dev/null
  umoci gc --layout "$dir" >/dev/null
  rm -rf "$bundle"
}

# digest_of LAYOUT TAG: the manifest digest index.json lists for TAG.
digest_of() {
  jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$1/index.json"
}

# make_index LAYOUT TAG REF1:OS/ARCH REF2:OS/ARCH...: adds an OCI image index over the tagged
# images of LAYOUT, each with its platform, and tags it TAG (the way docker buildx and skopeo
# lay out a multi-arch image).
make_index() {
  local dir=$1 tag=$2; shift 2
  local entries="[]" ref platform desc digest size
  for spec in "$@"; do
    ref=${spec%%:*}; platform=${spec#*:}
    desc=$(jq -c --arg t "$ref" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | {mediaType, digest, size}' "$dir/index.json")
    entries=$(jq -c --argjson d "$desc" --arg os "${platform%%/*}" --arg arch "${platform#*/}" \
      '. + [$d + {platform: {architecture: $arch, os: $os}}]' <<<"$entries")
  done
  jq -cj --argjson m "$entries" -n '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: $m}' > "$WORK/index.blob"
  digest=$(sha256sum "$WORK/index.blob" | cut -d' ' -f1)
  size=$(stat -c %s "$WORK/index.blob")
  mv "$WORK/index.blob" "$dir/blobs/sha256/$digest"
  jq -c --arg d "sha256:$digest" --argjson s "$size" --arg t "$tag" \
    '.manifests += [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": $t}}]' \
    "$dir/index.json" > "$WORK/index.json.new" && mv "$WORK/index.json.new" "$dir/index.json"
}
