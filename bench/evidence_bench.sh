#!/usr/bin/env bash
# json:raw benchmark: `export-center ingest` of every JSON document in the shared data, then
# `export-center export json:raw` of all of it, twice (the two artifacts must be identical).
# The peer, in the same run: `jq -cS` (sorted-key compact JSON, the closest stock tool to
# canonical JSON) over the same accepted documents piped into `zstd -3` (our default level), the shell recipe an
# export would otherwise be.
#   bash bench/evidence_bench.sh build/release/tools/export-center
# Environment: EC_SHARED_DATA (default ../shared/data next to the repository).
set -euo pipefail
EC=$(realpath "${1:?usage: evidence_bench.sh PATH/TO/export-center}")
root=$(cd "$(dirname "$0")/.." && pwd)
DATA=${EC_SHARED_DATA:-$(cd "$root/.." && pwd)/shared/data}
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/ec-evidencebench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=1735689600 EC_EVIDENCE=$WORK/evidence

timed() { /usr/bin/time -o "$WORK/t" -f "%e %M" "$@" > "$WORK/out" 2> "$WORK/err"; tail -n 1 "$WORK/t"; }
read -r in_s in_kb < <(timed "$EC" ingest "$DATA" --tenant bench -o json || true)
ingest=$(cat "$WORK/out")
read -r ex_s ex_kb < <(timed "$EC" export json:raw --tenant bench --to "oci:$WORK/a" -o json)
report=$(cat "$WORK/out")
read -r ex2_s ex2_kb < <(timed "$EC" export json:raw --tenant bench --to "oci:$WORK/b" -o json)
d1=$(jq -r .digest <<<"$report"); d2=$(jq -r .digest < "$WORK/out")
[ "$d1" = "$d2" ] && identical=yes || identical=NO

# The peer over exactly the accepted documents (the store's raw copies, so rejected files
# are left out of both sides).
find "$EC_EVIDENCE/blobs" -type f | sort > "$WORK/list"
read -r jq_s jq_kb < <(timed sh -c "xargs -a '$WORK/list' jq -cS . | zstd -q -3 -T1 > '$WORK/peer.zst'")

input_bytes=$(jq -r .inputBytes <<<"$report")
records=$(jq -r .records <<<"$report")
build_s=$(jq -r .buildSeconds <<<"$report")
mbps() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.1f", b / 1e6 / s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo
echo "Command: bash bench/evidence_bench.sh build/release/tools/export-center"
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: nproc $(nproc), $(uname -r)"
echo "Input: $(jq -r .files <<<"$ingest") JSON files, $(jq -r .added <<<"$ingest") documents accepted ($(jq -r .rejected <<<"$ingest") rejected: schemas, fixtures, SPDX 3), $((input_bytes >> 20)) MiB, $records records"
echo
echo "| step | wall s | input MB/s | records/s | peak RSS MiB |"
echo "| --- | --- | --- | --- | --- |"
echo "| ingest (read, normalise, store) | $in_s | $(mbps "$(jq -r .bytes <<<"$ingest")" "$in_s") | | $((in_kb / 1024)) |"
echo "| export json:raw, whole command | $ex_s | $(mbps "$input_bytes" "$ex_s") | $(awk -v r="$records" -v s="$ex_s" 'BEGIN {printf "%.0f", r / s}') | $((ex_kb / 1024)) |"
echo "| export json:raw, build stage | $build_s | $(mbps "$input_bytes" "$build_s") | | |"
echo "| peer: jq -cS \| zstd -3 | $jq_s | $(mbps "$input_bytes" "$jq_s") | | $((jq_kb / 1024)) |"
echo
echo "json:raw export / peer wall time: $(ratio "$ex_s" "$jq_s")x; second run: ${ex2_s}s; artifacts identical: $identical ($d1)"
