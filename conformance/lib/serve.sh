# Starts `export-center serve` on a free loopback port over a store in the suite's work
# directory, and stops exactly that process when the suite ends.
# Needs harness.sh and registry.sh (free_port, REGISTRY_PIDS) sourced first, and EC set.

# start_serve NAME [serve flags...]: sets SERVE_<NAME>=127.0.0.1:PORT and SERVE_<NAME>_STORE.
start_serve() {
  local name=$1; shift
  local port dir scheme=http
  port=$(free_port)
  dir="$WORK/serve-$name"
  mkdir -p "$dir"
  for a in "$@"; do [ "$a" = --tls-cert ] && scheme=https; done
  "$EC" --store "$dir/store" serve --listen "127.0.0.1:$port" "$@" > "$dir/log" 2>&1 &
  local pid=$!
  REGISTRY_PIDS="${REGISTRY_PIDS:-} $pid"
  trap 'for p in $REGISTRY_PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$WORK"' EXIT
  for _ in $(seq 1 100); do
    if curl -sk -o /dev/null "$scheme://127.0.0.1:$port/v2/"; then
      printf -v "SERVE_$name" '%s' "127.0.0.1:$port"
      printf -v "SERVE_${name}_STORE" '%s' "$dir/store"
      printf -v "SERVE_${name}_PID" '%s' "$pid"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL - export-center serve did not start:"; cat "$dir/log"; exit 1
}

# serve_store NAME: the store directory start_serve NAME serves (to fill it before the server
# starts, or to reopen it after a restart).
serve_store() {
  echo "$WORK/serve-$1/store"
}
