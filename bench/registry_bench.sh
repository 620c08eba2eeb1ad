#!/usr/bin/env bash
# Registry -> registry copy benchmark: export-center next to skopeo, same corpus, same run.
# The corpus (generated): 20 images of 3 shared base layers plus 2 layers of their own (about
# 1.1 GiB in all), and one multi-arch index over two of them, in a loopback docker-registry.
# Each tool copies every image into its own empty loopback registry (a full copy), then again
# (a re-run where everything is there). Then a 2 GiB single-blob artifact is copied to
# measure peak RSS.
#   bash bench/registry_bench.sh build/release/tools/export-center
# Environment: IMAGES (20), BASE_MIB (32), OWN_MIB (24), BIG_MIB (2048), DEST (docker-registry,
# or serve: the receiving registries are `export-center serve` instances, whose ingest is
# faster than docker-registry's, so the copy tools themselves are what is measured).
set -euo pipefail
EC=$(realpath "${1:?usage: registry_bench.sh PATH/TO/export-center}")
root=$(cd "$(dirname "$0")/.." && pwd)
IMAGES=${IMAGES:-20}; BASE_MIB=${BASE_MIB:-32}; OWN_MIB=${OWN_MIB:-24}; BIG_MIB=${BIG_MIB:-2048}
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/ec-regbench.XXXXXX")
export XDG_CACHE_HOME="$WORK/cache"  # a fresh blob-location cache for this run
PASSED=0; FAILED=0
source "$root/conformance/lib/registry.sh"
source "$root/conformance/lib/images.sh"
source "$root/conformance/lib/serve.sh"
ec() { "$EC" --plain-http "$@"; }
DEST=${DEST:-docker-registry}
start_dest() {
  if [ "$DEST" = serve ]; then
    start_serve "$1"
    local addr="SERVE_$1"
    printf -v "REGISTRY_$1" '%s' "${!addr}"
  else
    start_registry "$1"
  fi
}

start_registry src; start_dest ec; start_dest ecb; start_dest sk; start_dest big; start_dest bigsk
SRC=$REGISTRY_src
echo "generating the corpus ..." >&2
for b in 1 2 3; do head -c "$((BASE_MIB << 20))" /dev/urandom > "$WORK/base$b.tar"; done
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{}}' > "$WORK/config.json"
refs=()
for i in $(seq 0 $((IMAGES - 1))); do
  head -c "$((OWN_MIB << 20))" /dev/urandom > "$WORK/own$i-a.tar"
  head -c "$((OWN_MIB << 20))" /dev/urandom > "$WORK/own$i-b.tar"
  "$EC" push "oci:$WORK/corpus:img$i" "$WORK"/base{1,2,3}.tar "$WORK/own$i-a.tar" "$WORK/own$i-b.tar" \
    --config "$WORK/config.json:application/vnd.oci.image.config.v1+json" \
    --artifact-type application/vnd.oci.image.config.v1+json >/dev/null
  rm "$WORK/own$i-a.tar" "$WORK/own$i-b.tar"
  refs+=("bench/img$i:1")
