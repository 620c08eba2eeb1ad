#!/usr/bin/env bash
# Evidence bundles end to end with real data and real clients: ingest (and a bad document
# rejected), json:raw and json:policy reproducible to the byte, the files pulled back and
# checked with zstd/sha256sum/jq, signatures verified offline by us and by @sigstore/verify
# (npm), tampering caught with the failing object named, --image-compatible bundles pulled by
# podman and copied out of a container, and devportal bundles checked with sha256sum -c and
# their own verify-offline.sh.
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
EC=$(realpath "$1")
DATA=$(cd "$here/../../shared/data" && pwd)
require_tool jq; require_tool zstd; require_tool git; require_tool node; require_tool openssl
export SOURCE_DATE_EPOCH=1735689600
export EC_EVIDENCE=$WORK/evidence
cd "$WORK" || exit 1

# --- ingest -------------------------------------------------------------------------------
mkdir -p in
cp "$DATA/golang-vulndb/data/osv/GO-2022-0229.json" "$DATA/golang-vulndb/data/osv/GO-2023-1571.json" in/
cp "$DATA/openvex-go-vex/pkg/vex/testdata/"*.json in/ 2>/dev/null
cp "$DATA/cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.3.json" in/laravel.cdx.json 2>/dev/null
cp "$DATA/spdx-examples/example7/spdx2.3/example7-golang.spdx.json" in/golang.spdx.json 2>/dev/null
out=$("$EC" ingest in --tenant acme -o json 2>ingest.err); rc=$?
added=$(jq -r .added <<<"$out")
[ "${added:-0}" -gt 3 ] && pass "ingest adds the documents ($added)" || fail "ingest adds the documents" "$out $(cat ingest.err)"
printf '{"not":"evidence"}' > in/zz-bad.json
out=$("$EC" ingest in --tenant acme -o json 2>ingest.err); rc=$?
equal "a bad document makes ingest exit 1" "$rc" 1
grep -q "zz-bad.json: .*not a recognised evidence document" ingest.err && pass "the bad document is named with its reason" || fail "the bad document is named with its reason" "$(cat ingest.err)"
equal "documents already held are unchanged" "$(jq -r .unchanged <<<"$out")" "$added"
equal "nothing else is added" "$(jq -r .added <<<"$out")" 0
rm in/zz-bad.json
expect_fail "a missing path fails before anything is stored" "ingest nope: no such file or directory" "$EC" ingest nope --tenant acme
expect_fail "a bad tenant is refused" 'tenant "Acme!"' "$EC" ingest in --tenant 'Acme!'
check "a second tenant gets its own copy" "$EC" ingest "in/GO-2022-0229.json" --tenant other

# --- json:raw -----------------------------------------------------------------------------
"$EC" key generate --type ecdsa-p256 --out signer >/dev/null 2>&1
[ -s signer.key ] && [ -s signer.pub ] && pass "key generate writes signer.key and signer.pub" || fail "key generate writes signer.key and signer.pub"
equal "the private key is private" "$(stat -c %a signer.key)" 600
mkdir run1 run2
r1=$("$EC" export json:raw --tenant acme --to "oci:$WORK/run1/l:evidence" --key signer.key -o json)
r2=$("$EC" export json:raw --tenant acme --to "oci:$WORK/run2/l:evidence" --key signer.key -o json)
d1=$(jq -r .digest <<<"$r1"); d2=$(jq -r .digest <<<"$r2")
[[ "$d1" == sha256:* ]] && pass "json:raw pushes an artifact" || fail "json:raw pushes an artifact" "$r1"
equal "two runs give the same artifact digest" "$d2" "$d1"
equal "two runs give the same signature referrers" "$("$EC" discover "oci:$WORK/run2/l@$d2" -o json | jq -c '[.referrers[].digest]')" "$("$EC" discover "oci:$WORK/run1/l@$d1" -o json | jq -c '[.referrers[].digest]')"
mv run1/l l1
check "pull the files" "$EC" pull "oci:$WORK/l1:evidence" -o files
equal "manifest.json is as pushed" "sha256:$(sha256sum < files/manifest.json | cut -d' ' -f1)" "$(jq -r '.files[] | select(.path=="manifest.json") | .digest' <<<"$r1")"
equal "manifest.json names the tenant" "$(jq -r .tenant files/manifest.json)" acme
equal "generatedAt comes from SOURCE_DATE_EPOCH" "$(jq -r .generatedAt files/manifest.json)" "2025-01-01T00:00:00Z"
bad=0
for row in $(jq -r '.contents[] | "\(.path)=\(.digest)"' files/manifest.json); do
  [ "sha256:$(sha256sum < "files/${row%%=*}" | cut -d' ' -f1)" = "${row#*=}" ] || bad=1
