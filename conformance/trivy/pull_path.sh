#!/usr/bin/env bash
# A Trivy DB and Java DB exported with `export-center export`, pulled the way Trivy pulls them
# (trivy pkg/db + pkg/oci: manifest with image Accept headers, exactly one layer, layer chosen
# by its exact media type, the title as the file name, the tar.gz unpacked), from Debian's
# docker-registry and from `export-center serve`; the unpacked trivy.db is then opened by the
# Go bbolt checker (conformance/trivy/boltcheck), which decodes every value Trivy-style.
# Usage: bash conformance/trivy/pull_path.sh path/to/export-center
here=$(cd "$(dirname "$0")/.." && pwd)
EC=$(realpath "$1")
source "$here/lib/harness.sh"
source "$here/lib/registry.sh"
source "$here/lib/serve.sh"
require_tool docker-registry; require_tool curl; require_tool jq; require_tool go; require_tool sqlite3
DATA=${EC_SHARED_DATA:-$(cd "$here/../.." && pwd)/shared/data}
[ -d "$DATA" ] || { echo "FAIL - shared data not found at $DATA (set EC_SHARED_DATA)"; exit 1; }
export SOURCE_DATE_EPOCH=1700000000

# The Go checker (conformance/trivy/boltcheck), built in GOPATH mode against Debian's bbolt.
CHECKER=$WORK/boltcheck
(cd "$here/trivy/boltcheck" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$WORK/gocache GOFLAGS= \
  go build -o "$CHECKER" .) || { echo "FAIL - cannot build the bbolt checker"; exit 1; }

start_registry reg
start_serve srv
ACCEPT='application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json'

# A modest, varied input: Go (OSV JSON), PyPI (OSV YAML), crates.io, Alpine secdb, and one
# document that is not readable.
mkdir -p "$WORK/src"
cp -r "$DATA/golang-vulndb/data/osv" "$WORK/src/go"
mkdir -p "$WORK/src/bad"; printf '{"id": "BROKEN", "affected": [' > "$WORK/src/bad/broken.json"
sources=(--source "$WORK/src" --source "$DATA/alpine-secdb")

