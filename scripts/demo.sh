#!/usr/bin/env bash
# The main job on embedded defaults: build a small evidence artifact from files, push it into
# a local OCI layout, copy it into a plain and a zstd OCI archive, and print what was made.
# Output goes to ./out (override with EC_DEMO_OUT). SOURCE_DATE_EPOCH fixes the timestamp, so
# every run gives the same digests.
set -euo pipefail
EC=${1:?usage: demo.sh PATH/TO/export-center}
OUT=${EC_DEMO_OUT:-out}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
rm -rf "$OUT" && mkdir -p "$OUT/files"

cat > "$OUT/files/advisory.json" <<'JSON'
{"id":"GHSA-demo-0001","aliases":["CVE-2024-0001"],"summary":"Example advisory","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.3.0"}]}]}]}
JSON
cat > "$OUT/files/vex.json" <<'JSON'
{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-2024-0001"},"products":[{"@id":"pkg:npm/left-pad@1.3.0"}],"status":"fixed"}]}
JSON

echo "== push: an artifact of two files into oci:$OUT/layout:evidence"
"$EC" push "oci:$OUT/layout:evidence" \
  "$OUT/files/advisory.json:application/vnd.osv+json" \
  "$OUT/files/vex.json:application/vnd.openvex+json" \
  --artifact-type application/vnd.export-center.evidence.v1+json \
  --annotation org.opencontainers.image.description="Export Center demo evidence"
echo "== copy: layout -> oci-archive:$OUT/evidence.tar and oci-archive:$OUT/evidence.tar.zst"
"$EC" copy "oci:$OUT/layout:evidence" "oci-archive:$OUT/evidence.tar:evidence"
"$EC" copy "oci:$OUT/layout:evidence" "oci-archive:$OUT/evidence.tar.zst:evidence"
echo "== manifest"
"$EC" manifest get "oci-archive:$OUT/evidence.tar:evidence" | (command -v jq >/dev/null && jq . || cat)
echo
echo "== what was made"
for t in "oci:$OUT/layout:evidence" "oci-archive:$OUT/evidence.tar:evidence" "oci-archive:$OUT/evidence.tar.zst:evidence"; do
  printf '%-48s %s\n' "$t" "$("$EC" resolve "$t")"
done
ls -l "$OUT/evidence.tar" "$OUT/evidence.tar.zst" | awk '{print $5, $9}'
sha256sum "$OUT/evidence.tar" "$OUT/evidence.tar.zst"
