#!/usr/bin/env bash
# Installs what Export Center needs from Debian 12, idempotently: packages already present
# are not fetched again, and apt-get update runs only when something is missing.
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libcurl4-openssl-dev nlohmann-json3-dev libssl-dev libzstd-dev libgit2-dev
  libcpp-httplib-dev libbotan-2-dev catch2 libsqlite3-dev zlib1g-dev libarchive-dev
  libcli11-dev libyaml-cpp-dev
)
# Real peers used by the conformance and interop tests, and the benchmark's measuring tools.
TEST_PACKAGES=(skopeo umoci oci-image-tool docker-registry apache2-utils curl podman python3-jwt python3-cryptography time jq zstd python3 tar openssl wrk golang-go golang-github-coreos-bbolt-dev sqlite3
  libcommons-cli-java libslf4j-java libjsr305-java)

want=("${BUILD_PACKAGES[@]}")
if [ "${1:-}" = "--with-tests" ]; then want+=("${TEST_PACKAGES[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#want[@]} packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
