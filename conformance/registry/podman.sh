#!/usr/bin/env bash
# podman (as root, no daemon, vfs storage under $WORK) reads what export-center puts in Debian's
# docker-registry: export-center copies a umoci image in, podman pulls it, creates a container
# and copies hello.txt out of it, and reports the manifest digest export-center resolves and
# the config digest as image ID. Then the other way: podman pushes, export-center copies the
# image out to a layout that umoci unpacks.
#
# podman keeps everything under $WORK/podman: --root/--runroot/--tmpdir (file locks instead of
# /dev/shm), --network-config-dir, no events log, TMPDIR for big temporary files, and, when it
# can, its blob-info cache (/var/lib/containers/cache) bind-mounted from $WORK in a private
# mount namespace. podman's warnings (cgroups, registries.conf) go to stderr and are tolerated.
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
source "$here/lib/images.sh"
source "$here/lib/registry.sh"
EC=$(realpath "$1")  # the suites change directory
require_tool docker-registry; require_tool podman; require_tool umoci; require_tool jq; require_tool curl
[ "$(id -u)" -eq 0 ] || { echo "FAIL - podman.sh runs podman as root"; exit 1; }
ec() { "$EC" --plain-http "$@"; }

start_registry open
R=$REGISTRY_open

# vfs leaves read-only directories behind: make $WORK writable before the traps remove it.
old=$(trap -p EXIT); eval "set -- $old"
trap 'chmod -R u+w "$WORK" 2>/dev/null; '"$3" EXIT

source "$here/lib/podman.sh"

make_umoci_image "$WORK/umoci" latest
img=$(digest_of "$WORK/umoci" latest)
check "export-center copies a umoci image into the registry" ec copy "oci:$WORK/umoci:latest" "$R/ec/img:1"
resolved=$(ec resolve "$R/ec/img:1" 2>&1)
equal "export-center resolves umoci's digest" "$resolved" "$img"

check "podman pulls what export-center pushed" pm pull -q --tls-verify=false "$R/ec/img:1"
inspect=$(pm image inspect "$R/ec/img:1" 2>/dev/null)
equal "podman image inspect: the digest export-center resolves" "$(jq -r '.[0].Digest' <<<"$inspect")" "$resolved"
equal "podman image inspect: the repo digest" "$(jq -r '.[0].RepoDigests[0]' <<<"$inspect")" "$R/ec/img@$resolved"
config=$(ec manifest get "$R/ec/img:1" | jq -r .config.digest)
equal "podman's image ID is the config digest" "sha256:$(jq -r '.[0].Id' <<<"$inspect")" "$config"
equal "podman sees the config umoci wrote" "$(jq -c '[.[0].Config.Cmd, .[0].Config.Labels["org.example"]]' <<<"$inspect")" '[["/bin/true"],"ec"]'

cid=$(pm create "$R/ec/img:1" 2>"$WORK/create.err")
[[ "$cid" =~ ^[0-9a-f]{64}$ ]] && pass "podman creates a container from it" || fail "podman creates a container from it" "$cid $(cat "$WORK/create.err")"
check "podman copies hello.txt out of the container" pm cp "$cid:/hello.txt" "$WORK/hello.txt"
equal "hello.txt is umoci's" "$(cat "$WORK/hello.txt" 2>&1)" "hello from umoci"
equal "and /etc/motd too" "$(pm cp "$cid:/etc/motd" - 2>/dev/null | tar -xO 2>&1)" "export-center"

# The other way: podman pushes, export-center reads.
check "podman pushes the image back (OCI)" pm push -q --tls-verify=false --format oci "$R/ec/img:1" "$R/pm/img:1"
check "export-center copies podman's push to a layout" ec copy "$R/pm/img:1" "oci:$WORK/frompodman:1"
equal "the layout holds the digest the registry has" "$(digest_of "$WORK/frompodman" 1)" "$(ec resolve "$R/pm/img:1" 2>&1)"
check "umoci unpacks it" umoci unpack --rootless --image "$WORK/frompodman:1" "$WORK/unpacked"
equal "with hello.txt intact" "$(cat "$WORK/unpacked/rootfs/hello.txt" 2>&1)" "hello from umoci"

check "podman removes the container" pm rm "$cid"
check "podman removes the image" pm rmi "$R/ec/img:1"
equal "podman's storage is empty" "$(pm images -q 2>/dev/null | wc -l) $(pm ps -aq 2>/dev/null | wc -l)" "0 0"

finish
