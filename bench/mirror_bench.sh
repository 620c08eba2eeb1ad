#!/usr/bin/env bash
# Mirror benchmark: registry → bundle → registry with export-center, next to skopeo sync to a
# directory and back, same corpus, same run. The corpus (generated): IMAGES images in one
# repository, 3 shared base layers plus 2 layers of their own each (about 1 GiB in all), each
# with a signature referrer, in a loopback docker-registry; the receiving registries are
# `export-center serve` instances. Then 2 more images are added and a delta is made against the
# first bundle: its size is compared with the new blobs'. The same spec is also written as an
# archive in one pass (blobs read from the registry straight into the tar), plain and
# age-encrypted. Needs docker-registry, skopeo and age (scripts/setup.sh --with-tests).
#   bash bench/mirror_bench.sh build/release/tools/export-center
# Environment: IMAGES (20), BASE_MIB (32), OWN_MIB (24).
set -euo pipefail
for tool in docker-registry skopeo age age-keygen; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (scripts/setup.sh --with-tests)" >&2; exit 1; }
done
EC=$(realpath "${1:?usage: mirror_bench.sh PATH/TO/export-center}")
root=$(cd "$(dirname "$0")/.." && pwd)
IMAGES=${IMAGES:-20}; BASE_MIB=${BASE_MIB:-32}; OWN_MIB=${OWN_MIB:-24}
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/ec-mirrorbench.XXXXXX")
export XDG_CACHE_HOME="$WORK/cache"
PASSED=0; FAILED=0
source "$root/conformance/lib/registry.sh"
source "$root/conformance/lib/serve.sh"
ec() { "$EC" --plain-http "$@"; }
start_registry src; start_serve ecdst; start_serve skdst
SRC=$REGISTRY_src

echo "generating the corpus ..." >&2
for b in 1 2 3; do head -c "$((BASE_MIB << 20))" /dev/urandom > "$WORK/base$b.tar"; done
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{}}' > "$WORK/config.json"
add_image() {  # I
  local i=$1
  head -c "$((OWN_MIB << 20))" /dev/urandom > "$WORK/own-a.tar"
  head -c "$((OWN_MIB << 20))" /dev/urandom > "$WORK/own-b.tar"
  ec push "$SRC/bench/app:1.$i.0" "$WORK"/base{1,2,3}.tar "$WORK/own-a.tar" "$WORK/own-b.tar" \
    --config "$WORK/config.json:application/vnd.oci.image.config.v1+json" \
    --artifact-type application/vnd.oci.image.config.v1+json >/dev/null
  local d; d=$(ec resolve "$SRC/bench/app:1.$i.0")
  printf 'signature %s' "$i" > "$WORK/sig.json"
  ec push "$SRC/bench/app:sig$i" "$WORK/sig.json:application/vnd.dev.sigstore.bundle.v0.3+json" \
    --artifact-type application/vnd.dev.sigstore.bundle.v0.3+json --subject "$d" >/dev/null
}
for i in $(seq 0 $((IMAGES - 1))); do add_image "$i"; done
cat > "$WORK/spec.yaml" <<YAML
apiVersion: export-center/v1
kind: MirrorSpec
metadata: {name: bench}
repositories:
  - source: $SRC/bench/app
    semver: ">=1.0.0"
YAML

timed() { /usr/bin/time -o "$WORK/t" -f '%e %M' "$@" > "$WORK/out" 2> "$WORK/err" || { cat "$WORK/err" >&2; exit 1; }; tail -n 1 "$WORK/t"; }
echo "export-center: registry -> bundle -> registry ..." >&2
read -r ec_create_s ec_create_kb < <(timed "$EC" --plain-http mirror create "$WORK/spec.yaml" --to "$WORK/bundle")
read -r ec_import_s ec_import_kb < <(timed "$EC" --plain-http mirror import "$WORK/bundle" "$SERVE_ecdst/m" --no-tuf)
echo "skopeo: registry -> dir -> registry ..." >&2
read -r sk_sync1_s sk_sync1_kb < <(timed skopeo sync --insecure-policy --src docker --dest dir --src-tls-verify=false "$SRC/bench/app" "$WORK/skdir")
read -r sk_sync2_s sk_sync2_kb < <(timed skopeo sync --insecure-policy --src dir --dest docker --dest-tls-verify=false "$WORK/skdir" "$SERVE_skdst/m")
bundle_bytes=$(du -sb "$WORK/bundle" | cut -f1)
skdir_bytes=$(du -sb "$WORK/skdir" | cut -f1)
refs_ec=$(ec discover "$SERVE_ecdst/m/bench/app@$(ec resolve "$SRC/bench/app:1.0.0")" -o json | jq '.referrers | length')

