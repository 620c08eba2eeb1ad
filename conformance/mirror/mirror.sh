#!/usr/bin/env bash
# Mirror bundles end to end with real servers and clients: images (built by umoci) with a
# referrer and a cosign signature tag in Debian's docker-registry; `mirror create` into a
# TUF-signed archive; `mirror import` into `export-center serve`, checked with skopeo; a delta
# that leaves out the base's blobs, refused where the base is missing, and equal to the later
# full bundle once applied; age encryption interoperating with Debian's age; tuf-js refreshing
# the bundle's TUF metadata; tampering and expiry refused; a killed import completed by a
# re-run; online sync, idempotent.
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
source "$here/lib/images.sh"
source "$here/lib/registry.sh"
EC=$(realpath "$1")
require_tool docker-registry; require_tool umoci; require_tool skopeo; require_tool jq; require_tool age
require_tool node; require_tool python3
source "$here/lib/serve.sh"
cd "$WORK" || exit 1
sk() { skopeo --insecure-policy "$@"; }

start_registry src
SRC=$REGISTRY_src
make_umoci_image "$WORK/img" v1 >/dev/null
check "push app:1.0.0 to docker-registry" "$EC" --plain-http copy "oci:$WORK/img:v1" "$SRC/team/app:1.0.0"
app1=$("$EC" --plain-http resolve "$SRC/team/app:1.0.0")
printf 'sbom' > sbom.json
check "attach a referrer to app:1.0.0" "$EC" --plain-http push "$SRC/team/app:sbom" sbom.json:application/spdx+json \
  --artifact-type application/spdx+json --subject "$app1"
printf 'sig' > sig.json
check "a cosign-style signature tag" "$EC" --plain-http push "$SRC/team/app:sha256-${app1#sha256:}.sig" \
  sig.json:application/vnd.dev.cosign.simplesigning.v1+json
head -c 48000000 /dev/urandom > big.bin
check "a 48 MB artifact in team/data:1.0.0" "$EC" --plain-http push "$SRC/team/data:1.0.0" big.bin
cat > spec.yaml <<YAML
apiVersion: export-center/v1
kind: MirrorSpec
metadata: {name: nightly}
repositories:
  - source: $SRC/team/app
    semver: ">=1.0.0"
  - source: $SRC/team/data
    tags: ["1.0.0"]
YAML

# --- full bundle, TUF-signed -------------------------------------------------------------
check "tuf init" "$EC" tuf init keys
export SOURCE_DATE_EPOCH=$(date +%s)
out=$("$EC" --plain-http mirror create spec.yaml --to full.tar.zst --tuf-keys keys -o json 2>&1)
equal "mirror create writes a full bundle" "$(jq -r .kind <<<"$out" 2>/dev/null)" full
"$EC" --plain-http mirror create spec.yaml --to again.tar.zst --tuf-keys keys >/dev/null 2>&1
equal "the same spec and time give the same archive" "$(sha256sum < again.tar.zst)" "$(sha256sum < full.tar.zst)"
start_serve dst
DST=$SERVE_dst
out=$("$EC" --plain-http mirror import full.tar.zst "$DST/mirror" --trusted-root keys/root.json --tuf-state state.json -o json 2>&1)
equal "import verifies TUF and copies" "$(jq -r .verified <<<"$out" 2>/dev/null)" tuf
equal "skopeo sees the same digest at the destination" \
  "$(sk inspect --tls-verify=false --format '{{.Digest}}' "docker://$DST/mirror/team/app:1.0.0" 2>&1)" "$app1"
equal "the referrer came along" "$("$EC" --plain-http discover "$DST/mirror/team/app@$app1" -o json | jq -r '[.referrers[].artifactType] | join(",")')" "application/spdx+json"
check "the cosign signature tag came along" "$EC" --plain-http resolve "$DST/mirror/team/app:sha256-${app1#sha256:}.sig"
out=$("$EC" --plain-http mirror import full.tar.zst "$DST/mirror" --trusted-root keys/root.json -o json 2>&1)
equal "a second import copies nothing" "$(jq -r .blobs <<<"$out" 2>/dev/null)" 0
expect_fail "import without a trust root is refused" "give --trusted-root" "$EC" --plain-http mirror import full.tar.zst "$DST/x"

