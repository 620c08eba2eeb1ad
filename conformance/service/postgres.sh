#!/usr/bin/env bash
# The run store over a real PostgreSQL 15 (Debian's postgresql package), started for the suite
# on a free loopback port in its work directory and stopped when it ends: every "[run-store]"
# case of the unit tests against PostgresRunStore (EC_TEST_POSTGRES_URL), each in a schema of
# its own that it drops again; then several `export-center serve` sharing one queue.
#
# Usage: postgres.sh UNIT_TESTS EXPORT_CENTER
# UNIT_TESTS is the unit-test binary (ec_unit_tests), EXPORT_CENTER the export-center binary.
# PostgreSQL refuses to run as root: as root, initdb and postgres run as the user postgres.
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
source "$here/lib/registry.sh"  # free_port, and REGISTRY_PIDS stopped on exit
source "$here/lib/service.sh"
[ $# -ge 2 ] || { echo "usage: postgres.sh UNIT_TESTS EXPORT_CENTER"; exit 2; }
UNIT=$(realpath "$1")
EC=$(realpath "$2")
PGBIN=${EC_PGBIN:-/usr/lib/postgresql/15/bin}
for tool in initdb postgres pg_isready psql; do
  [ -x "$PGBIN/$tool" ] || { echo "FAIL - $PGBIN/$tool is missing (Debian's postgresql package)"; exit 1; }
done
require_tool python3

# "${AS_PG[@]}" CMD...: runs CMD as the user postgres when we are root. setpriv execs CMD, so
# `"${AS_PG[@]}" postgres … &` leaves the postmaster's own pid in $! (a shell function would
# leave a subshell's).
AS_PG=()
[ "$(id -u)" = 0 ] && AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups --)

# --- a PostgreSQL 15 of the suite's own ------------------------------------------------------
PGROOT=$WORK/postgres
PGDATA=$PGROOT/data
mkdir -p "$PGROOT"
if [ "$(id -u)" = 0 ]; then
  chmod 711 "$WORK"  # postgres may pass through, not list
  chown postgres: "$PGROOT"
fi
chmod 700 "$PGROOT"
cd "$PGROOT" || exit 1
check "initdb a cluster (trust for local connections, UTF8, C collation)" \
  "${AS_PG[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8
PGPORT=$(free_port)
# fsync off: the suite's data is thrown away at the end.
"${AS_PG[@]}" "$PGBIN/postgres" -D "$PGDATA" -p "$PGPORT" -k "$PGROOT" -c listen_addresses=127.0.0.1 \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off > "$PGROOT/log" 2>&1 &
PGPID=$!
REGISTRY_PIDS="${REGISTRY_PIDS:-} $PGPID"
# SIGINT is PostgreSQL's fast shutdown: it ends the sessions left, and `wait` sees it go before
# the work directory is removed.
trap 'kill -INT "$PGPID" 2>/dev/null; for p in ${REGISTRY_PIDS:-}; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" && break
  kill -0 "$PGPID" 2>/dev/null || break
  sleep 0.1
done
if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then
  echo "FAIL - postgres did not start:"; cat "$PGROOT/log"; exit 1
fi
pass "postgres accepts connections on 127.0.0.1:$PGPORT"
ADMIN_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
sql() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$@" 2>&1; }
equal "the server is PostgreSQL 15" "$(sql "$ADMIN_URL" -c 'SHOW server_version_num' | cut -c1-2)" 15
check "create the database export_center" sql "$ADMIN_URL" -c "CREATE DATABASE export_center"
PG_URL="postgres://postgres@127.0.0.1:$PGPORT/export_center"
cd "$WORK" || exit 1

# --- the run store's unit cases against PostgreSQL -----------------------------------------------
assertions() { sed -n 's/^All tests passed (\([0-9]*\) assertions.*/\1/p' <<<"$1"; }
sqlite_out=$("$UNIT" "[run-store]" 2>&1)
sqlite_n=$(assertions "$sqlite_out")
if [ -n "$sqlite_n" ]; then pass "[run-store] passes on SQLite ($sqlite_n assertions)"
else fail "[run-store] passes on SQLite" "$(tail -40 <<<"$sqlite_out")"; fi
pg_out=$(EC_TEST_POSTGRES_URL=$PG_URL "$UNIT" "[run-store]" 2>&1)
pg_n=$(assertions "$pg_out")
if [ -n "$pg_n" ]; then pass "[run-store] passes with EC_TEST_POSTGRES_URL set ($pg_n assertions)"
else fail "[run-store] passes with EC_TEST_POSTGRES_URL set" "$(tail -60 <<<"$pg_out")"; fi
if [ -n "$sqlite_n" ] && [ -n "$pg_n" ] && [ "$pg_n" -gt $((2 * sqlite_n - 50)) ]; then
  pass "the cases also ran against PostgreSQL ($sqlite_n assertions on SQLite, $pg_n on both)"
else
  fail "the cases also ran against PostgreSQL" "assertions: ${sqlite_n:-?} on SQLite, ${pg_n:-?} with PostgreSQL"
