# Starts Debian's docker-registry (distribution 2.8.2) on a free loopback port, and stops
# exactly that process when the suite ends.

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_registry NAME [htpasswd FILE | tls CERT KEY]: sets REGISTRY_<NAME>=127.0.0.1:PORT.
start_registry() {
  local name=$1 auth=${2:-} file=${3:-} key=${4:-} port dir scheme=http
  port=$(free_port)
  dir="$WORK/registry-$name"
  mkdir -p "$dir/data"
  {
    echo "version: 0.1"
    echo "log: {level: error, accesslog: {disabled: true}}"
    echo "storage: {cache: {blobdescriptor: inmemory}, filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}"
    if [ "$auth" = tls ]; then
      echo "http: {addr: 127.0.0.1:$port, tls: {certificate: $file, key: $key}}"
    else
      echo "http: {addr: 127.0.0.1:$port}"
    fi
    if [ "$auth" = htpasswd ]; then
      echo "auth: {htpasswd: {realm: ec-test, path: $file}}"
    fi
  } > "$dir/config.yml"
  docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
  local pid=$!
  REGISTRY_PIDS="${REGISTRY_PIDS:-} $pid"
  trap 'for p in $REGISTRY_PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$WORK"' EXIT
  for _ in $(seq 1 100); do
    [ "$auth" = tls ] && scheme=https
    if curl -sk -o /dev/null "$scheme://127.0.0.1:$port/v2/"; then
      printf -v "REGISTRY_$name" '%s' "127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  echo "FAIL - docker-registry did not start:"; cat "$dir/log"; exit 1
}
