#!/usr/bin/env bash
# export-center against Debian's docker-registry (distribution 2.8.2) on loopback: push, pull,
# copy in every direction with digests preserved, the referrers fallback tag, and skopeo
# reading what we push and writing what we read. Then the same registry with htpasswd basic
# auth: refused without credentials, accepted with --username/--password-stdin or config.json.
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
source "$here/lib/images.sh"
source "$here/lib/registry.sh"
EC=$(realpath "$1")  # the suites change directory
require_tool docker-registry; require_tool skopeo; require_tool umoci; require_tool jq; require_tool curl; require_tool htpasswd
ec() { "$EC" --plain-http "$@"; }
export XDG_CACHE_HOME="$WORK/cache"  # this suite's own blob-location cache

start_registry open
R=$REGISTRY_open

echo '{"advisory":"GHSA-0001"}' > "$WORK/a.json"
head -c 3000000 /dev/urandom > "$WORK/big.bin"
check "push an artifact to the registry" ec push "$R/ec/art:v1" "$WORK/a.json:application/json" "$WORK/big.bin" --artifact-type application/vnd.example.evidence
art=$(ec resolve "$R/ec/art:v1")
[[ "$art" == sha256:* ]] && pass "resolve a registry tag" || fail "resolve a registry tag" "$art"
equal "manifest get is byte-exact" "sha256:$(ec manifest get "$R/ec/art:v1" | sha256sum | cut -d' ' -f1)" "$art"
check "pull the artifact's files" ec pull "$R/ec/art:v1" -o "$WORK/pulled"
cmp -s "$WORK/big.bin" "$WORK/pulled/big.bin" && pass "pulled blob is byte-identical" || fail "pulled blob is byte-identical"
equal "tags lists the tag" "$(ec tags "$R/ec/art")" "v1"

make_umoci_image "$WORK/umoci" latest
img=$(digest_of "$WORK/umoci" latest)
check "copy an image layout into the registry" ec copy "oci:$WORK/umoci:latest" "$R/ec/img:1"
equal "registry keeps the image digest" "$(ec resolve "$R/ec/img:1")" "$img"
check "skopeo reads what export-center pushed" skopeo copy -q --src-tls-verify=false "docker://$R/ec/img:1" "oci:$WORK/sk:1"
equal "digest preserved export-center -> registry -> skopeo" "$(digest_of "$WORK/sk" 1)" "$img"
check "skopeo pushes an image" skopeo copy -q --dest-tls-verify=false "oci:$WORK/umoci:latest" "docker://$R/sk/img:s1"
check "export-center pulls what skopeo pushed" ec copy "$R/sk/img:s1" "oci:$WORK/fromreg:s1"
equal "digest preserved skopeo -> registry -> export-center" "$(digest_of "$WORK/fromreg" s1)" "$img"
check "copy registry to registry" ec copy "$R/ec/img:1" "$R/other/img:2"
equal "registry to registry keeps the digest" "$(ec resolve "$R/other/img:2")" "$img"
out=$(ec copy "$R/ec/img:1" "$R/other/img:2" -o json)
equal "a repeated copy moves nothing" "$(jq -c '[.blobsCopied,.manifestsCopied]' <<<"$out")" "[0,0]"
out=$(ec copy "$R/ec/art:v1" "$R/mounted/art:v1" -o json)
equal "same registry: blobs are mounted, no bytes move" "$(jq -c '[.blobsCopied > 0, .bytesCopied]' <<<"$out")" "[true,0]"
out=$(ec copy "oci:$WORK/umoci:latest" "$R/hinted/img:1" -o json)
equal "blobs seen in another repository are mounted, even from a layout" "$(jq -c '[.blobsCopied > 0, .bytesCopied]' <<<"$out")" "[true,0]"
cmp -s <(ec blob get "$R/mounted/art@$(ec manifest get "$R/ec/art:v1" | jq -r '.layers[1].digest')" -o -) "$WORK/big.bin" \
  && pass "a mounted blob reads back" || fail "a mounted blob reads back"