echo "export-center: registry -> archive in one pass (plain, then age-encrypted) ..." >&2
read -r ec_tar_s ec_tar_kb < <(timed "$EC" --plain-http mirror create "$WORK/spec.yaml" --to "$WORK/bundle.tar")
age-keygen -o "$WORK/age.key" 2>/dev/null
recipient=$(age-keygen -y "$WORK/age.key")
read -r ec_age_s ec_age_kb < <(timed "$EC" --plain-http mirror create "$WORK/spec.yaml" --to "$WORK/bundle.tar.age" -r "$recipient")
rm -f "$WORK/bundle.tar" "$WORK/bundle.tar.age"

echo "delta ..." >&2
for i in $IMAGES $((IMAGES + 1)); do add_image "$i"; done
read -r delta_s delta_kb < <(timed "$EC" --plain-http mirror create "$WORK/spec.yaml" --to "$WORK/delta" --base "$WORK/bundle")
delta_bytes=$(du -sb "$WORK/delta" | cut -f1)
new_blobs=$(( 2 * (2 * (OWN_MIB << 20)) ))

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
ec_total=$(awk -v a="$ec_create_s" -v b="$ec_import_s" 'BEGIN {print a + b}')
sk_total=$(awk -v a="$sk_sync1_s" -v b="$sk_sync2_s" 'BEGIN {print a + b}')
peak_kb=$(( ec_create_kb > ec_import_kb ? ec_create_kb : ec_import_kb ))
echo
echo "Command: bash bench/mirror_bench.sh build/release/tools/export-center"
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: nproc $(nproc), $(uname -r)"
echo "Corpus: $IMAGES images ($((bundle_bytes >> 20)) MiB as a bundle, skopeo's dir $((skdir_bytes >> 20)) MiB), signature referrers: $refs_ec carried per image by export-center"
echo
echo "| step | export-center s | skopeo s | ratio | peak RSS MiB (ec / skopeo) |"
echo "| --- | --- | --- | --- | --- |"
echo "| registry -> disk | $ec_create_s | $sk_sync1_s | $(ratio "$ec_create_s" "$sk_sync1_s") | $((ec_create_kb / 1024)) / $((sk_sync1_kb / 1024)) |"
echo "| disk -> registry | $ec_import_s | $sk_sync2_s | $(ratio "$ec_import_s" "$sk_sync2_s") | $((ec_import_kb / 1024)) / $((sk_sync2_kb / 1024)) |"
echo "| registry -> .tar (one pass) | $ec_tar_s | $sk_sync1_s | $(ratio "$ec_tar_s" "$sk_sync1_s") | $((ec_tar_kb / 1024)) / $((sk_sync1_kb / 1024)) |"
echo "| registry -> .tar.age (one pass, encrypted) | $ec_age_s | $sk_sync1_s | $(ratio "$ec_age_s" "$sk_sync1_s") | $((ec_age_kb / 1024)) / $((sk_sync1_kb / 1024)) |"
echo "| whole trip | $ec_total | $sk_total | $(ratio "$ec_total" "$sk_total") | $((peak_kb / 1024)) |"
echo
echo "Delta with 2 new images: $((delta_bytes >> 20)) MiB against $((new_blobs >> 20)) MiB of new blobs (ratio $(ratio "$delta_bytes" "$new_blobs")), made in ${delta_s}s"
for p in $REGISTRY_PIDS; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
rm -rf "$WORK"
