#!/usr/bin/env bash
# Real clients against `export-center serve`: skopeo (both ways, multi-arch, list-tags),
# podman (pull, create, cp), export-center itself (referrers through the referrers API,
# cross-repository mounts), auth (bearer tokens, Basic with anonymous pull, an access policy),
# TLS with a self-signed certificate, --read-only, a server killed with SIGKILL in the middle
# of an upload, concurrent pushes of one image, and gc over real content.
# Usage: bash conformance/serve/clients.sh path/to/export-center
#
# skopeo and podman run as root with everything under $WORK: podman gets a private
# --root/--runroot/--tmpdir on vfs (as in registry/podman.sh); both see their blob-info cache
# (/var/lib/containers/cache) bind-mounted from $WORK in a private mount namespace when they
# can, and an empty auth file, so the host's caches and credentials neither leak in nor out.
here=$(cd "$(dirname "$0")/.." && pwd)
EC=$(realpath "$1")  # the suites change directory
source "$here/lib/harness.sh"
source "$here/lib/images.sh"
source "$here/lib/registry.sh"
source "$here/lib/serve.sh"
for t in skopeo podman umoci oci-image-tool docker-registry htpasswd openssl jq curl python3 sha256sum; do
  require_tool "$t"
done
[ "$(id -u)" -eq 0 ] || { echo "FAIL - serve/clients.sh runs podman as root"; exit 1; }
SECONDS=0

# Not REGISTRY_AUTH_FILE globally: docker-registry reads REGISTRY_* as configuration.
export DOCKER_CONFIG="$WORK/docker" XDG_CACHE_HOME="$WORK/cache"
mkdir -p "$DOCKER_CONFIG"
ec() { "$EC" --plain-http "$@"; }

source "$here/lib/podman.sh"
sk() { isolated skopeo "$@"; }