done
make_index "$WORK/corpus" multi img0:linux/amd64 img1:linux/arm64
refs+=("bench/multi:1")
for r in "${refs[@]}"; do
  name=${r%%:*}; tag=${name##*/}
  ec copy "oci:$WORK/corpus:$tag" "$SRC/$r" >/dev/null
done
corpus_bytes=$(du -sb "$WORK/corpus/blobs" | cut -f1)

# One script per tool, so that /usr/bin/time measures the whole loop of processes.
cat > "$WORK/copy_all.sh" <<SCRIPT
#!/usr/bin/env bash
set -e
for r in ${refs[*]}; do
  if [ "\$1" = ec ]; then
    "$EC" --plain-http copy "$SRC/\$r" "\$2/\$r" >/dev/null
  else
    skopeo copy -q --all --preserve-digests --src-tls-verify=false --dest-tls-verify=false "docker://$SRC/\$r" "docker://\$2/\$r" >/dev/null
  fi
done
SCRIPT
timed() { /usr/bin/time -o "$WORK/t" -f '%e %M' "$@" >/dev/null 2>&1; cat "$WORK/t"; }

# export-center can also take the whole list in one process (--batch): images in parallel,
# shared connections and tokens.
for r in "${refs[@]}"; do echo "$SRC/$r $REGISTRY_ecb/$r"; done > "$WORK/batch.txt"
read -r ecb_full _ < <(timed "$EC" --plain-http copy --batch "$WORK/batch.txt")
read -r ecb_again _ < <(timed "$EC" --plain-http copy --batch "$WORK/batch.txt")
read -r ec_full _ < <(timed bash "$WORK/copy_all.sh" ec "$REGISTRY_ec")
read -r sk_full _ < <(timed bash "$WORK/copy_all.sh" skopeo "$REGISTRY_sk")
read -r ec_again _ < <(timed bash "$WORK/copy_all.sh" ec "$REGISTRY_ec")
read -r sk_again _ < <(timed bash "$WORK/copy_all.sh" skopeo "$REGISTRY_sk")

# Digests must match the source everywhere.
for r in "${refs[@]}"; do
  want=$(ec resolve "$SRC/$r")
  [ "$(ec resolve "$REGISTRY_ec/$r")" = "$want" ] || { echo "digest mismatch for $r (export-center)" >&2; exit 1; }
  [ "$(ec resolve "$REGISTRY_ecb/$r")" = "$want" ] || { echo "digest mismatch for $r (export-center --batch)" >&2; exit 1; }
  [ "$(ec resolve "$REGISTRY_sk/$r")" = "$want" ] || { echo "digest mismatch for $r (skopeo)" >&2; exit 1; }
done

echo "generating a ${BIG_MIB} MiB blob ..." >&2
head -c "$((BIG_MIB << 20))" /dev/urandom > "$WORK/big.bin"
ec push "$SRC/bench/big:1" "$WORK/big.bin" >/dev/null
rm "$WORK/big.bin"
read -r ec_big ec_big_rss < <(timed "$EC" --plain-http copy "$SRC/bench/big:1" "$REGISTRY_big/bench/big:1")
read -r sk_big sk_big_rss < <(timed skopeo copy -q --preserve-digests --src-tls-verify=false --dest-tls-verify=false "docker://$SRC/bench/big:1" "docker://$REGISTRY_bigsk/bench/big:1")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo
echo "corpus: ${#refs[@]} references, $((corpus_bytes >> 20)) MiB of blobs; big blob: ${BIG_MIB} MiB; source docker-registry, destinations $DEST"
printf '| %-34s | %14s | %10s | %16s |\n' case export-center skopeo "ratio (ec/skopeo)"
printf '|%s|%s|%s|%s|\n' "------------------------------------" "----------------" "------------" "------------------"
printf '| %-34s | %12s s | %8s s | %16s |\n' "full copy, wall time" "$ec_full" "$sk_full" "$(ratio "$ec_full" "$sk_full")"
printf '| %-34s | %12s s | %8s s | %16s |\n' "re-run, everything present" "$ec_again" "$sk_again" "$(ratio "$ec_again" "$sk_again")"
printf '| %-34s | %12s s | %8s s | %16s |\n' "full copy, one process (--batch)" "$ecb_full" "$sk_full" "$(ratio "$ecb_full" "$sk_full")"
printf '| %-34s | %12s s | %8s s | %16s |\n' "re-run, one process (--batch)" "$ecb_again" "$sk_again" "$(ratio "$ecb_again" "$sk_again")"
printf '| %-34s | %12s s | %8s s | %16s |\n' "${BIG_MIB} MiB blob, wall time" "$ec_big" "$sk_big" "$(ratio "$ec_big" "$sk_big")"
printf '| %-34s | %10s MiB | %6s MiB | %16s |\n' "${BIG_MIB} MiB blob, peak RSS" "$((ec_big_rss / 1024))" "$((sk_big_rss / 1024))" "$(ratio "$ec_big_rss" "$sk_big_rss")"
