#!/usr/bin/env bash
# trivy.db build benchmark: `export-center export trivy:db` over every advisory in the shared
# data, next to a Go program (conformance/trivy/boltcheck -write) inserting the same keys and
# values into Debian's bbolt in one transaction, in the same run. Also checks that two builds
# are byte-identical.
#   bash bench/trivy_bench.sh build/release/tools/export-center
# Environment: EC_SHARED_DATA (default ../shared/data next to the repository).
set -euo pipefail
EC=$(realpath "${1:?usage: trivy_bench.sh PATH/TO/export-center}")
root=$(cd "$(dirname "$0")/.." && pwd)
DATA=${EC_SHARED_DATA:-$(cd "$root/.." && pwd)/shared/data}
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/ec-trivybench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=1700000000

# Every advisory collection in the shared data (OSV JSON/YAML, GHSA, Alpine, Debian).
sources=()
for d in osv.dev golang-vulndb pypa-advisory-database rustsec-advisory-db haskell-security-advisories \
         bitnami-vulndb psf-advisory-database nodejs-security-wg drupal-advisory-database alpine-secdb; do
  [ -d "$DATA/$d" ] && sources+=(--source "$DATA/$d")
done

(cd "$root/conformance/trivy/boltcheck" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$WORK/gocache GOFLAGS= \
  go build -o "$WORK/boltcheck" .)

timed() { /usr/bin/time -o "$WORK/t" -f '%e %M' "$@" > "$WORK/out" 2> "$WORK/err"; cat "$WORK/t"; }
read -r ec_s ec_kb < <(timed "$EC" export trivy:db "${sources[@]}" --to "oci:$WORK/a" -o json)
report=$(cat "$WORK/out")
read -r ec2_s ec2_kb < <(timed "$EC" export trivy:db "${sources[@]}" --to "oci:$WORK/b" -o json)
d1=$(jq -r .digest <<<"$report"); d2=$(jq -r .digest < "$WORK/out")
[ "$d1" = "$d2" ] && identical=yes || identical=NO

# The trivy.db inside the artifact, and the Go reference built from its keys and values.
layer=$(jq -r '.layers[0].digest' "$WORK/a/blobs/sha256/${d1#sha256:}")
mkdir -p "$WORK/db" && tar -xzf "$WORK/a/blobs/sha256/${layer#sha256:}" -C "$WORK/db"
db_bytes=$(stat -c %s "$WORK/db/trivy.db")
"$WORK/boltcheck" -dump -values "$WORK/db/trivy.db" > "$WORK/dump"
keys=$(grep -c '^value ' "$WORK/dump")
read -r go_s go_kb < <(timed "$WORK/boltcheck" -write "$WORK/ref.db" < "$WORK/dump")
# The Go program only inserts; compare it with our bbolt writer stage as well as the whole run.
write_s=$(jq -r '.timings.writeSeconds' <<<"$report"); load_s=$(jq -r '.timings.loadSeconds' <<<"$report")
publish_s=$(jq -r '.timings.publishSeconds' <<<"$report")
"$WORK/boltcheck" -dump "$WORK/ref.db" > "$WORK/ref.dump"; "$WORK/boltcheck" -dump "$WORK/db/trivy.db" > "$WORK/our.dump"
cmp -s "$WORK/ref.dump" "$WORK/our.dump" && same_content=yes || same_content=NO

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo
echo "Command: bash bench/trivy_bench.sh build/release/tools/export-center"
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: nproc $(nproc), $(uname -r)"
echo "Input: $(jq -r .documents <<<"$report") documents ($(jq -r .skipped <<<"$report") skipped) from $((${#sources[@]} / 2)) collections; trivy.db $((db_bytes >> 20)) MiB, $keys keys"
printf '| %-44s | %14s | %16s | %8s | %-14s |\n' case export-center "Go bbolt insert" ratio target
printf '|%s|%s|%s|%s|%s|\n' "----------------------------------------------" "----------------" "------------------" "----------" "----------------"
printf '| %-44s | %12.2f s | %14s s | %8s | %-14s |\n' "writing trivy.db (the same keys and values)" "$write_s" "$go_s" "$(ratio "$write_s" "$go_s")" "<= 1x"
printf '| %-44s | %12s s | %14s s | %8s | %-14s |\n' "whole export (parse, normalise, write, pack)" "$ec_s" "$go_s" "$(ratio "$ec_s" "$go_s")" "-"
printf '| %-44s | %10s MiB | %12s MiB | %8s | %-14s |\n' "peak RSS" "$((ec_kb / 1024))" "$((go_kb / 1024))" "$(ratio "$ec_kb" "$go_kb")" "<= 512 MiB"
printf 'stages of the first build: load and normalise %.2f s, write trivy.db %.2f s, tar.gz and push %.2f s\n' "$load_s" "$write_s" "$publish_s"
echo "second build: ${ec2_s} s; byte-identical artifact: $identical ($d1); bbolt's copy holds the same keys and values: $same_content"