# Referrers: distribution 2.8 has no referrers API, so the fallback tag carries them.
echo '{"sig":"x"}' > "$WORK/sig.json"
check "push a referrer with a subject" ec push "$R/ec/img:sig" "$WORK/sig.json:application/json" --artifact-type application/vnd.example.sig --subject "$img"
fallback=$(curl -s -H 'Accept: application/vnd.oci.image.index.v1+json' "http://$R/v2/ec/img/manifests/sha256-${img#sha256:}")
sig=$(ec resolve "$R/ec/img:sig")
equal "the fallback tag lists the referrer" "$(jq -r '.manifests[0].digest' <<<"$fallback")" "$sig"
equal "the fallback entry carries the artifactType" "$(jq -r '.manifests[0].artifactType' <<<"$fallback")" "application/vnd.example.sig"
check "copy -r carries referrers to a layout" ec copy -r "$R/ec/img:1" "oci:$WORK/withrefs:1"
check "the referrer arrived in the layout" ec resolve "oci:$WORK/withrefs@$sig"
check "copy -r into another repository" ec copy -r "$R/ec/img:1" "$R/third/img:1"
equal "the referrer is discoverable there too" \
  "$(curl -s -H 'Accept: application/vnd.oci.image.index.v1+json' "http://$R/v2/third/img/manifests/sha256-${img#sha256:}" | jq -r '.manifests[0].digest')" "$sig"

equal "discover shows the referrer" "$(ec discover "$R/ec/img:1" -o json | jq -r '.referrers[0].digest')" "$sig"
ec discover "$R/ec/img:1" | grep -q "application/vnd.example.sig  $sig" && pass "discover prints a tree" || fail "discover prints a tree"

# cosign keeps signatures under a digest tag; copy -r carries it.
echo '{"cosign":"sig"}' > "$WORK/cosign.json"
cosign_tag="sha256-${img#sha256:}.sig"
check "push a cosign-style signature tag" ec push "$R/ec/img:$cosign_tag" "$WORK/cosign.json:application/vnd.dev.cosign.simplesigning.v1+json" --artifact-type application/vnd.dev.cosign.artifact.sig.v1+json
check "copy -r with the cosign tag" ec copy -r "$R/ec/img:1" "$R/fourth/img:1"
equal "the cosign tag arrived" "$(ec resolve "$R/fourth/img:$cosign_tag")" "$(ec resolve "$R/ec/img:$cosign_tag")"

printf '%s %s\n# a comment\n\n%s %s\n' "$R/ec/img:1" "$R/batch/img:1" "$R/ec/art:v1" "oci:$WORK/batch-art:v1" > "$WORK/batch.txt"
out=$(ec copy --batch "$WORK/batch.txt" -o json)
equal "--batch copies every line" "$(jq -c '[.[].digest]' <<<"$out")" "[\"$img\",\"$art\"]"
printf '%s %s\n' "$R/ec/img:1" "$R/batch2/img:1" "$R/nope/img:1" "$R/batch2/nope:1" > "$WORK/batch2.txt"
expect_fail "--batch names the line that failed" "copy $R/nope/img:1" ec copy --batch "$WORK/batch2.txt"
equal "--batch still copies the other lines" "$(ec resolve "$R/batch2/img:1")" "$img"

expect_fail "a missing tag is named" "not found" ec resolve "$R/ec/img:nope"
expect_fail "a missing repository is named" "not found" ec copy "$R/none/img:1" "oci:$WORK/none:1"

# Basic auth with htpasswd (bcrypt).
htpasswd -Bbc "$WORK/htpasswd" ecuser ecpass >/dev/null 2>&1
start_registry auth htpasswd "$WORK/htpasswd"
A=$REGISTRY_auth
expect_fail "no credentials: told how to give them" "asks for a username and password" ec push "$A/ec/art:v1" "$WORK/a.json"
check "--username with --password-stdin" sh -c "echo ecpass | '$EC' --plain-http copy 'oci:$WORK/umoci:latest' '$A/ec/img:1' --username ecuser --password-stdin"
expect_fail "a wrong password is refused" "HTTP 401" sh -c "echo nope | '$EC' --plain-http resolve '$A/ec/img:1' --username ecuser --password-stdin"
mkdir -p "$WORK/docker"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$A" "$(printf 'ecuser:ecpass' | base64)" > "$WORK/docker/config.json"
equal "credentials from config.json" "$(DOCKER_CONFIG="$WORK/docker" ec resolve "$A/ec/img:1")" "$img"
equal "credentials from --registry-config" "$(ec resolve "$A/ec/img:1" --registry-config "$WORK/docker/config.json")" "$img"

finish
