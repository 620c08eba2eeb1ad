#!/usr/bin/env bash
# Installs what Export Center needs from Debian 12, idempotently: packages already present
# are not fetched again, and apt-get update runs only when something is missing.
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libcurl4-openssl-dev nlohmann-json3-dev libssl-dev libzstd-dev libgit2-dev
  libcpp-httplib-dev libbotan-2-dev catch2 libsqlite3-dev zlib1g-dev libarchive-dev
  libcli11-dev libyaml-cpp-dev libpq-dev
)
# Real peers used by the conformance and interop tests, and the benchmark's measuring tools.
TEST_PACKAGES=(git age skopeo umoci oci-image-tool docker-registry apache2-utils curl podman python3-jwt python3-cryptography time jq zstd python3 tar openssl wrk golang-go golang-github-coreos-bbolt-dev sqlite3
  libcommons-cli-java libslf4j-java libjsr305-java chromium prometheus postgresql)

with_tests=false
[ "${1:-}" = "--with-tests" ] && with_tests=true
want=("${BUILD_PACKAGES[@]}")
if $with_tests; then
  want+=("${TEST_PACKAGES[@]}")
  # Node.js runs the sigstore-js oracle; a machine without one gets Debian's.
  command -v node >/dev/null 2>&1 || want+=(nodejs npm)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#want[@]} packages present"
elif [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
else
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The npm oracles the interop tests run, at the versions package-lock.json pins (no network
# use when node_modules already matches the lock).
if $with_tests; then
  root=$(cd "$(dirname "$0")/.." && pwd)
  for dir in conformance/sign conformance/tuf conformance/console; do
    if ! cmp -s "$root/$dir/package-lock.json" "$root/$dir/node_modules/.package-lock.json.ci" 2>/dev/null; then
      echo "setup: npm ci in $dir"
      (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
        echo "setup: npm ci failed in $dir (needs Node.js >= 20.17 and the npm registry)" >&2; exit 1; }
      cp "$root/$dir/package-lock.json" "$root/$dir/node_modules/.package-lock.json.ci"
    fi
  done
fi