# trivy_pull REGISTRY REPO TAG MEDIATYPE DEST: what Trivy does, with curl.
trivy_pull() {
  local reg=$1 repo=$2 tag=$3 want_type=$4 dest=$5 manifest layers title type digest
  manifest=$(curl -sf -H "Accept: $ACCEPT" "http://$reg/v2/$repo/manifests/$tag") || { echo "manifest GET failed"; return 1; }
  layers=$(jq '.layers | length' <<<"$manifest")
  [ "$layers" = 1 ] || { echo "got $layers layers, want 1"; return 1; }
  type=$(jq -r '.layers[0].mediaType' <<<"$manifest")
  [ "$type" = "$want_type" ] || { echo "unacceptable media type: $type"; return 1; }
  title=$(jq -r '.layers[0].annotations["org.opencontainers.image.title"]' <<<"$manifest")
  [[ -n "$title" && "$title" != */* && "$title" != ..* ]] || { echo "bad title $title"; return 1; }
  digest=$(jq -r '.layers[0].digest' <<<"$manifest")
  mkdir -p "$dest"
  curl -sf -o "$WORK/$title" "http://$reg/v2/$repo/blobs/$digest" || { echo "blob GET failed"; return 1; }
  [ "sha256:$(sha256sum "$WORK/$title" | cut -c1-64)" = "$digest" ] || { echo "digest mismatch"; return 1; }
  tar -xzf "$WORK/$title" -C "$dest" || { echo "cannot unpack $title"; return 1; }
}

out=$("$EC" --plain-http export trivy:db "${sources[@]}" --to "$REGISTRY_reg/aquasec/trivy-db" -o json 2>"$WORK/export.err")
check "export trivy:db to docker-registry" test -n "$out"
equal "the unreadable document is skipped and counted" "$(jq -r .skipped <<<"$out")" 1
check "the skip names the file and why" grep -q "broken.json" "$WORK/export.err"
digest=$(jq -r .digest <<<"$out")
out2=$("$EC" --plain-http export trivy:db "${sources[@]}" --to "$SERVE_srv/aquasec/trivy-db" -o json 2>/dev/null)
equal "the same inputs give the same digest in serve" "$(jq -r .digest <<<"$out2")" "$digest"
out3=$("$EC" export trivy:db --source "$DATA/alpine-secdb" --source "$WORK/src" --to "oci-archive:$WORK/db.tar" -o json 2>/dev/null)
equal "source order does not change the digest" "$(jq -r .digest <<<"$out3")" "$digest"

for reg in "$REGISTRY_reg" "$SERVE_srv"; do
  for tag in 2 latest; do
    rm -rf "$WORK/cache"
    check "Trivy's pull path from $reg (:$tag)" trivy_pull "$reg" aquasec/trivy-db "$tag" \
      application/vnd.aquasec.trivy.db.layer.v1.tar+gzip "$WORK/cache/db"
  done
  equal "metadata.json Version from $reg" "$(jq -r .Version "$WORK/cache/db/metadata.json")" 2
  equal "metadata.json UpdatedAt from $reg" "$(jq -r .UpdatedAt "$WORK/cache/db/metadata.json")" "2023-11-14T22:13:20Z"
  check "bbolt check and Trivy-shaped decoding of trivy.db from $reg" "$CHECKER" -trivy "$WORK/cache/db/trivy.db"
done
# Dump lines are "key <hex bucket path> <hex key> ...": hex of "vulnerability" / "CVE-".
check "the vulnerability bucket holds CVE details" bash -c "'$CHECKER' -dump '$WORK/cache/db/trivy.db' 2>/dev/null | grep -q '^key 76756c6e65726162696c697479 4356452d'"
# "alpine 3.18" platform bucket from the Alpine secdb.
check "an alpine platform bucket is there" bash -c "'$CHECKER' -dump '$WORK/cache/db/trivy.db' 2>/dev/null | grep -q '^bucket 616c70696e6520332e'"

# Java DB from Debian's Maven repository (jars installed by Java library packages).
if [ -d /usr/share/maven-repo ]; then
  for reg in "$REGISTRY_reg" "$SERVE_srv"; do
    jout=$("$EC" --plain-http export trivy:java-db --source /usr/share/maven-repo --to "$reg/aquasec/trivy-java-db" -o json 2>/dev/null)
    check "export trivy:java-db to $reg" test -n "$jout"
    rm -rf "$WORK/cache"
    check "Trivy's pull path for the Java DB from $reg (:1)" trivy_pull "$reg" aquasec/trivy-java-db 1 \
      application/vnd.aquasec.trivy.javadb.layer.v1.tar+gzip "$WORK/cache/java-db"
    equal "Java metadata Version from $reg" "$(jq -r .Version "$WORK/cache/java-db/metadata.json")" 1
    rows=$(sqlite3 "$WORK/cache/java-db/trivy-java.db" 'SELECT count(*) FROM indices')
    check "the Java DB from $reg has indices rows ($rows)" test "$rows" -gt 0
    sha=$(sha1sum /usr/share/maven-repo/commons-cli/commons-cli/1.5.0/commons-cli-1.5.0.jar 2>/dev/null | cut -c1-40)
    if [ -n "$sha" ]; then
      found=$(sqlite3 "$WORK/cache/java-db/trivy-java.db" "SELECT a.group_id || ':' || a.artifact_id || ':' || i.version FROM indices i JOIN artifacts a ON a.id = i.artifact_id WHERE i.sha1 = X'$sha'")
      equal "Trivy's sha1 lookup finds commons-cli from $reg" "$found" "commons-cli:commons-cli:1.5.0"
    fi
  done
else
  fail "Java DB" "/usr/share/maven-repo is missing (scripts/setup.sh --with-tests installs Java library packages)"
fi

expect_fail "an unknown profile is refused" 'unknown profile "trivy:nope"' "$EC" export trivy:nope --source "$WORK/src" --to "oci:$WORK/x"
finish