done
equal "every content digest matches its file" "$bad" 0
# The rerunHash is over "d1\nd2\n...dn" (no trailing newline).
rerun="sha256:$(jq -r '.contents[].digest' files/manifest.json | sort | head -c -1 | sha256sum | cut -d' ' -f1)"
equal "rerunHash is sha256 over the sorted content digests" "$(jq -r .rerunHash files/manifest.json)" "$rerun"
zstd -dq files/records-0000.jsonl.zst -o records.jsonl
lines=$(wc -l < records.jsonl)
equal "the records shard holds the manifest's record count" "$lines" "$(jq -r '.contents[] | select(.path=="records-0000.jsonl.zst") | .records' files/manifest.json)"
first=$(head -1 records.jsonl)
equal "each line is canonical JSON (jq -cS round trip)" "$(jq -cS . <<<"$first")" "$first"
zstd -dq files/advisories-0000.jsonl.zst -o advisories.jsonl
doc_digest=$(jq -r 'select(.name=="GO-2022-0229.json") | .digest' advisories.jsonl)
equal "documents carry the digest of the bytes ingested" "$doc_digest" "sha256:$(sha256sum < in/GO-2022-0229.json | cut -d' ' -f1)"
equal "documents keep their content" "$(jq -r 'select(.name=="GO-2022-0229.json") | .document.id' advisories.jsonl)" "GO-2022-0229"

# scope
sel=$("$EC" export json:raw --tenant acme --kind sbom --to "oci:$WORK/sel" -o json)
equal "--kind sbom keeps only SBOM documents" "$(jq -r '[.files[].path | select(startswith("advisories") or startswith("vex"))] | length' <<<"$sel")" 0
sel=$("$EC" export json:raw --tenant acme --vulnerability GO-2022-0229 --to "oci:$WORK/sel2" -o json)
equal "--vulnerability keeps one document" "$(jq -r .documents <<<"$sel")" 1
equal "the other tenant sees only its document" "$("$EC" export json:raw --tenant other --to "oci:$WORK/other" -o json | jq -r .documents)" 1
expect_fail "a bad severity selector is refused" '--severity "urgent": want critical, high, medium, low or none' "$EC" export json:raw --tenant acme --severity urgent --to "oci:$WORK/x"
expect_fail "a bad purl selector is refused" '--purl "npm/*": want a purl pattern starting with pkg:' "$EC" export json:raw --tenant acme --purl 'npm/*' --to "oci:$WORK/x"
expect_fail "a bad time selector is refused" '--modified-since "yesterday"' "$EC" export json:raw --tenant acme --modified-since yesterday --to "oci:$WORK/x"

# --- verify ---------------------------------------------------------------------------------
check "verify passes offline with the public key" "$EC" verify "oci:$WORK/l1:evidence" --key signer.pub
"$EC" key generate --type ed25519 --out other >/dev/null 2>&1
"$EC" verify "oci:$WORK/l1:evidence" --key other.pub >/dev/null 2>verify.err; rc=$?
equal "verify with another key exits 3" "$rc" 3
grep -q "signature" verify.err && pass "the failure names the signature" || fail "the failure names the signature" "$(cat verify.err)"
cp -r l1 tampered
shard=$(jq -r '.files[] | select(.path|startswith("records")) | .digest' <<<"$r1" | cut -d: -f2)
printf 'x' >> "tampered/blobs/sha256/$shard"
"$EC" verify "oci:$WORK/tampered:evidence" --key signer.pub >/dev/null 2>verify.err; rc=$?
equal "a modified shard exits 2" "$rc" 2
grep -q "sha256:$shard" verify.err && pass "the failure names the modified blob" || fail "the failure names the modified blob" "$(cat verify.err)"

