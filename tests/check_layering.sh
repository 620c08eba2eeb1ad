#!/usr/bin/env bash
# Fails when a lower module includes a higher one. Order, lowest first:
# json < oci < {trivy, sign, evidence, age}, sign < tuf, and all of them < {profiles, mirror}
# < service (the export service sits on everything); inside oci, remote and store never
# include server.
set -u
src=$1
status=0
check() {  # module, forbidden include prefixes...
  local module=$1; shift
  [ -d "$src/$module" ] || return 0
  for prefix in "$@"; do
    hits=$(grep -rn --include='*.h' --include='*.cpp' "#include \"$prefix/" "$src/$module" || true)
    if [ -n "$hits" ]; then
      echo "layering: $module must not include $prefix/:"; echo "$hits"; status=1
    fi
  done
}
check json oci tuf trivy mirror sign evidence profiles service
check oci tuf trivy mirror sign evidence profiles service
check oci/store oci/server oci/remote
check oci/remote oci/server oci/store
check tuf trivy mirror evidence profiles oci/server service
check trivy tuf mirror sign evidence profiles service
check sign trivy tuf mirror evidence profiles oci/server service
check evidence trivy tuf mirror sign profiles oci/server service
check profiles trivy tuf mirror oci/server age service
check mirror profiles oci/server service
check age trivy tuf mirror sign evidence profiles oci/server oci/store oci/remote service
[ $status = 0 ] && echo "layering: ok"
exit $status
