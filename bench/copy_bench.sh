#!/usr/bin/env bash
# Copy benchmark: a 1 GiB multi-layer image layout -> OCI archive -> layout with
# export-center, next to cp of the same bytes in the same run. Reports MB/s, peak RSS and the
# ratio to cp, median of RUNS runs. export-center fsyncs what it writes, so cp is measured
# followed by sync as well.
#   bash bench/copy_bench.sh build/release/tools/export-center [WORKDIR]
# Environment: LAYERS (default 8), LAYER_MIB (default 128), RUNS (default 3).
set -euo pipefail
EC=$(realpath "${1:?usage: copy_bench.sh PATH/TO/export-center [WORKDIR]}")
WORK=${2:-$(mktemp -d "${TMPDIR:-/var/tmp}/ec-bench.XXXXXX")}
LAYERS=${LAYERS:-8}
LAYER_MIB=${LAYER_MIB:-128}
RUNS=${RUNS:-3}
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

echo "building a $((LAYERS * LAYER_MIB)) MiB image of $LAYERS layers in $WORK ..." >&2
files=()
for i in $(seq 1 "$LAYERS"); do
  head -c "$((LAYER_MIB << 20))" /dev/urandom > "$WORK/layer$i.bin"
  files+=("$WORK/layer$i.bin:application/vnd.oci.image.layer.v1.tar")
done
"$EC" push "oci:$WORK/src:v1" "${files[@]}" --artifact-type application/vnd.example.bench >/dev/null
rm -f "$WORK"/layer*.bin
bytes=$(du -sb "$WORK/src" | cut -f1)
sync

# measure CMD...: prints "seconds max_rss_kib" of one run.
measure() {
  /usr/bin/time -o "$WORK/time.txt" -f '%e %M' "$@" >/dev/null 2>&1
  tail -1 "$WORK/time.txt"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
best() { sort -n | head -1; }

"$EC" copy "oci:$WORK/src:v1" "oci-archive:$WORK/a.tar:v1" >/dev/null
CASES=(ec_layout_to_archive cp_layout_sync cp_layout ec_archive_to_layout cp_archive_sync cp_archive)
run_one() {  # NAME: one timed run of the case
  case $1 in
    ec_layout_to_archive) measure "$EC" copy "oci:$WORK/src:v1" "oci-archive:$WORK/out.tar:v1" ;;
    ec_archive_to_layout) measure "$EC" copy "oci-archive:$WORK/a.tar:v1" "oci:$WORK/out:v1" ;;
    cp_layout) measure cp -r "$WORK/src" "$WORK/cp" ;;
    cp_layout_sync) measure sh -c "cp -r '$WORK/src' '$WORK/cp' && sync" ;;
    cp_archive) measure cp "$WORK/a.tar" "$WORK/cp.tar" ;;
    cp_archive_sync) measure sh -c "cp '$WORK/a.tar' '$WORK/cp.tar' && sync" ;;
  esac
}
# Rounds interleave the cases, so that a noisy moment on a shared disk hits all of them.
declare -A times rsss
n=${#CASES[@]}
for round in $(seq 1 "$RUNS"); do
  # Each round starts one case later, so no case always follows the same neighbour.
  for k in $(seq 0 $((n - 1))); do
    c=${CASES[$(((round + k) % n))]}
    rm -rf "$WORK/out" "$WORK/out.tar" "$WORK/cp.tar" "$WORK/cp"; sync
    echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    read -r s m < <(run_one "$c")
    times[$c]+="$s "; rsss[$c]+="$m "
  done
  echo "round $round of $RUNS done" >&2
done
declare -A secs rss fastest
for c in "${CASES[@]}"; do
  secs[$c]=$(tr ' ' '\n' <<<"${times[$c]}" | grep . | median)
  fastest[$c]=$(tr ' ' '\n' <<<"${times[$c]}" | grep . | best)
  rss[$c]=$(tr ' ' '\n' <<<"${rsss[$c]}" | grep . | median)
done

mbps() { awk -v b="$bytes" -v s="$1" 'BEGIN {printf "%.0f", b / 1e6 / s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b / a}'; }
echo
echo "bytes: $bytes ($LAYERS layers x $LAYER_MIB MiB), median of $RUNS runs, page cache dropped before each run: $( [ -w /proc/sys/vm/drop_caches ] && echo yes || echo no)"
printf '| %-22s | %11s | %11s | %8s | %10s |\n' "case" "median MB/s" "best MB/s" "peak RSS" "vs cp+sync"
printf '|%s|%s|%s|%s|%s|\n' "------------------------" "-------------" "-------------" "----------" "------------"
row() {  # NAME PEER: the ratio is of medians
  printf '| %-22s | %11s | %11s | %4s MiB | %10s |\n' "$1" "$(mbps "${secs[$1]}")" "$(mbps "${fastest[$1]}")" \
    "$((${rss[$1]} / 1024))" "$( [ -n "${2:-}" ] && ratio "${secs[$1]}" "${secs[$2]}" || echo -)"
}
row ec_layout_to_archive cp_layout_sync
row cp_layout_sync
row cp_layout
row ec_archive_to_layout cp_archive_sync
row cp_archive_sync
row cp_archive