# @sigstore/verify checks our Sigstore bundle with the public key, offline.
SIGN_JS="$here/sign"
if [ -d "$SIGN_JS/node_modules/@sigstore/verify" ]; then
  ref=$("$EC" discover "oci:$WORK/l1@$d1" -o json | jq -r '.referrers[] | select(.artifactType=="application/vnd.dev.sigstore.bundle.v0.3+json") | .digest')
  bundle_blob=$("$EC" manifest get "oci:$WORK/l1@$ref" | jq -r '.layers[0].digest' | cut -d: -f2)
  cp "l1/blobs/sha256/$bundle_blob" bundle.json
  check "@sigstore/verify verifies our bundle" node "$SIGN_JS/verify-bundle.js" bundle.json signer.pub "${d1#sha256:}"
  sed 's/"payload":"e/"payload":"f/' bundle.json > tampered-bundle.json
  ! node "$SIGN_JS/verify-bundle.js" tampered-bundle.json signer.pub "${d1#sha256:}" >/dev/null 2>&1 && pass "@sigstore/verify rejects a tampered bundle" || fail "@sigstore/verify rejects a tampered bundle"
  ! node "$SIGN_JS/verify-bundle.js" bundle.json other.pub "${d1#sha256:}" >/dev/null 2>&1 && pass "@sigstore/verify rejects another key" || fail "@sigstore/verify rejects another key"
else
  fail "@sigstore/verify is installed (scripts/setup.sh --with-tests runs npm ci in conformance/sign)"
fi

# --- json:policy --------------------------------------------------------------------------
git init -q policy && git -C policy config user.email ci@example.invalid && git -C policy config user.name ci
cat > policy/policy.yaml <<'YAML'
apiVersion: export-center/v1
kind: PolicyPack
metadata: {name: baseline}
rules:
  severityThreshold: high
  fixAvailability: {noFix: warn}
YAML
git -C policy add policy.yaml && git -C policy commit -qm v1 && git -C policy tag v1
commit=$(git -C policy rev-parse HEAD)
p1=$("$EC" export json:policy --tenant acme --policy-repo "file://$WORK/policy" --policy-ref v1 --to "oci:$WORK/p1:policy" -o json)
p2=$("$EC" export json:policy --tenant acme --policy-repo "$WORK/policy" --policy-ref v1 --to "oci:$WORK/p2:policy" -o json)
equal "json:policy is reproducible" "$(jq -r .digest <<<"$p2")" "$(jq -r .digest <<<"$p1")"
check "pull the policy export" "$EC" pull "oci:$WORK/p1:policy" -o pfiles
equal "policyVersion is the commit" "$(jq -r .policy.policyVersion pfiles/manifest.json)" "$commit"
equal "policyDigest is the pack's digest" "$(jq -r .policy.policyDigest pfiles/manifest.json)" "sha256:$(git -C policy show v1:policy.yaml | sha256sum | cut -d' ' -f1)"
zstd -dq pfiles/policy-decisions-0000.jsonl.zst -o decisions.jsonl
[ "$(wc -l < decisions.jsonl)" -gt 0 ] && pass "decisions are written" || fail "decisions are written"
equal "every decision has a reason" "$(jq -s '[.[] | select((.reasons|length)==0)] | length' decisions.jsonl)" 0
sed -i 's/severityThreshold: high/severityThreshold: critical/' policy/policy.yaml && git -C policy commit -qam v2
p3=$("$EC" export json:policy --tenant acme --policy-repo "$WORK/policy" --policy-ref HEAD --to "oci:$WORK/p3:policy" -o json)
[ "$(jq -r .digest <<<"$p3")" != "$(jq -r .digest <<<"$p1")" ] && pass "another policy commit gives another export" || fail "another policy commit gives another export"
expect_fail "a missing ref is named" 'ref "v9" not found' "$EC" export json:policy --tenant acme --policy-repo "$WORK/policy" --policy-ref v9 --to "oci:$WORK/x"