# tuf-js refreshes the bundle's TUF metadata over HTTP and downloads mirror.json.
mkdir unpacked && tar --zstd -xf full.tar.zst -C unpacked
port=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory unpacked/tuf "$port" > http.log 2>&1 &
HTTP=$!
REGISTRY_PIDS="${REGISTRY_PIDS:-} $HTTP"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
if [ -d "$here/tuf/node_modules/tuf-js" ]; then
  equal "tuf-js verifies the bundle's metadata" \
    "$(node "$here/tuf/refresh.js" "http://127.0.0.1:$port/metadata" "http://127.0.0.1:$port/targets" keys/root.json tufjs-cache mirror.json tufjs-mirror.json 2>&1)" ok
  equal "tuf-js downloads the mirror.json we wrote" "$(sha256sum < tufjs-mirror.json)" "$(sha256sum < unpacked/mirror.json)"
else
  fail "tuf-js is installed (npm ci in conformance/tuf)"
fi

# Tampering: a modified mirror.json in an unpacked bundle is refused by our client.
cp -r unpacked tampered && sed -i 's/nightly/nightlx/' tampered/mirror.json
expect_fail "a modified mirror.json is refused" "mirror.json" "$EC" --plain-http mirror import tampered "$DST/t" --trusted-root keys/root.json
"$EC" tuf init otherkeys >/dev/null
expect_fail "another trust root is refused" "signatures by 0 of 1" "$EC" --plain-http mirror import full.tar.zst "$DST/t" --trusted-root otherkeys/root.json
SOURCE_DATE_EPOCH=$(( $(date +%s) - 86400 )) "$EC" --plain-http mirror create spec.yaml --to old.tar --tuf-keys keys --expires 1h >/dev/null 2>&1
expect_fail "expired metadata is refused" "expired" "$EC" --plain-http mirror import old.tar "$DST/t" --trusted-root keys/root.json
expect_fail "an older bundle after a newer one is refused (rollback)" "rollback" \
  "$EC" --plain-http mirror import old.tar "$DST/t" --trusted-root keys/root.json --tuf-state state.json

# --- provenance (--key) ----------------------------------------------------------------------
"$EC" key generate --type ed25519 --out signer >/dev/null 2>&1
"$EC" key generate --type ecdsa-p256 --out stranger >/dev/null 2>&1
check "mirror create --key signs provenance" "$EC" --plain-http mirror create spec.yaml --to signed.tar --tuf-keys keys --key signer.key
mkdir signed-x && tar -xf signed.tar -C signed-x
payload=$(jq -r .payload signed-x/provenance.dsse.json 2>/dev/null | base64 -d 2>/dev/null)
equal "the provenance is an in-toto SLSA statement" "$(jq -r '._type + " " + .predicateType' <<<"$payload" 2>/dev/null)" \
  "https://in-toto.io/Statement/v1 https://slsa.dev/provenance/v1"
equal "its subjects include mirror.json by digest" "$(jq -r '.subject[] | select(.name == "mirror.json") | .digest.sha256' <<<"$payload" 2>/dev/null)" \
  "$(sha256sum < signed-x/mirror.json | cut -d' ' -f1)"
equal "and every image by tag" "$(jq -r '.subject[] | select(.name == "team/app:1.0.0") | .digest.sha256' <<<"$payload" 2>/dev/null)" "${app1#sha256:}"
equal "TUF signs the provenance as a target" "$(jq -r '.signed.targets["provenance.dsse.json"].hashes.sha256' signed-x/tuf/metadata/*.targets.json 2>/dev/null)" \
  "$(sha256sum < signed-x/provenance.dsse.json | cut -d' ' -f1)"
out=$("$EC" --plain-http mirror import signed.tar "$DST/signed" --trusted-root keys/root.json --key signer.pub -o json 2>&1)
equal "import --key verifies the provenance" "$(jq -r .provenance <<<"$out" 2>/dev/null)" verified
expect_fail "provenance by another key is refused" "provenance.dsse.json" \
  "$EC" --plain-http mirror import signed.tar "$DST/signed2" --trusted-root keys/root.json --key stranger.pub
expect_fail "import --key refuses a bundle without provenance" "carries no provenance.dsse.json" \
  "$EC" --plain-http mirror import full.tar.zst "$DST/signed3" --trusted-root keys/root.json --key signer.pub