# refused DESCRIPTION CMD...: the command must fail (any message; real clients print several lines).
refused() {
  local what=$1; shift
  local out
  if out=$("$@" 2>&1); then fail "$what" "exit 0, want non-zero: $out"; else pass "$what"; fi
}
# status METHOD URL [curl args...]: the HTTP status code only.
status() {
  local method=$1 url=$2; shift 2
  curl -s -o /dev/null -w '%{http_code}' -X "$method" "$@" "$url"
}
# sha_of FILE|-: "sha256:<hex>" of the bytes.
sha_of() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
# blobs_of LAYOUT DIGEST: the manifest, its config and its layers, one digest a line.
blobs_of() {
  echo "$2"
  jq -r '.config.digest, .layers[].digest' "$1/blobs/sha256/${2#sha256:}"
}
# blobs_sound DIR: every file under DIR/blobs (a store or a layout) is blobs/sha256/<hex>
# holding exactly the bytes that hash to <hex> (no temp files, no partial blobs).
blobs_sound() {
  local f bad=""
  while IFS= read -r f; do
    case "$f" in
      "$1"/blobs/sha256/*) [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$(basename "$f")" ] || bad="$bad $f" ;;
      *) bad="$bad $f" ;;
    esac
  done < <(find "$1/blobs" -type f)
  [ -z "$bad" ] || { echo "bad files in blobs/:$bad"; return 1; }
}

# Images: a umoci image, a two-platform index over it, and "big": the umoci image plus a
# 16 MiB layer (it shares the base layer with "latest").
make_umoci_image "$WORK/umoci" latest
img=$(digest_of "$WORK/umoci" latest)
bundle="$WORK/bundle-big"
umoci unpack --rootless --image "$WORK/umoci:latest" "$bundle" >/dev/null
head -c $((16 << 20)) /dev/urandom > "$bundle/rootfs/data.bin"
umoci repack --image "$WORK/umoci:big" "$bundle" >/dev/null
umoci gc --layout "$WORK/umoci" >/dev/null
rm -rf "$bundle"
bigimg=$(digest_of "$WORK/umoci" big)
make_umoci_image "$WORK/multi" amd64
umoci config --image "$WORK/multi:amd64" --tag arm64 --architecture arm64 >/dev/null
make_index "$WORK/multi" all amd64:linux/amd64 arm64:linux/arm64
idx=$(digest_of "$WORK/multi" all)
arm=$(digest_of "$WORK/multi" arm64)

# ---- 1. skopeo, both ways -----------------------------------------------------------------
start_serve open --log-requests
S=$SERVE_open
check "skopeo copies a umoci image (oci: layout) into serve" \
  sk copy -q --dest-tls-verify=false "oci:$WORK/umoci:latest" "docker://$S/sk/img:v1"
equal "skopeo inspect --raw: serve keeps umoci's manifest digest" \
  "$(sk inspect --raw --tls-verify=false "docker://$S/sk/img:v1" | sha_of -)" "$img"
equal "export-center resolves the same digest on serve" "$(ec resolve "$S/sk/img:v1" 2>&1)" "$img"
equal "skopeo inspect reads the config umoci wrote" \
  "$(sk inspect --tls-verify=false "docker://$S/sk/img:v1" | jq -c '[.Digest, .Labels["org.example"]]')" "[\"$img\",\"ec\"]"
check "skopeo copy --all pushes a multi-arch index into serve" \
  sk copy -q --all --dest-tls-verify=false "oci:$WORK/multi:all" "docker://$S/sk/multi:all"
equal "the index digest is preserved" \
  "$(sk inspect --raw --tls-verify=false "docker://$S/sk/multi:all" | sha_of -)" "$idx"
equal "the arm64 manifest is served by digest" \
  "$(sk inspect --raw --tls-verify=false "docker://$S/sk/multi@$arm" | sha_of -)" "$arm"
equal "skopeo picks the arm64 image out of serve's index" \
  "$(sk inspect --override-arch arm64 --tls-verify=false "docker://$S/sk/multi:all" | jq -c '[.Digest, .Architecture]')" "[\"$idx\",\"arm64\"]"
check "skopeo copies from serve into an oci: layout" \
  sk copy -q --src-tls-verify=false "docker://$S/sk/img:v1" "oci:$WORK/fromserve:v1"
equal "the layout skopeo wrote names umoci's digest" "$(digest_of "$WORK/fromserve" v1)" "$img"
cmp -s "$WORK/fromserve/blobs/sha256/${img#sha256:}" "$WORK/umoci/blobs/sha256/${img#sha256:}" \
  && pass "the manifest skopeo pulled from serve is byte-identical" \
  || fail "the manifest skopeo pulled from serve is byte-identical" "$(cat "$WORK/fromserve/blobs/sha256/${img#sha256:}" 2>&1)"
check "skopeo copy --all from serve into a layout" \
  sk copy -q --all --src-tls-verify=false "docker://$S/sk/multi:all" "oci:$WORK/multiback:all"
equal "the index came back with its digest" "$(digest_of "$WORK/multiback" all)" "$idx"
check "oci-image-tool validates what skopeo pulled from serve" \
  oci-image-tool validate --type image --ref name=v1 "$WORK/fromserve"
check "skopeo tags the image again on serve (manifest already there)" \
  sk copy -q --dest-tls-verify=false "oci:$WORK/umoci:latest" "docker://$S/sk/img:v2"
equal "skopeo list-tags lists serve's tags" \
  "$(sk list-tags --tls-verify=false "docker://$S/sk/img" | jq -c .Tags)" '["v1","v2"]'

# ---- 2. podman pulls what export-center pushed --------------------------------------------
check "export-center copies the umoci image into serve for podman" ec copy "oci:$WORK/umoci:latest" "$S/pm/img:1"
check "podman pulls it from serve" pm pull -q --tls-verify=false "$S/pm/img:1"
inspect=$(pm image inspect "$S/pm/img:1" 2>/dev/null)
equal "podman image inspect: the manifest digest serve served" "$(jq -r '.[0].Digest' <<<"$inspect")" "$img"
cid=$(pm create "$S/pm/img:1" 2>"$WORK/create.err")
[[ "$cid" =~ ^[0-9a-f]{64}$ ]] && pass "podman creates a container from serve's image" \
  || fail "podman creates a container from serve's image" "$cid $(cat "$WORK/create.err")"
check "podman cp gets hello.txt out of the container" pm cp "$cid:/hello.txt" "$WORK/hello.txt"
equal "hello.txt has umoci's content" "$(cat "$WORK/hello.txt" 2>&1)" "hello from umoci"
check "podman pushes the image back into serve" pm push -q --tls-verify=false --format oci "$S/pm/img:1" "$S/pm/back:1"
check "export-center copies podman's push out of serve" ec copy "$S/pm/back:1" "oci:$WORK/frompodman:1"
check "umoci unpacks podman's push" umoci unpack --rootless --image "$WORK/frompodman:1" "$WORK/frompodman-unpacked"
equal "with hello.txt intact" "$(cat "$WORK/frompodman-unpacked/rootfs/hello.txt" 2>&1)" "hello from umoci"
pm rm "$cid" >/dev/null 2>&1; pm rmi -a -f >/dev/null 2>&1
chmod -R u+w "$P" 2>/dev/null  # vfs leaves read-only directories

# ---- 3. export-center: referrers from docker-registry into serve, then serve to serve ------
start_registry src
R=$REGISTRY_src
check "export-center copies the image into docker-registry" ec copy "oci:$WORK/umoci:latest" "$R/ref/img:1"
echo '{"sbom":"spdx"}' > "$WORK/sbom.json"
echo '{"sig":"cosign"}' > "$WORK/sig.json"
check "push an SBOM referrer with --subject into docker-registry" ec push --subject "$img" \
  --artifact-type application/vnd.example.sbom.v1+json "$R/ref/img:sbom" "$WORK/sbom.json:application/json"
check "push a signature referrer with --subject into docker-registry" ec push --subject "$img" \
  --artifact-type application/vnd.example.sig.v1+json "$R/ref/img:sig" "$WORK/sig.json:application/json"
sbom=$(ec resolve "$R/ref/img:sbom" 2>&1); sig=$(ec resolve "$R/ref/img:sig" 2>&1)
want_refs=$(printf '%s\n' "$sbom" "$sig" | sort | paste -sd' ')
check "copy -r from docker-registry into serve" ec copy -r "$R/ref/img:1" "$S/ref/img:1"
equal "discover on serve lists both referrers" \
  "$(ec discover "$S/ref/img:1" -o json | jq -r '.referrers[].digest' | sort | paste -sd' ')" "$want_refs"
refs=$(curl -s "http://$S/v2/ref/img/referrers/$img")
equal "GET /v2/ref/img/referrers/<digest> returns both" "$(jq -r '.manifests[].digest' <<<"$refs" | sort | paste -sd' ')" "$want_refs"
equal "with their artifact types" "$(jq -r '.manifests[].artifactType' <<<"$refs" | sort | paste -sd' ')" \
  "application/vnd.example.sbom.v1+json application/vnd.example.sig.v1+json"
equal "?artifactType= filters the referrers" \
  "$(curl -s "http://$S/v2/ref/img/referrers/$img?artifactType=application/vnd.example.sig.v1%2Bjson" | jq -r '[.manifests[].digest] | join(" ")')" "$sig"
equal "no sha256-<hex> fallback tag on serve (only the copied tag)" "$(ec tags "$S/ref/img" 2>&1 | paste -sd' ')" "1"
check "copy -r from serve to another serve repository" ec copy -r "$S/ref/img:1" "$S/ref/copy:1"
equal "discover on the copy lists both referrers" \
  "$(ec discover "$S/ref/copy:1" -o json | jq -r '.referrers[].digest' | sort | paste -sd' ')" "$want_refs"
# requests METHOD [STATUS]: the targets of serve's request log (JSON lines) with that method.
requests() { jq -rR --arg m "$1" --arg s "${2:-}" 'fromjson? | select(.event == "http.request" and .method == $m and ($s == "" or (.status | tostring) == $s)) | .target' "$WORK/serve-open/log"; }
# The image's config and layer, the referrers' layers and their shared empty config: 5 blobs.
equal "all 5 blobs were mounted across repositories (201)" \
  "$(requests POST 201 | sed -n 's|^/v2/ref/copy/blobs/uploads/?mount=\(sha256:[0-9a-f]*\)&from=ref/img$|\1|p' | sort -u | wc -l)" 5
equal "no blob was uploaded into the copy" "$(requests PUT | grep -c '^/v2/ref/copy/blobs/uploads/')" 0

# ---- 4. auth with real clients -----------------------------------------------------------
htpasswd -Bbn alice alicepw > "$WORK/htpasswd"
htpasswd -Bbn bob bobpw >> "$WORK/htpasswd"
start_serve token --auth "token:$WORK/htpasswd"
T=$SERVE_token
check "skopeo --dest-creds pushes to serve with bearer tokens" \
  sk copy -q --dest-tls-verify=false --dest-creds alice:alicepw "oci:$WORK/umoci:latest" "docker://$T/auth/img:1"
equal "and the digest is kept" \
  "$(sk inspect --raw --tls-verify=false --creds alice:alicepw "docker://$T/auth/img:1" | sha_of -)" "$img"
refused "skopeo without credentials is refused" \
  sk copy -q --dest-tls-verify=false --dest-no-creds "oci:$WORK/umoci:latest" "docker://$T/auth/anon:1"
refused "skopeo with a wrong password is refused" \
  sk copy -q --dest-tls-verify=false --dest-creds alice:wrong "oci:$WORK/umoci:latest" "docker://$T/auth/wrong:1"
check "export-center -u --password-stdin pushes with tokens" \
  sh -c "echo alicepw | '$EC' --plain-http -u alice --password-stdin copy 'oci:$WORK/umoci:big' '$T/auth/ours:1'"
equal "and reads back the digest" \
  "$(echo alicepw | "$EC" --plain-http -u alice --password-stdin resolve "$T/auth/ours:1" 2>&1)" "$bigimg"
expect_fail "export-center without credentials is refused" "401" ec resolve "$T/auth/ours:1"

start_serve anon --auth "htpasswd:$WORK/htpasswd" --anonymous-pull
A=$SERVE_anon
check "export-center pushes with Basic credentials" \
  sh -c "echo bobpw | '$EC' --plain-http -u bob --password-stdin copy 'oci:$WORK/umoci:latest' '$A/pub/img:1'"
equal "skopeo inspect --no-creds reads with --anonymous-pull" \
  "$(sk inspect --raw --no-creds --tls-verify=false "docker://$A/pub/img:1" | sha_of -)" "$img"
check "skopeo copies anonymously out of it" \
  sk copy -q --src-no-creds --src-tls-verify=false "docker://$A/pub/img:1" "oci:$WORK/anonpull:1"
refused "skopeo --dest-no-creds cannot push with --anonymous-pull" \
  sk copy -q --dest-no-creds --dest-tls-verify=false "oci:$WORK/umoci:latest" "docker://$A/pub/anon:1"
equal "an anonymous upload POST is 401" "$(status POST "http://$A/v2/pub/anon/blobs/uploads/")" 401
equal "nothing was pushed anonymously" "$(status GET "http://$A/v2/pub/anon/tags/list")" 404

cat > "$WORK/policy.json" <<'EOF'
{"rules": [
  {"users": ["alice"], "repositories": ["team/*"], "actions": ["pull", "push"]},
  {"users": ["bob"], "repositories": ["secret/*"], "actions": ["pull", "push"]}
]}
EOF
start_serve policy --auth "htpasswd:$WORK/htpasswd" --access "$WORK/policy.json"
Q=$SERVE_policy
check "the policy lets alice push to team/app" \
  sk copy -q --dest-tls-verify=false --dest-creds alice:alicepw "oci:$WORK/umoci:latest" "docker://$Q/team/app:1"
equal "alice pulls team/app (200)" "$(status GET "http://$Q/v2/team/app/manifests/1" -u alice:alicepw)" 200
equal "alice may not read other/app (403)" "$(status GET "http://$Q/v2/other/app/tags/list" -u alice:alicepw)" 403
equal "the 403 says DENIED" \
  "$(curl -s -u alice:alicepw "http://$Q/v2/other/app/tags/list" | jq -r '.errors[0].code')" DENIED
equal "alice may not start an upload in other/app (403)" "$(status POST "http://$Q/v2/other/app/blobs/uploads/" -u alice:alicepw)" 403
equal "alice may not push below team/app/x (team/* is one segment, 403)" \
  "$(status POST "http://$Q/v2/team/app/x/blobs/uploads/" -u alice:alicepw)" 403
equal "bob may not read team/app (403)" "$(status GET "http://$Q/v2/team/app/manifests/1" -u bob:bobpw)" 403
equal "a wrong password is 401, not 403" "$(status GET "http://$Q/v2/team/app/manifests/1" -u alice:nope)" 401
equal "no credentials is 401" "$(status GET "http://$Q/v2/team/app/manifests/1")" 401
refused "skopeo as alice cannot push to other/app" \
  sk copy -q --dest-tls-verify=false --dest-creds alice:alicepw "oci:$WORK/umoci:latest" "docker://$Q/other/app:1"
# The first request is a blob HEAD, whose 403 has no body to carry DENIED.
expect_fail "export-center as alice is denied other/app, and says so" "HTTP 403" \
  sh -c "echo alicepw | '$EC' --plain-http -u alice --password-stdin copy 'oci:$WORK/umoci:latest' '$Q/other/app:1'"
equal "the catalog shows alice only team/app" \
  "$(curl -s -u alice:alicepw "http://$Q/v2/_catalog" | jq -c .repositories)" '["team/app"]'
check "the policy lets bob push the big image to secret/x" \
  sk copy -q --dest-tls-verify=false --dest-creds bob:bobpw "oci:$WORK/umoci:big" "docker://$Q/secret/x:1"
secret_layer=$(jq -r '.layers[-1].digest' "$WORK/umoci/blobs/sha256/${bigimg#sha256:}")
equal "alice cannot mount bob's layer from secret/x into team/app (202: a plain upload, not 201)" \
  "$(status POST "http://$Q/v2/team/app/blobs/uploads/?mount=$secret_layer&from=secret/x" -u alice:alicepw)" 202
equal "nor see it in team/app (HEAD 404)" "$(status HEAD "http://$Q/v2/team/app/blobs/$secret_layer" -I -u alice:alicepw)" 404

# ---- 5. TLS -------------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
mkdir -p "$WORK/certs.d" && cp "$WORK/cert.pem" "$WORK/certs.d/ca.crt"
start_serve tls --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem"
L=$SERVE_tls
equal "curl --cacert reaches serve over HTTPS" "$(status GET "https://$L/v2/" --cacert "$WORK/cert.pem")" 200
expect_fail "export-center refuses the self-signed certificate, and says so" "certificate" \
  "$EC" copy "oci:$WORK/umoci:latest" "$L/tls/img:1"
check "export-center copy --ca-file pushes over TLS" "$EC" copy --ca-file "$WORK/cert.pem" "oci:$WORK/umoci:latest" "$L/tls/img:1"
equal "export-center --ca-file resolves it" "$("$EC" resolve --ca-file "$WORK/cert.pem" "$L/tls/img:1" 2>&1)" "$img"
refused "skopeo refuses the untrusted certificate" sk copy -q "oci:$WORK/umoci:latest" "docker://$L/tls/untrusted:1"
check "skopeo --dest-cert-dir pushes the index over TLS" \
  sk copy -q --all --dest-cert-dir "$WORK/certs.d" "oci:$WORK/multi:all" "docker://$L/tls/multi:all"
equal "skopeo --cert-dir reads the index digest back" \
  "$(sk inspect --raw --cert-dir "$WORK/certs.d" "docker://$L/tls/multi:all" | sha_of -)" "$idx"
check "skopeo --dest-tls-verify=false pushes over TLS too" \
  sk copy -q --dest-tls-verify=false "oci:$WORK/umoci:latest" "docker://$L/tls/noverify:1"

# ---- 6. read-only --------------------------------------------------------------------------
check "fill a store for the read-only server" "$EC" --store "$(serve_store ro)" copy "oci:$WORK/umoci:latest" store:ro/img:1
start_serve ro --read-only
O=$SERVE_ro
check "skopeo pulls from the read-only server" sk copy -q --src-tls-verify=false "docker://$O/ro/img:1" "oci:$WORK/fromro:1"
equal "with the digest intact" "$(digest_of "$WORK/fromro" 1)" "$img"
check "export-center pulls from it" ec copy "$O/ro/img:1" "oci:$WORK/fromro2:1"
refused "skopeo cannot copy into the read-only server" \
  sk copy -q --dest-tls-verify=false "oci:$WORK/multi:amd64" "docker://$O/ro/new:1"
expect_fail "export-center cannot copy into it, and says why" "UNSUPPORTED" ec copy "oci:$WORK/multi:amd64" "$O/ro/new:1"
equal "an upload POST is 405" "$(status POST "http://$O/v2/ro/img/blobs/uploads/")" 405
equal "a manifest DELETE is 405" "$(status DELETE "http://$O/v2/ro/img/manifests/$img")" 405
equal "the image is still there" "$(ec resolve "$O/ro/img:1" 2>&1)" "$img"

# ---- 7. crash safety ----------------------------------------------------------------------
start_serve crash
C=$SERVE_crash
CS=$(serve_store crash)
head -c $((48 << 20)) /dev/urandom > "$WORK/big.bin"
bigd=$(sha_of "$WORK/big.bin")
loc=$(curl -s -D - -o /dev/null -X POST "http://$C/v2/crash/art/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: *//p')
loc_path=$(sed -E 's|^https?://[^/]*||' <<<"$loc")  # the restarted server has another port
loc="http://$C$loc_path"
mkfifo "$WORK/pipe"
curl -s -o /dev/null -X PATCH -H 'Content-Type: application/octet-stream' -T - "$loc" < "$WORK/pipe" &
curl_pid=$!
exec 3> "$WORK/pipe"
head -c $((24 << 20)) "$WORK/big.bin" >&3
# Kill only once the server has a good part of it on disk: the upload is really in flight.
for _ in $(seq 1 100); do
  got=$(find "$CS/uploads" -type f -printf '%s\n' 2>/dev/null | sort -n | tail -1)
  [ "${got:-0}" -ge $((8 << 20)) ] && break
  sleep 0.1
done
[ "${got:-0}" -ge $((8 << 20)) ] && pass "a 48 MiB streamed PATCH is in flight (${got} bytes on the server)" \
  || fail "a 48 MiB streamed PATCH is in flight" "uploads/ holds ${got:-0} bytes"
kill -9 "$SERVE_crash_PID"
wait "$SERVE_crash_PID" 2>/dev/null
exec 3>&-
wait "$curl_pid" 2>/dev/null
start_serve crash
C=$SERVE_crash
equal "after kill -9 and a restart the blob is not visible (HEAD 404)" "$(status HEAD "http://$C/v2/crash/art/blobs/$bigd" -I)" 404
equal "the killed upload session is gone (404)" "$(status GET "http://$C$loc_path")" 404
check "blobs/ holds no partial file after the crash" blobs_sound "$CS"
check "export-center gc --grace 0s runs after the crash, with serve up" "$EC" --store "$CS" gc --grace 0s
check "blobs/ holds no partial file after gc" blobs_sound "$CS"
check "re-pushing the blob succeeds" ec push "$C/crash/art:1" "$WORK/big.bin"
equal "HEAD now finds it with its size" \
  "$(curl -s -I "http://$C/v2/crash/art/blobs/$bigd" | tr -d '\r' | awk -F': ' 'tolower($1)=="content-length"{print $2}')" $((48 << 20))
equal "the blob reads back with the right digest" "$(curl -s "http://$C/v2/crash/art/blobs/$bigd" | sha_of -)" "$bigd"
equal "the store's file is the blob" "$(sha_of "$CS/blobs/sha256/${bigd#sha256:}")" "$bigd"
equal "the artifact's digest is the one a layout gets" \
  "$(ec resolve "$C/crash/art:1" 2>&1)" "$("$EC" push "oci:$WORK/crashref:1" "$WORK/big.bin" -o json | jq -r .digest)"

# Two copies of one image into two repositories of one server, at the same time.
ec copy "oci:$WORK/umoci:big" "$C/con/one:1" > "$WORK/con1.out" 2>&1 & p1=$!
ec copy "oci:$WORK/umoci:big" "$C/con/two:1" > "$WORK/con2.out" 2>&1 & p2=$!
wait $p1 && pass "concurrent copy into con/one succeeds" || fail "concurrent copy into con/one succeeds" "$(cat "$WORK/con1.out")"
wait $p2 && pass "concurrent copy into con/two succeeds" || fail "concurrent copy into con/two succeeds" "$(cat "$WORK/con2.out")"
for r in one two; do
  check "copy con/$r back out to a layout" ec copy "$C/con/$r:1" "oci:$WORK/con-$r:1"
  equal "con/$r keeps the image digest" "$(digest_of "$WORK/con-$r" 1)" "$bigimg"
  check "oci-image-tool validates con/$r" oci-image-tool validate --type image --ref name=1 "$WORK/con-$r"
  check "every blob of con/$r hashes to its name" blobs_sound "$WORK/con-$r"
done
check "the store is sound after the concurrent pushes" blobs_sound "$CS"

# ---- 8. gc with real content -------------------------------------------------------------
start_serve gc
G=$SERVE_gc
GS=$(serve_store gc)
check "copy the small image into the gc server" ec copy "oci:$WORK/umoci:latest" "$G/gc/small:1"
check "copy the big image (sharing the base layer) into it" ec copy "oci:$WORK/umoci:big" "$G/gc/big:1"
small_blobs=$(blobs_of "$WORK/umoci" "$img" | sort -u)
big_blobs=$(blobs_of "$WORK/umoci" "$bigimg" | sort -u)
only_big=$(comm -13 <(echo "$small_blobs") <(echo "$big_blobs") | paste -sd' ')
shared=$(comm -12 <(echo "$small_blobs") <(echo "$big_blobs") | paste -sd' ')
[ -n "$shared" ] && [ "$(wc -w <<<"$only_big")" -eq 3 ] && pass "the two images share a layer" \
  || fail "the two images share a layer" "only big: $only_big; shared: $shared"
equal "DELETE the big manifest (202)" "$(status DELETE "http://$G/v2/gc/big/manifests/$bigimg")" 202
equal "it is gone (404)" "$(status HEAD "http://$G/v2/gc/big/manifests/$bigimg" -I)" 404
gcout=$("$EC" --store "$GS" gc --grace 0s -o json 2>&1)
check "export-center gc --grace 0s runs with serve up" jq -e . <<<"$gcout"
equal "gc removed exactly the big image's own blobs" \
  "$(jq -r '.removed[]? // empty' <<<"$gcout" 2>/dev/null | sort | paste -sd' ')" "$only_big"
gone=""; for d in $only_big; do [ -e "$GS/blobs/sha256/${d#sha256:}" ] && gone="$gone $d"; done
equal "the big image's own blobs left blobs/sha256/" "$gone" ""
kept=""; for d in $small_blobs; do [ -e "$GS/blobs/sha256/${d#sha256:}" ] || kept="$kept $d"; done
equal "the small image's blobs, the shared layer too, remain" "$kept" ""
check "skopeo still pulls the small image" sk copy -q --src-tls-verify=false "docker://$G/gc/small:1" "oci:$WORK/aftergc:1"
equal "with its digest" "$(digest_of "$WORK/aftergc" 1)" "$img"
check "the store is sound after gc" blobs_sound "$GS"

echo "serve/clients.sh: ${SECONDS}s"
finish