# --- image-compatible: podman pulls it from serve and copies the files out ----------------
source "$here/lib/registry.sh"
source "$here/lib/serve.sh"
source "$here/lib/podman.sh"
start_serve ev
S=$SERVE_ev
img=$("$EC" --plain-http export json:raw --tenant acme --image-compatible --key signer.key --to "$S/ev/img:1" -o json | jq -r .digest)
[[ "$img" == sha256:* ]] && pass "json:raw --image-compatible pushes to serve" || fail "json:raw --image-compatible pushes to serve"
check "verify reads the image-compatible bundle back from the registry" "$EC" --plain-http verify "$S/ev/img:1" --key signer.pub
check "podman pulls the bundle" pm pull -q --tls-verify=false "$S/ev/img:1"
cid=$(pm create "$S/ev/img:1" 2>create.err)
[[ "$cid" =~ ^[0-9a-f]{64}$ ]] && pass "podman creates a container from the bundle" || fail "podman creates a container from the bundle" "$cid $(cat create.err)"
check "podman cp gets the files out" pm cp "$cid:/export" podfiles
check "the manifest's digests hold for podman's copy" bash -c "cd podfiles && jq -r '.contents[] | \"\\(.digest[7:])  \\(.path)\"' manifest.json | sha256sum -c --quiet"
equal "podman's manifest.json is the export's" "$(sha256sum < podfiles/manifest.json)" "$(sha256sum < files/manifest.json)"

# --- devportal:offline --------------------------------------------------------------------
mkdir -p portal/portal/css portal/specs portal/sdks/go portal/changelog
printf '<html><body>API</body></html>\n' > portal/portal/index.html
printf 'body{}\n' > portal/portal/css/site.css
printf 'openapi: 3.0.0\ninfo: {title: x, version: "1"}\npaths: {}\n' > portal/specs/api.yaml
printf 'package sdk\n' > portal/sdks/go/sdk.go
printf '# 1.0\n' > portal/changelog/CHANGELOG.md
check "devportal:offline" "$EC" export devportal:offline --source portal --key signer.key --bundle dp1.tgz --to "oci:$WORK/dp:portal"
"$EC" export devportal:offline --source portal --key signer.key --bundle dp2.tgz >/dev/null 2>&1
equal "devportal bundles are byte-identical" "$(sha256sum < dp2.tgz)" "$(sha256sum < dp1.tgz)"
mkdir dpx && tar -xzf dp1.tgz -C dpx
top=$(ls dpx)
check "sha256sum -c checksums.txt passes" bash -c "cd dpx/$top && sha256sum -c --quiet checksums.txt"
check "verify-offline.sh passes" bash -c "cd dpx/$top && ./verify-offline.sh"
echo changed >> "dpx/$top/specs/api.yaml"
! (cd "dpx/$top" && sha256sum -c --quiet checksums.txt >/dev/null 2>&1) && pass "sha256sum -c fails on a modified file" || fail "sha256sum -c fails on a modified file"
! (cd "dpx/$top" && ./verify-offline.sh >/dev/null 2>&1) && pass "verify-offline.sh fails on a modified file" || fail "verify-offline.sh fails on a modified file"
check "verify checks the devportal artifact" "$EC" verify "oci:$WORK/dp:portal" --key signer.pub
check "verify checks a devportal bundle file" "$EC" verify dp1.tgz --key signer.pub
tar -czf dp-modified.tgz -C dpx "$top"
"$EC" verify dp-modified.tgz --key signer.pub >/dev/null 2>verify.err; rc=$?
equal "verify of a modified devportal bundle exits 2" "$rc" 2
grep -q "specs/api.yaml" verify.err && pass "the failure names the modified file" || fail "the failure names the modified file" "$(cat verify.err)"
"$EC" verify dp1.tgz --key other.pub >/dev/null 2>&1; equal "verify of a devportal bundle with another key exits 3" "$?" 3

# --- other profiles are signed the same way ---------------------------------------------------
check "trivy:db --key" "$EC" export trivy:db --source in/GO-2022-0229.json --key signer.key --to "oci:$WORK/tdb"
check "verify checks the signed Trivy DB" "$EC" verify "oci:$WORK/tdb:2" --key signer.pub

finish
