#!/usr/bin/env bash
# `export-center serve` next to Debian's docker-registry (distribution 2.8.2), both on loopback,
# serving the same content, measured in the same run with the same clients:
#   1. manifest GET requests/s: wrk -t$WRK_THREADS -c$CONNS -d$DURATION with the OCI Accept
#      header, ROUNDS rounds whose order alternates, median;
#   2. full GET of one BLOB_MIB random blob: MB/s with curl, BLOB_RUNS runs interleaved, median
#      and best;
#   3. peak RSS (VmHWM, reset before each load phase through /proc/PID/clear_refs) of each
#      server process during the manifest runs and during a CONNS-connection wrk run on the big
#      blob (BLOB_LOAD_DURATION).
# Both registries get the same image and blob: `export-center push` into serve, then
# `export-center copy` serve -> docker-registry (same manifest digests, checked below).
# docker-registry runs with conformance/lib/registry.sh's config: log level error, access log
# disabled (its default config logs every request, which would slow it down).
#   bash bench/serve_bench.sh build/release/tools/export-center
# Environment: DURATION (10s), CONNS (64), WRK_THREADS (2), ROUNDS (3), WARMUP (2s),
# BLOB_MIB (1024), BLOB_RUNS (5), BLOB_LOAD_DURATION (= DURATION), SERVE_FLAGS (extra
# `serve` options, e.g. "--threads 32"; default none).
set -euo pipefail
EC_ARG=${1:?usage: serve_bench.sh PATH/TO/export-center}
EC=$(realpath "$EC_ARG")
root=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10s}; CONNS=${CONNS:-64}; WRK_THREADS=${WRK_THREADS:-2}; ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-2s}; BLOB_MIB=${BLOB_MIB:-1024}; BLOB_RUNS=${BLOB_RUNS:-5}
BLOB_LOAD_DURATION=${BLOB_LOAD_DURATION:-$DURATION}; SERVE_FLAGS=${SERVE_FLAGS:-}
for tool in wrk curl jq ss docker-registry python3; do
  command -v "$tool" >/dev/null || { echo "serve_bench: $tool is not installed" >&2; exit 1; }
done
bin_mtime=$(date -u -r "$EC" '+%Y-%m-%d %H:%M:%S UTC')
revision="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- src tools 2>/dev/null || echo ', src/tools modified')"
command_line="DURATION=$DURATION CONNS=$CONNS WRK_THREADS=$WRK_THREADS ROUNDS=$ROUNDS WARMUP=$WARMUP BLOB_MIB=$BLOB_MIB BLOB_RUNS=$BLOB_RUNS BLOB_LOAD_DURATION=$BLOB_LOAD_DURATION${SERVE_FLAGS:+ SERVE_FLAGS=\"$SERVE_FLAGS\"} bash $0 $EC_ARG"

# Work on tmpfs when it holds both copies of the blob plus a margin: both servers then read
# from memory, and the figures measure the servers, not this VM's noisy disk.
need_kib=$(((2 * BLOB_MIB + 512) * 1024))
shm_kib=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 {print $4}')
if [ -n "$shm_kib" ] && [ "$shm_kib" -ge "$need_kib" ]; then
  base=/dev/shm; storage="tmpfs (/dev/shm, $((shm_kib >> 10)) MiB free, $((need_kib >> 10)) MiB needed)"
else
  base=${TMPDIR:-/var/tmp}; storage="$base ($(df -PT "$base" | awk 'NR == 2 {print $2}'); /dev/shm has too little room: ${shm_kib:-?} KiB free, $need_kib KiB needed)"
