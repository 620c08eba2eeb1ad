# containers/image clients (podman with vfs storage, skopeo) isolated in the suite's $WORK:
# private storage, run and temp directories, an empty auth file, and the shared blob-info
# cache (/var/lib/containers/cache) bind-mounted from $WORK in a private mount namespace when
# the machine allows it. Source after harness.sh; then use `isolated CMD...`, `pm ARGS...`.
P=$WORK/podman
mkdir -p "$P/tmp" "$P/net" "$P/bigtmp" "$P/cache"
printf '[engine]\nlock_type = "file"\n' > "$P/containers.conf"
echo '{}' > "$P/auth.json"
PODMAN=(podman --storage-driver vfs --root "$P/root" --runroot "$P/run" --tmpdir "$P/tmp"
        --network-config-dir "$P/net" --events-backend none)
ISOLATE_CACHE=false
if [ -d /var/lib/containers/cache ] && unshare --mount true 2>/dev/null; then ISOLATE_CACHE=true; fi
# isolated CMD...: runs a containers/image client with $WORK's cache, config, auth and temp dir.
# REGISTRY_AUTH_FILE is set for the client only: docker-registry reads REGISTRY_* as config.
isolated() {
  if $ISOLATE_CACHE; then
    REGISTRY_AUTH_FILE="$P/auth.json" CONTAINERS_CONF="$P/containers.conf" TMPDIR="$P/bigtmp" unshare --mount \
      sh -c 'mount -n --bind "$0" /var/lib/containers/cache && exec "$@"' "$P/cache" "$@"
  else
    REGISTRY_AUTH_FILE="$P/auth.json" CONTAINERS_CONF="$P/containers.conf" TMPDIR="$P/bigtmp" "$@"
  fi
}
pm() { isolated "${PODMAN[@]}" "$@"; }
