#!/usr/bin/env bash
# The export service under load: one `export-center serve` (embedded SQLite, WORKERS workers)
# gets SUBMISSIONS concurrent run submissions (each POST /v1/runs with its own Idempotency-Key,
# all at once), and for DURATION, CONNS concurrent connections polling run status (GET
# /v1/runs/{id}, wrk with a bearer token, spread over the submitted runs) while the workers
# execute the runs. Reported: submission errors and latency, status polls/s, latency
# percentiles (p50/p90/p99 from wrk --latency), non-2xx responses and socket errors, runs
# finished, and the serve process's peak RSS (VmHWM).
#   bash bench/service_bench.sh build/release/tools/export-center
# Environment: SUBMISSIONS (50), CONNS (200), DURATION (60s), WORKERS (2).
set -euo pipefail
EC=$(realpath "${1:?usage: service_bench.sh PATH/TO/export-center}")
root=$(cd "$(dirname "$0")/.." && pwd)
SUBMISSIONS=${SUBMISSIONS:-50}; CONNS=${CONNS:-200}; DURATION=${DURATION:-60s}; WORKERS=${WORKERS:-2}
for tool in wrk curl jq xargs; do command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 1; }; done
DATA=${EC_SHARED_DATA_DIR:-$root/../shared/data}
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/ec-servicebench.XXXXXX")
export EC_EVIDENCE=$WORK/evidence EC_STORE=$WORK/store
PASSED=0; FAILED=0
source "$root/conformance/lib/registry.sh"
cd "$WORK"
mkdir in && cp "$DATA/golang-vulndb/data/osv/GO-2022-0229.json" "$DATA/golang-vulndb/data/osv/GO-2023-1571.json" in/
"$EC" ingest in --tenant acme >/dev/null
TOKEN=$("$EC" token create --tenant acme --name bench --scope admin)
port=$(free_port)
"$EC" serve --listen "127.0.0.1:$port" --workers "$WORKERS" > serve.log 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
API=http://127.0.0.1:$port
printf 'apiVersion: export-center/v1\nkind: ExportProfile\nmetadata: {name: daily, tenant: acme}\nspec: {kind: json:raw, distribution: [{type: download}]}\n' > p.yaml
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" --data-binary @p.yaml "$API/v1/profiles"

echo "submitting $SUBMISSIONS runs at once ..." >&2
seq "$SUBMISSIONS" | xargs -P "$SUBMISSIONS" -I{} curl -s -o "sub-{}.json" -w '%{http_code} %{time_total}\n' \
  -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: bench-{}" -d '{"profile":"daily"}' "$API/v1/runs" > submissions.txt
sub_ok=$(awk '$1 == 202' submissions.txt | wc -l)
sub_p99=$(awk '{print $2 * 1000}' submissions.txt | sort -n | awk '{a[NR] = $1} END {i = int(NR * 0.99 + 0.999); if (i > NR) i = NR; printf "%.1f", a[i]}')
jq -r .id sub-*.json > ids.txt

cat > poll.lua <<LUA
local ids = {}
for line in io.lines("$WORK/ids.txt") do ids[#ids + 1] = line end
local n = 0
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  n = n + 1
  return wrk.format("GET", "/v1/runs/" .. ids[(n % #ids) + 1])
end
LUA
echo "polling with $CONNS connections for $DURATION ..." >&2
wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s poll.lua "$API" > wrk.txt
rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$SERVE/status")
finished=$(curl -s -H "Authorization: Bearer $TOKEN" "$API/v1/runs?status=succeeded&limit=200" | jq '.runs | length')
rps=$(awk '/Requests\/sec/ {print $2}' wrk.txt)
pct() { awk -v p="$1" '$1 == p {print $2}' wrk.txt; }
non2xx=$(awk '/Non-2xx/ {print $5}' wrk.txt); non2xx=${non2xx:-0}
sockerr=$(awk '/Socket errors/ {print $0}' wrk.txt); sockerr=${sockerr:-none}
echo
echo "Command: bash bench/service_bench.sh build/release/tools/export-center (SUBMISSIONS=$SUBMISSIONS CONNS=$CONNS DURATION=$DURATION WORKERS=$WORKERS)"
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: nproc $(nproc), $(uname -r)"
echo
echo "| measure | value |"
echo "| --- | --- |"
echo "| run submissions accepted (202) | $sub_ok / $SUBMISSIONS (p99 $sub_p99 ms) |"
echo "| status polls/s ($CONNS connections) | $rps |"
echo "| status latency p50 / p90 / p99 | $(pct 50%) / $(pct 90%) / $(pct 99%) |"
echo "| non-2xx responses / socket errors | $non2xx / $sockerr |"
echo "| runs succeeded by the end | $finished / $SUBMISSIONS |"
echo "| serve peak RSS | $((rss_kib / 1024)) MiB |"
