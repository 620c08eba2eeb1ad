#!/usr/bin/env bash
# The main job on embedded defaults: build a small evidence artifact from files, push it into
# a local OCI layout, copy it into a plain and a zstd OCI archive, and print what was made;
# then ingest the same evidence into the evidence store (SQLite), export it as a signed
# json:raw bundle into the local OCI store, and verify it offline.
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

echo
echo "== ingest the two documents into the evidence store ($OUT/evidence) for tenant demo"
export EC_EVIDENCE="$OUT/evidence"
"$EC" ingest "$OUT/files" --tenant demo
echo "== a signing key, and export json:raw into the local store (store:evidence/demo)"
"$EC" key generate --type ed25519 --out "$OUT/signer" >/dev/null
"$EC" --store "$OUT/store" export json:raw --tenant demo --name demo --key "$OUT/signer.key" --to store:evidence/demo:latest
echo "== verify it offline with the public key"
"$EC" --store "$OUT/store" verify store:evidence/demo:latest --key "$OUT/signer.pub"
echo "== its manifest.json"
"$EC" --store "$OUT/store" pull store:evidence/demo:latest -o "$OUT/bundle" >/dev/null
(command -v jq >/dev/null && jq . "$OUT/bundle/manifest.json" || cat "$OUT/bundle/manifest.json")