cp -r signed-x signed-t && jq -c '.signatures[0].sig = "AAAA"' signed-x/provenance.dsse.json > signed-t/provenance.dsse.json
expect_fail "a modified provenance file is refused by TUF" "provenance.dsse.json" \
  "$EC" --plain-http mirror import signed-t "$DST/signed4" --trusted-root keys/root.json

# --- TUF thresholds: 2-of-3 root keys, 2-of-2 targets keys --------------------------------
check "tuf init with thresholds" "$EC" tuf init tkeys --keys root=3 --threshold root=2 --keys targets=2 --threshold targets=2
equal "the root lists the thresholds" "$(jq -c '[.signed.roles.root.threshold, (.signed.roles.root.keyids | length), .signed.roles.targets.threshold, (.signed.roles.targets.keyids | length)]' tkeys/root.json 2>/dev/null)" "[2,3,2,2]"
check "a bundle signed under thresholds" "$EC" --plain-http mirror create spec.yaml --to thr.tar --tuf-keys tkeys
check "imports under thresholds" "$EC" --plain-http mirror import thr.tar "$DST/thr" --trusted-root tkeys/root.json
mkdir thr-x && tar -xf thr.tar -C thr-x
if [ -d "$here/tuf/node_modules/tuf-js" ]; then
  port2=$(free_port)
  python3 -m http.server --bind 127.0.0.1 --directory thr-x/tuf "$port2" > http2.log 2>&1 &
  REGISTRY_PIDS="${REGISTRY_PIDS:-} $!"
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port2") 2>/dev/null && break; sleep 0.1; done
  equal "tuf-js accepts the threshold-signed metadata" \
    "$(node "$here/tuf/refresh.js" "http://127.0.0.1:$port2/metadata" "http://127.0.0.1:$port2/targets" tkeys/root.json tufjs-cache2 mirror.json tufjs-thr.json 2>&1)" ok
fi
rm tkeys/keys/targets.2.key
expect_fail "signing below the targets threshold is refused" "threshold 2" \
  "$EC" --plain-http mirror create spec.yaml --to thr2.tar --tuf-keys tkeys
[ ! -e thr2.tar ] && pass "and writes no bundle" || fail "and writes no bundle"

# --- delta ----------------------------------------------------------------------------------
make_umoci_image "$WORK/img2" v2 >/dev/null
umoci config --image "$WORK/img2:v2" --config.label version=2 >/dev/null 2>&1
check "push app:1.1.0" "$EC" --plain-http copy "oci:$WORK/img2:v2" "$SRC/team/app:1.1.0"
export SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 60))
out=$("$EC" --plain-http mirror create spec.yaml --to delta.tar --base full.tar.zst --tuf-keys keys -o json 2>&1)
equal "mirror create --base writes a delta" "$(jq -r .kind <<<"$out" 2>/dev/null)" delta
mkdir delta-x && tar -xf delta.tar -C delta-x
bigdigest=$(sha256sum < big.bin | cut -d' ' -f1)
[ ! -e "delta-x/blobs/sha256/$bigdigest" ] && pass "the delta leaves out the base's blobs" || fail "the delta leaves out the base's blobs"
"$EC" --plain-http mirror create spec.yaml --to full2.tar --tuf-keys keys >/dev/null 2>&1
echo "delta $(stat -c %s delta.tar) bytes, full $(stat -c %s full2.tar) bytes"
start_serve empty
expect_fail "a delta is refused where its base is missing" "lacks the base" \
  "$EC" --plain-http mirror import delta.tar "$SERVE_empty/m" --trusted-root keys/root.json
check "full(v1) then delta(v1->v2)" "$EC" --plain-http mirror import delta.tar "$DST/mirror" --trusted-root keys/root.json
start_serve ref
check "full(v2) into another serve" "$EC" --plain-http mirror import full2.tar "$SERVE_ref/mirror" --trusted-root keys/root.json
state() {  # SERVE: every tag of the mirrored repositories with its digest and referrers
  for repo in team/app team/data; do
    for t in $("$EC" --plain-http tags "$1/mirror/$repo"); do
      d=$("$EC" --plain-http resolve "$1/mirror/$repo:$t")
      echo "$repo:$t $d $("$EC" --plain-http discover "$1/mirror/$repo@$d" -o json | jq -c '[.referrers[].digest]')"
    done
  done
}
equal "full(v1)+delta gives the same tags, digests and referrers as full(v2)" "$(state "$DST")" "$(state "$SERVE_ref")"

