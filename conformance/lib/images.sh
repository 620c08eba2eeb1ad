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