fi
WORK=$(mktemp -d "$base/ec-servebench.XXXXXX")
export XDG_CACHE_HOME="$WORK/cache"  # a fresh blob-location cache for the copies below
SAMPLER_PIDS=""
cleanup() {
  for p in $SAMPLER_PIDS ${REGISTRY_PIDS:-}; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_registry / start_serve install their own EXIT trap; ours goes back on after each.
source "$root/conformance/lib/registry.sh"
source "$root/conformance/lib/serve.sh"
echo "work directory: $WORK" >&2
start_registry dr; trap cleanup EXIT
DR_PID=${REGISTRY_PIDS##* }
# shellcheck disable=SC2086  # SERVE_FLAGS is a list of options
start_serve ec $SERVE_FLAGS; trap cleanup EXIT
# shellcheck disable=SC2154  # set by start_serve and start_registry
{ EC_PID=$SERVE_ec_PID; SERVE=$SERVE_ec; DR=$REGISTRY_dr; }
ec() { "$EC" --plain-http "$@"; }

echo "pushing a small image and a ${BLOB_MIB} MiB random blob into serve, copying both to docker-registry ..." >&2
mkdir -p "$WORK/rootfs/etc"
echo "export-center serve bench" > "$WORK/rootfs/etc/motd"
head -c 65536 /dev/urandom > "$WORK/rootfs/data.bin"
tar -C "$WORK/rootfs" --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$WORK/layer1.tar" etc
tar -C "$WORK/rootfs" --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$WORK/layer2.tar" data.bin
d1=$(sha256sum "$WORK/layer1.tar" | cut -d' ' -f1); d2=$(sha256sum "$WORK/layer2.tar" | cut -d' ' -f1)
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/true"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]}}' \
  "$d1" "$d2" > "$WORK/config.json"
ec push "$SERVE/bench/small:v1" "$WORK/layer1.tar" "$WORK/layer2.tar" \
  --config "$WORK/config.json:application/vnd.oci.image.config.v1+json" >/dev/null
head -c "$((BLOB_MIB << 20))" /dev/urandom > "$WORK/big.bin"
ec push "$SERVE/bench/big:v1" "$WORK/big.bin" >/dev/null
rm -f "$WORK/big.bin"  # from here on the blob exists once in each server's storage
ec copy "$SERVE/bench/small:v1" "$DR/bench/small:v1" >/dev/null
ec copy "$SERVE/bench/big:v1" "$DR/bench/big:v1" >/dev/null

ACCEPT="application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json"
MANIFEST_PATH=/v2/bench/small/manifests/v1
BIG_DIGEST=$(curl -sf -H "Accept: $ACCEPT" "http://$SERVE/v2/bench/big/manifests/v1" | jq -r '.layers[0].digest')
BIG_SIZE=$(curl -sf -H "Accept: $ACCEPT" "http://$SERVE/v2/bench/big/manifests/v1" | jq -r '.layers[0].size')
BLOB_PATH=/v2/bench/big/blobs/$BIG_DIGEST
[ "$BIG_SIZE" -eq "$((BLOB_MIB << 20))" ] || { echo "serve_bench: big blob size $BIG_SIZE, want $((BLOB_MIB << 20))" >&2; exit 1; }

# Both must answer the manifest GET with the same bytes; both blobs must hash to the digest
# (this full GET also serves as a warm-up).
for addr in "$SERVE" "$DR"; do
  body_sum=$(curl -sf -H "Accept: $ACCEPT" "http://$addr$MANIFEST_PATH" | sha256sum | cut -d' ' -f1)
  [ -n "${want_sum:-}" ] || want_sum=$body_sum
  [ "$body_sum" = "$want_sum" ] || { echo "serve_bench: manifest bytes differ between serve and docker-registry" >&2; exit 1; }
  got=sha256:$(curl -sf "http://$addr$BLOB_PATH" | sha256sum | cut -d' ' -f1)
  [ "$got" = "$BIG_DIGEST" ] || { echo "serve_bench: blob from $addr hashes to $got, want $BIG_DIGEST" >&2; exit 1; }
done
manifest_bytes=$(curl -sf -H "Accept: $ACCEPT" "http://$SERVE$MANIFEST_PATH" | wc -c)
manifest_type=$(curl -sf -o /dev/null -w '%{content_type}' -H "Accept: $ACCEPT" "http://$SERVE$MANIFEST_PATH")

# wrk scripts: the manifest one sends the Accept header; both print the run's totals in a
# line that is easy to parse (the human summary rounds and scales its units).
cat > "$WORK/done.lua" <<'LUA'
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("EC_RESULT %d %d %d %d %d %d %d %d %d %d\n", summary.requests,
    summary.bytes, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
LUA
{ echo "wrk.headers[\"Accept\"] = \"$ACCEPT\""; cat "$WORK/done.lua"; } > "$WORK/manifest.lua"
cp "$WORK/done.lua" "$WORK/blob.lua"

# Peak RSS: VmHWM after resetting it (writing 5 to clear_refs, Linux >= 4.0, needs to own the
# process); VmRSS sampled every 0.1 s as well, as a cross-check and the fallback.
reset_peak() { echo 5 > "/proc/$1/clear_refs" 2>/dev/null; }
can_reset=yes; reset_peak "$EC_PID" && reset_peak "$DR_PID" || can_reset=no
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
start_sampler() {  # PID FILE
  ( while kill -0 "$1" 2>/dev/null; do status_kib "$1" VmRSS; sleep 0.1; done ) > "$2" 2>/dev/null &
  SAMPLER_PIDS="$SAMPLER_PIDS $!"
}
stop_sampler() { local p=${SAMPLER_PIDS##* }; kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; SAMPLER_PIDS=${SAMPLER_PIDS% *}; }
idle_ec=$(status_kib "$EC_PID" VmRSS); idle_dr=$(status_kib "$DR_PID" VmRSS)
# Logs written from here on are written under load (the setup's 404s on HEAD are not counted).
log_ec0=$(stat -c %s "$WORK/serve-ec/log"); log_dr0=$(stat -c %s "$WORK/registry-dr/log")
# The accept queue each server asked for (ss shows it as Send-Q of the listening socket): a
# short one overflows when wrk opens all its connections at once, and the dropped SYNs /
# handshake ACKs are retransmitted after about 1 s, which shows in the latency tail.
backlog() { ss -Hltn "( sport = :${1##*:} )" | awk '{print $3}' | head -1; }
backlog_ec=$(backlog "$SERVE"); backlog_dr=$(backlog "$DR")

# load NAME PID URL SCRIPT DURATION [wrk options]: one wrk run against a server; prints
# "requests bytes duration_us connect read write status timeout p50_us p99_us hwm_kib sampled_max_kib".
load() {
  local name=$1 pid=$2 url=$3 script=$4 dur=$5; shift 5
  reset_peak "$pid" || true
  start_sampler "$pid" "$WORK/rss-$name"
  wrk -t"$WRK_THREADS" -c"$CONNS" -d"$dur" "$@" -s "$script" "$url" > "$WORK/wrk-$name.out" 2>&1 || true
  stop_sampler
  local res
  res=$(awk '$1 == "EC_RESULT" {$1 = ""; print}' "$WORK/wrk-$name.out")
  [ -n "$res" ] || { echo "serve_bench: wrk failed against $name:" >&2; cat "$WORK/wrk-$name.out" >&2; exit 1; }
  echo "$res $(status_kib "$pid" VmHWM) $(sort -n "$WORK/rss-$name" | tail -1)"
}
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
maxof() { sort -g | tail -1; }

echo "manifest GET: $ROUNDS round(s) of wrk -t$WRK_THREADS -c$CONNS -d$DURATION per server ..." >&2
for s in ec dr; do  # warm-up (connections, caches, Go's heap) without measuring
  addr=$SERVE; [ $s = dr ] && addr=$DR
  wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" -s "$WORK/manifest.lua" "http://$addr$MANIFEST_PATH" >/dev/null 2>&1 || true
done
declare -A rps p50 p99 hwm_m smp_m errs
for round in $(seq 1 "$ROUNDS"); do
  order="ec dr"; [ $((round % 2)) -eq 0 ] && order="dr ec"
  for s in $order; do
    if [ $s = ec ]; then addr=$SERVE pid=$EC_PID; else addr=$DR pid=$DR_PID; fi
    load "manifest-$s-$round" "$pid" "http://$addr$MANIFEST_PATH" "$WORK/manifest.lua" "$DURATION" > "$WORK/res"
    read -r n bytes us conn rd wr st to p50us p99us hwm smp < "$WORK/res"
    [ "$st" -lt "$n" ] || { echo "serve_bench: every manifest GET to $s failed (non-2xx); wrk output:" >&2; cat "$WORK/wrk-manifest-$s-$round.out" >&2; exit 1; }
    rps[$s]+="$(awk -v n="$n" -v us="$us" 'BEGIN {printf "%.1f", n / (us / 1e6)}') "
    p50[$s]+="$(awk -v v="$p50us" 'BEGIN {printf "%.2f", v / 1000}') "
    p99[$s]+="$(awk -v v="$p99us" 'BEGIN {printf "%.2f", v / 1000}') "
    hwm_m[$s]+="$hwm "; smp_m[$s]+="$smp "
    errs[$s]+="manifest round $round: $n requests, errors connect $conn read $rd write $wr non-2xx $st timeout $to; "
  done
  echo "round $round of $ROUNDS done" >&2
done

echo "blob GET: $BLOB_RUNS interleaved full GETs of ${BLOB_MIB} MiB per server with curl ..." >&2
declare -A mbs
for run in $(seq 1 "$BLOB_RUNS"); do
  order="ec dr"; [ $((run % 2)) -eq 0 ] && order="dr ec"
  for s in $order; do
    addr=$SERVE; [ $s = dr ] && addr=$DR
    curl -s -o /dev/null -w '%{size_download} %{time_total} %{http_code}\n' "http://$addr$BLOB_PATH" > "$WORK/res" || true
    read -r size secs code < "$WORK/res"
    if [ "$code" != 200 ] || [ "$size" != "$BIG_SIZE" ]; then
      echo "serve_bench: blob GET from $s: HTTP $code, $size bytes, want 200 and $BIG_SIZE" >&2; exit 1
    fi
    mbs[$s]+="$(awk -v b="$size" -v t="$secs" 'BEGIN {printf "%.0f", b / 1e6 / t}') "
  done
done

echo "blob GET under load: wrk -t$WRK_THREADS -c$CONNS -d$BLOB_LOAD_DURATION on the ${BLOB_MIB} MiB blob per server ..." >&2
declare -A agg hwm_b smp_b
for s in ec dr; do
  if [ $s = ec ]; then addr=$SERVE pid=$EC_PID; else addr=$DR pid=$DR_PID; fi
  load "blob-$s" "$pid" "http://$addr$BLOB_PATH" "$WORK/blob.lua" "$BLOB_LOAD_DURATION" --timeout 600s > "$WORK/res"
  read -r n bytes us conn rd wr st to _ _ hwm smp < "$WORK/res"
  agg[$s]=$(awk -v b="$bytes" -v us="$us" 'BEGIN {printf "%.0f", b / 1e6 / (us / 1e6)}')
  hwm_b[$s]=$hwm; smp_b[$s]=$smp
  errs[$s]+="blob load: $n complete responses, $((bytes >> 20)) MiB read, errors connect $conn read $rd write $wr non-2xx $st timeout $to; "
done
for s in ec dr; do kill -0 "$([ $s = ec ] && echo "$EC_PID" || echo "$DR_PID")" 2>/dev/null || { echo "serve_bench: the $s server died" >&2; exit 1; }; done

# ---- report ----
threads_ec=$(status_kib "$EC_PID" Threads); threads_dr=$(status_kib "$DR_PID" Threads)
log_dr=$(($(stat -c %s "$WORK/registry-dr/log") - log_dr0)); log_ec=$(($(stat -c %s "$WORK/serve-ec/log") - log_ec0))
exe_ec=$(readlink "/proc/$EC_PID/exe")
words() { tr ' ' '\n' <<<"$1" | grep .; }
declare -A rps_med p50_med p99_med mbs_med mbs_best rss_m rss_b
for s in ec dr; do
  rps_med[$s]=$(words "${rps[$s]}" | median)
  p50_med[$s]=$(words "${p50[$s]}" | median)
  p99_med[$s]=$(words "${p99[$s]}" | median)
  mbs_med[$s]=$(words "${mbs[$s]}" | median)
  mbs_best[$s]=$(words "${mbs[$s]}" | maxof)
  if [ $can_reset = yes ]; then
    rss_m[$s]=$(words "${hwm_m[$s]}" | maxof); rss_b[$s]=${hwm_b[$s]}
  else
    rss_m[$s]=$(words "${smp_m[$s]}" | maxof); rss_b[$s]=${smp_b[$s]}
  fi
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN {print (a >= b) ? "yes" : "NO"}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {print (a <= b) ? "yes" : "NO"}'; }
row() { printf '| %-46s | %15s | %15s | %22s | %16s | %4s |\n' "$@"; }

echo
echo "Command: $command_line"
echo "Date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "Machine: nproc $(nproc), kernel $(uname -r), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
echo "Versions: $("$EC" --version 2>&1 | head -1); docker-registry $(docker-registry --version 2>&1 | awk '{print $NF}'); $(wrk -v 2>&1 | head -1 | awk '{print "wrk", $2}'); $(curl --version | head -1 | awk '{print "curl", $2}')"
echo "Build: $EC, built $bin_mtime, repository at $revision"
[[ "$exe_ec" != *"(deleted)"* ]] || echo "WARNING: the binary was replaced (rebuilt?) during the run: serve ran the build from before, the figures may not match the binary now on disk"
echo "Storage: $storage"
echo "serve: export-center --store STORE serve --listen $SERVE${SERVE_FLAGS:+ $SERVE_FLAGS} (pid $EC_PID, $threads_ec threads at the end, listen backlog $backlog_ec, $log_ec bytes of log under load)"
echo "docker-registry: conformance/lib/registry.sh config, log level error, access log disabled (pid $DR_PID, $threads_dr threads at the end, listen backlog $backlog_dr, $log_dr bytes of log under load); its default config logs every request, which costs it throughput"
echo "Content: manifest $MANIFEST_PATH ($manifest_bytes bytes, $manifest_type, same bytes from both); blob $BIG_DIGEST ($BIG_SIZE bytes, verified from both)"
echo "Clients, servers and the other users of this machine share its $(nproc) cores: compare the ratios, not figures across runs."
echo
row metric serve docker-registry "ratio (serve/registry)" target "met?"
printf '|%s|%s|%s|%s|%s|%s|\n' "------------------------------------------------" "-----------------" "-----------------" "------------------------" "------------------" "------"
row "manifest GET, req/s (median of $ROUNDS)" "${rps_med[ec]}" "${rps_med[dr]}" "$(ratio "${rps_med[ec]}" "${rps_med[dr]}")" "ratio >= 2.00" "$(ge "$(ratio "${rps_med[ec]}" "${rps_med[dr]}")" 2)"
row "manifest GET, p50 / p99 latency ms (medians)" "${p50_med[ec]} / ${p99_med[ec]}" "${p50_med[dr]} / ${p99_med[dr]}" "$(ratio "${p50_med[ec]}" "${p50_med[dr]}") / $(ratio "${p99_med[ec]}" "${p99_med[dr]}")" "-" "-"
row "${BLOB_MIB} MiB blob GET, MB/s (median of $BLOB_RUNS)" "${mbs_med[ec]}" "${mbs_med[dr]}" "$(ratio "${mbs_med[ec]}" "${mbs_med[dr]}")" "ratio >= 1.00" "$(ge "$(ratio "${mbs_med[ec]}" "${mbs_med[dr]}")" 1)"
row "${BLOB_MIB} MiB blob GET, MB/s (best of $BLOB_RUNS)" "${mbs_best[ec]}" "${mbs_best[dr]}" "$(ratio "${mbs_best[ec]}" "${mbs_best[dr]}")" "-" "-"
row "blob GET, $CONNS conns, aggregate MB/s" "${agg[ec]}" "${agg[dr]}" "$(ratio "${agg[ec]}" "${agg[dr]}")" "-" "-"
row "peak RSS MiB, $CONNS-conn manifest load" "$(mib "${rss_m[ec]}")" "$(mib "${rss_m[dr]}")" "$(ratio "${rss_m[ec]}" "${rss_m[dr]}")" "serve <= 100 MiB" "$(le "${rss_m[ec]}" 102400)"
row "peak RSS MiB, $CONNS-conn blob load" "$(mib "${rss_b[ec]}")" "$(mib "${rss_b[dr]}")" "$(ratio "${rss_b[ec]}" "${rss_b[dr]}")" "serve <= 100 MiB" "$(le "${rss_b[ec]}" 102400)"
row "RSS MiB, idle after the pushes" "$(mib "$idle_ec")" "$(mib "$idle_dr")" "$(ratio "$idle_ec" "$idle_dr")" "-" "-"
echo
echo "How it was measured:"
echo "- manifest: wrk -t$WRK_THREADS -c$CONNS -d$DURATION -s manifest.lua http://HOST$MANIFEST_PATH (Accept: OCI manifest/index + Docker v2), after a $WARMUP warm-up per server; $ROUNDS rounds, order alternating; req/s = requests / duration from wrk's done() totals"
echo "- blob: curl -s -o /dev/null -w '%{size_download} %{time_total}' http://HOST$BLOB_PATH, $BLOB_RUNS runs per server, interleaved; MB = 10^6 bytes"
echo "- blob load: wrk -t$WRK_THREADS -c$CONNS -d$BLOB_LOAD_DURATION --timeout 600s on the blob; aggregate MB/s = bytes read (partial responses included) / duration"
if [ $can_reset = yes ]; then
  echo "- peak RSS: VmHWM of the server process, reset (echo 5 > /proc/PID/clear_refs) right before each wrk run and read right after it; the manifest row is the max over the $ROUNDS rounds"
  echo "  cross-check, max VmRSS sampled every 0.1 s: manifest serve $(mib "$(words "${smp_m[ec]}" | maxof)") / docker-registry $(mib "$(words "${smp_m[dr]}" | maxof)") MiB; blob load serve $(mib "${smp_b[ec]}") / docker-registry $(mib "${smp_b[dr]}") MiB"
else
  echo "- peak RSS: /proc/PID/clear_refs could not be written, so VmHWM could not be reset: max VmRSS sampled every 0.1 s during each wrk run instead"
fi
echo "- wrk totals, serve: ${errs[ec]}"
echo "- wrk totals, docker-registry: ${errs[dr]}"