fi
equal "every case dropped its schema" \
  "$(sql "$PG_URL" -c "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'ec\_test\_%'")" 0

# --- scale-out (serve) -------------------------------------------------------------------------
# An API-only serve and two worker-only serves on one PostgreSQL queue and one store directory
# (on several machines: a shared filesystem), distributing to a docker-registry.
require_tool jq; require_tool curl; require_tool docker-registry; require_tool skopeo
DATA=${EC_SHARED_DATA_DIR:-$here/../../shared/data}
export EC_EVIDENCE=$WORK/evidence XDG_CACHE_HOME=$WORK/cache
STORE=$WORK/shared-store
TOKEN=$("$EC" --store "$STORE" token create --database "$PG_URL" --tenant acme --name admin --scope admin 2>&1)
[[ $TOKEN == ect_* ]] && pass "token create writes to PostgreSQL" || fail "token create writes to PostgreSQL" "$TOKEN"
start_registry dst
serve_pg() {  # ROLE NAME [flags]: starts a serve on the shared store and queue
  local role=$1 name=$2; shift 2
  local port; port=$(free_port)
  "$EC" --store "$STORE" --plain-http serve --listen "127.0.0.1:$port" --database "$PG_URL" --role "$role" \
    --run-lease 3s "$@" > "$WORK/serve-$name.log" 2>&1 &
  local pid=$!
  REGISTRY_PIDS="${REGISTRY_PIDS:-} $pid"
  printf -v "PID_$name" '%s' "$pid"
  printf -v "PORT_$name" '%s' "$port"
}
serve_pg api api
serve_pg worker w1 --workers 1
serve_pg worker w2 --workers 1
API=http://127.0.0.1:$PORT_api
for _ in $(seq 100); do curl -s -o /dev/null "$API/healthz" && break; sleep 0.1; done
equal "the API-only serve is ready on PostgreSQL" "$(curl -s "$API/readyz" | jq -r .status)" ready
write_trivy_profile slow.yaml "$REGISTRY_dst/mirror/trivy-db:2"
check "publish a profile through the API-only serve" "$EC" profile apply slow.yaml --server "$API" --token "$TOKEN"
ids=()
for i in 1 2 3 4; do ids+=("$("$EC" run create trivy-nightly --server "$API" --token "$TOKEN" -o json | jq -r .id)"); done
digests=(); workers=()
for id in "${ids[@]}"; do
  out=$("$EC" run wait "$id" --timeout 5m --server "$API" --token "$TOKEN" -o json 2>&1)
  [ "$(jq -r .status <<<"$out")" = succeeded ] || fail "run $id succeeds" "$out"
  digests+=("$(jq -r .result.artifact.digest <<<"$out")")
  workers+=("$(jq -r .worker <<<"$out")")
done
equal "four runs queued through the API serve all succeed with one digest" "$(printf '%s\n' "${digests[@]}" | sort -u | wc -l)" 1
equal "the two worker serves shared them" "$(printf '%s\n' "${workers[@]}" | sed 's/:[0-9]*$//' | sort -u | wc -l)" 2
equal "skopeo reads the distributed artifact" \
  "sha256:$(skopeo inspect --raw --tls-verify=false "docker://$REGISTRY_dst/mirror/trivy-db:2" 2>&1 | sha256sum | cut -d' ' -f1)" "${digests[0]}"

# A worker serve killed with SIGKILL mid-run: the other takes the run over when the lease expires.
KRUN=$("$EC" run create trivy-nightly --server "$API" --token "$TOKEN" -o json | jq -r .id)
holder=""
for _ in $(seq 200); do
  holder=$(curl -s -H "Authorization: Bearer $TOKEN" "$API/v1/runs/$KRUN" | jq -r 'select(.status == "running") | .worker')
  [ -n "$holder" ] && break
  sleep 0.05
done
pid=$(cut -d: -f2 <<<"$holder")
victim=""; [ "$pid" = "$PID_w1" ] && victim=w1; [ "$pid" = "$PID_w2" ] && victim=w2
[ -n "$victim" ] && pass "the run is held by worker serve $victim" || fail "the run is held by one of the worker serves" "holder $holder"
sleep 0.3
kill -9 "$pid"
out=$("$EC" run wait "$KRUN" --timeout 5m --server "$API" --token "$TOKEN" -o json 2>&1)
equal "the other worker serve resumes it to success" "$(jq -r .status <<<"$out")" succeeded
equal "on the second attempt" "$(jq -r .attempt <<<"$out")" 2
[ "$(cut -d: -f2 <<<"$(jq -r .worker <<<"$out")")" != "$pid" ] && pass "by another worker" || fail "by another worker" "$(jq -r .worker <<<"$out")"
equal "with the identical artifact" "$(jq -r .result.artifact.digest <<<"$out")" "${digests[0]}"
curl -sN -H "Authorization: Bearer $TOKEN" "$API/v1/runs/$KRUN/events" > kevents.txt
equal "each target distributed once" "$(grep -c '^event: distributed' kevents.txt)" 2
equal "the queue is empty" "$(curl -s "$API/metrics" | sed -n 's/^export_queue_depth //p')" 0

finish