# --- age encryption -------------------------------------------------------------------------
age-keygen -o age.key 2>/dev/null
recipient=$(age-keygen -y age.key)
check "mirror create --recipient" "$EC" --plain-http mirror create spec.yaml --to enc.tar.zst.age -r "$recipient" --tuf-keys keys
head -c 21 enc.tar.zst.age | grep -q 'age-encryption.org/v1' && pass "the bundle is an age file" || fail "the bundle is an age file"
age -d -i age.key enc.tar.zst.age > dec.tar.zst 2>age.err && tar --zstd -tf dec.tar.zst | grep -qx 'mirror.json' \
  && pass "Debian's age decrypts our bundle" || fail "Debian's age decrypts our bundle" "$(cat age.err)"
expect_fail "strict: recipients never give a plaintext bundle" "must be encrypted" \
  "$EC" --plain-http mirror create spec.yaml --to plain.tar -r "$recipient"
# One pass from the registry into the encrypted archive: nothing lands in TMPDIR or beside the
# bundle, and its plaintext is byte for byte the plain archive of the same spec and time.
mkdir tmp-watch enc-out
TMPDIR=$PWD/tmp-watch check "an encrypted bundle is written in one pass" \
  "$EC" --plain-http mirror create spec.yaml --to enc-out/one.tar.age -r "$recipient" --tuf-keys keys
TMPDIR=$PWD/tmp-watch "$EC" --plain-http mirror create spec.yaml --to plain-one.tar --tuf-keys keys >/dev/null 2>&1
equal "nothing was staged in TMPDIR" "$(find tmp-watch -mindepth 1 | wc -l)" 0
equal "nothing but the bundle was written beside it" "$(ls enc-out)" "one.tar.age"
equal "its plaintext is the plain archive's bytes" "$(age -d -i age.key enc-out/one.tar.age | sha256sum)" "$(sha256sum < plain-one.tar)"
age -r "$recipient" -o byage.tar.age full2.tar
check "we decrypt age's encryption of a bundle and import it" "$EC" --plain-http mirror import byage.tar.age "$SERVE_ref/fromage" \
  --identity age.key --trusted-root keys/root.json
expect_fail "an encrypted bundle needs an identity" "give --identity" "$EC" --plain-http mirror import enc.tar.zst.age "$SERVE_ref/x" --trusted-root keys/root.json

# --- a killed import completes when run again -----------------------------------------------
start_serve resume
"$EC" --plain-http mirror import full.tar.zst "$SERVE_resume/m" --trusted-root keys/root.json >/dev/null 2>&1 &
imp=$!
sleep 0.3
if kill -9 "$imp" 2>/dev/null; then echo "(the first import was killed while running)"; else echo "(the first import had already finished)"; fi
wait "$imp" 2>/dev/null
check "the import runs again to completion" "$EC" --plain-http mirror import full.tar.zst "$SERVE_resume/m" --trusted-root keys/root.json
equal "and the data is whole" "$("$EC" --plain-http resolve "$SERVE_resume/m/team/data:1.0.0")" "$("$EC" --plain-http resolve "$SRC/team/data:1.0.0")"

# --- sync -----------------------------------------------------------------------------------
start_serve sync
check "mirror sync" "$EC" --plain-http mirror sync spec.yaml "$SERVE_sync/live"
equal "sync carries the tags and digests" "$("$EC" --plain-http resolve "$SERVE_sync/live/team/app:1.1.0")" "$("$EC" --plain-http resolve "$SRC/team/app:1.1.0")"
check "sync carries the signature tag" "$EC" --plain-http resolve "$SERVE_sync/live/team/app:sha256-${app1#sha256:}.sig"
out=$("$EC" --plain-http mirror sync spec.yaml "$SERVE_sync/live" -o json 2>&1)
equal "a second sync copies nothing" "$(jq -r .blobs <<<"$out" 2>/dev/null)" 0

finish
