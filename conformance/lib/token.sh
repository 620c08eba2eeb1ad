# Token auth for the registry suites: the test token server (registry/token_server.py, on
# Debian's /usr/bin/python3) and a docker-registry configured to trust it. Each server's PID is
# recorded and exactly those PIDs are stopped when the suite ends; the EXIT trap already set
# (harness.sh, registry.sh) is extended, not replaced. Source it after harness.sh; call
# registry.sh's start_registry before these (it sets its trap afresh each time).

TOKEN_PYTHON=/usr/bin/python3
TOKEN_PIDS=""

# _token_extend_exit_trap: run "kill $TOKEN_PIDS" before whatever the EXIT trap did so far.
_token_extend_exit_trap() {
  local old
  old=$(trap -p EXIT)
  if [ -n "$old" ]; then
    eval "set -- $old"
    old=$3
  fi
  case "$old" in *'$TOKEN_PIDS'*) return 0 ;; esac
  # shellcheck disable=SC2016
  trap 'for p in $TOKEN_PIDS; do kill "$p" 2>/dev/null; done; wait $TOKEN_PIDS 2>/dev/null; '"$old" EXIT
}

# start_token_server NAME [token_server.py options...]: starts the token server with a fresh
# P-256 certificate in $WORK/token-NAME and sets TOKEN_<NAME>=http://127.0.0.1:PORT/token,
# TOKEN_<NAME>_CERT (the PEM to trust) and TOKEN_<NAME>_LOG (one line per token request).
start_token_server() {
  local name=$1; shift
  local dir="$WORK/token-$name" port=""
  mkdir -p "$dir"
  "$TOKEN_PYTHON" "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/registry/token_server.py" \
    --cert "$dir/cert.pem" --key "$dir/key.pem" --log "$dir/requests.log" "$@" \
    > "$dir/out" 2> "$dir/err" &
  TOKEN_PIDS="$TOKEN_PIDS $!"
  _token_extend_exit_trap
  for _ in $(seq 1 100); do
    port=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$dir/out" 2>/dev/null)
    [ -n "$port" ] && break
    sleep 0.1
  done
  if [ -z "$port" ]; then echo "FAIL - the token server did not start:"; cat "$dir/err"; exit 1; fi
  : > "$dir/requests.log"
  printf -v "TOKEN_$name" '%s' "http://127.0.0.1:$port/token"
  printf -v "TOKEN_${name}_CERT" '%s' "$dir/cert.pem"
  printf -v "TOKEN_${name}_LOG" '%s' "$dir/requests.log"
}

# start_token_registry NAME REALM SERVICE ISSUER CERT: docker-registry on a free loopback port
# with `auth: token`; sets REGISTRY_<NAME>=127.0.0.1:PORT. Stopped with the token servers.
start_token_registry() {
  local name=$1 realm=$2 service=$3 issuer=$4 cert=$5 port dir
  port=$(free_port)
  dir="$WORK/registry-$name"
  mkdir -p "$dir/data"
  cat > "$dir/config.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {cache: {blobdescriptor: inmemory}, filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
auth:
  token: {realm: "$realm", service: "$service", issuer: "$issuer", rootcertbundle: "$cert"}
EOF
  docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
  TOKEN_PIDS="$TOKEN_PIDS $!"
  _token_extend_exit_trap
  for _ in $(seq 1 100); do
    # Token auth answers /v2/ with 401 once it is up.
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/")" = 401 ]; then
      printf -v "REGISTRY_$name" '%s' "127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  echo "FAIL - docker-registry (token auth) did not start:"; cat "$dir/log"; exit 1
}
