#include "profiles/devportal_texts.h"

#include "status.h"

namespace ec::profiles {
namespace {

constexpr std::string_view kScriptHead = R"SH(#!/bin/sh
# verify-offline.sh: checks this devportal offline bundle without network access.
# Needs only coreutils, sed, grep and openssl 3.
#
#   sh verify-offline.sh [PUBLIC_KEY.pem]
#
# 1. Every file listed in checksums.txt has its sha256 (sha256sum -c).
# 2. Every manifest.json entry (path and sha256) is a line of checksums.txt, and their number
#    is totals.entryCount: the files are the ones the (signed) manifest names.
# 3. With a public key (the argument, else keys/signing.pub when the bundle ships one) and
#    manifest.dsse.json: the envelope's payload is byte-identical to manifest.json, its
#    payloadType is the expected one, and its signature over the DSSE pre-authentication
#    encoding verifies (Ed25519 or ECDSA P-256). A key given as argument makes this mandatory.
#
# manifest.json and manifest.dsse.json are single-line compact JSON written by Export Center,
# keys sorted; the envelope is exactly
#   {"payload":"<b64>","payloadType":"<type>","signatures":[{"keyid":"<id>","sig":"<b64>"}]}
# (keyid optional) and paths hold only [A-Za-z0-9._/-], which is why sed and grep suffice.
# Exit status: 0 verified, 1 anything else (the reason is printed on stderr).
set -u
)SH";

constexpr std::string_view kScriptBody = R"SH(
fail() { echo "FAIL: $*" >&2; exit 1; }

key=${1:-}
key_required=no
if [ -n "$key" ]; then
  key_required=yes
  case $key in /*) ;; *) key="$(pwd)/$key" ;; esac
  [ -f "$key" ] || fail "public key $1 not found"
fi
cd "$(dirname "$0")" || fail "cannot enter the bundle folder"
[ -f checksums.txt ] || fail "checksums.txt is missing"
[ -f manifest.json ] || fail "manifest.json is missing"
if [ -z "$key" ] && [ -f keys/signing.pub ]; then key=keys/signing.pub; fi

tmp=$(mktemp -d) || fail "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# 1. checksums.txt
if ! sha256sum --strict --quiet -c checksums.txt >"$tmp/sha256sum.out" 2>&1; then
  sed 's/^/FAIL: /' "$tmp/sha256sum.out" >&2
  fail "files do not match checksums.txt"
fi
files=$(($(wc -l <checksums.txt)))

# 2. manifest.json entries against checksums.txt
grep -o '"path":"[^"]*","sha256":"[0-9a-f]*"' manifest.json |
  sed 's/^"path":"\(.*\)","sha256":"\(.*\)"$/\2  \1/' >"$tmp/manifest.sums"
listed=$(($(wc -l <"$tmp/manifest.sums")))
count=$(grep -o '"entryCount":[0-9]*' manifest.json | sed 's/.*://')
[ -n "$count" ] || fail "manifest.json has no totals.entryCount"
[ "$listed" -eq "$count" ] ||
  fail "manifest.json lists $listed entries but totals.entryCount is $count"
stray=$(grep -F -x -v -f checksums.txt "$tmp/manifest.sums" | head -n 1)
[ -z "$stray" ] || fail "${stray#*  }: sha256 in manifest.json differs from checksums.txt"

# 3. DSSE signature over manifest.json
if [ ! -f manifest.dsse.json ]; then
  if grep -q '"mode":"dsse"' manifest.json; then
    fail "manifest.json says the bundle is signed but manifest.dsse.json is missing"
  fi
  [ "$key_required" = no ] || fail "a public key was given but the bundle is unsigned"
  echo "OK: $files files verified, bundle unsigned"
  exit 0
fi
if [ -z "$key" ]; then
  echo "OK: $files files verified, signature not checked (no public key given)"
  exit 0
fi
envelope='^{"payload":"\([A-Za-z0-9+/=]*\)","payloadType":"\([^"\\]*\)","signatures":\[{\("keyid":"[^"\\]*",\)\{0,1\}"sig":"\([A-Za-z0-9+/=]*\)"}\]}$'
sed -n "s#$envelope#\\1#p" manifest.dsse.json >"$tmp/payload.b64"
sed -n "s#$envelope#\\4#p" manifest.dsse.json >"$tmp/sig.b64"
type=$(sed -n "s#$envelope#\\2#p" manifest.dsse.json)
if [ ! -s "$tmp/payload.b64" ] || [ ! -s "$tmp/sig.b64" ]; then
  fail "manifest.dsse.json: not a single-signature DSSE envelope in the expected form"
fi
[ "$type" = "$expected_type" ] ||
  fail "manifest.dsse.json: payloadType is \"$type\", want \"$expected_type\""
base64 -d <"$tmp/payload.b64" >"$tmp/payload" 2>/dev/null ||
  fail "manifest.dsse.json: payload is not valid base64"
base64 -d <"$tmp/sig.b64" >"$tmp/sig" 2>/dev/null ||
  fail "manifest.dsse.json: signature is not valid base64"
[ "$(sha256sum <"$tmp/payload")" = "$(sha256sum <manifest.json)" ] ||
  fail "manifest.dsse.json: payload differs from manifest.json"
type_len=$(($(printf '%s' "$type" | wc -c)))
body_len=$(($(wc -c <"$tmp/payload")))
{ printf 'DSSEv1 %s %s %s ' "$type_len" "$type" "$body_len"; cat "$tmp/payload"; } >"$tmp/pae"
key_text=$(openssl pkey -pubin -in "$key" -text -noout 2>/dev/null) ||
  fail "$key: not a PEM public key openssl can read"
case $key_text in
  *ED25519*)
    openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$tmp/pae" -sigfile "$tmp/sig" \
      >/dev/null 2>&1 ;;
  *prime256v1*)
    openssl dgst -sha256 -verify "$key" -signature "$tmp/sig" "$tmp/pae" >/dev/null 2>&1 ;;
  *)
    fail "$key: unsupported key type (need Ed25519 or ECDSA P-256)" ;;
esac || fail "manifest.dsse.json: signature does not verify with $key"
echo "OK: $files files verified, signature verified"
)SH";

}  // namespace

std::string DevportalVerifyScript(std::string_view payload_type) {
  // payload_type is a constant of ours ([a-z0-9./+-]); single quotes need no escaping.
  return StrCat(kScriptHead, "expected_type='", payload_type, "'\n", kScriptBody);
}

std::string DevportalInstructions(const DevportalInstructionFacts& f) {
  std::string out = StrCat(
      "Developer portal offline bundle\n"
      "===============================\n\n"
      "Bundle:    ", f.bundle_id, "\n",
      "Release:   ", f.release_version, "\n",
      "Generated: ", f.generated_at, "\n",
      "Signed:    ", f.signed_bundle ? "yes (manifest.dsse.json)" : "no", "\n\n",
      "Contents of devportal-offline/\n"
      "  portal/              the static developer portal (open portal/index.html)\n"
      "  specs/               OpenAPI specifications\n"
      "  sdks/<name>/         client SDKs, one folder each\n"
      "  changelog/           release notes\n"
      "  manifest.json        every file above: category, path, sha256, size, content type\n");
  if (f.signed_bundle) {
    out += "  manifest.dsse.json   DSSE signature over manifest.json\n";
  }
  if (f.ships_key) {
    out += "  keys/signing.pub     the signer's public key\n";
  }
  out += StrCat(
      "  checksums.txt        sha256 of every file but itself (sha256sum -c format)\n"
      "  verify-offline.sh    the verification script\n\n"
      "Verify (offline; needs only coreutils, sed, grep and openssl 3)\n"
      "  tar -xzf devportal-offline-bundle.tgz\n"
      "  sh devportal-offline/verify-offline.sh [TRUSTED-PUBLIC-KEY.pem]\n"
      "It prints \"OK: N files verified, ...\" and exits 0, or prints FAIL: with the failing\n"
      "file and exits 1. It checks checksums.txt, that every manifest.json entry matches it,\n"
      "and, given a public key, the DSSE signature over manifest.json (Ed25519 or ECDSA\n"
      "P-256).",
      f.ships_key ? " Without an argument it uses keys/signing.pub, which only shows the\n"
                    "bundle agrees with the key it carries: pass a key obtained separately."
                  : "",
      "\n"
      "Checksums alone: cd devportal-offline && sha256sum -c checksums.txt\n\n"
      "Use\n"
      "  Serve the portal from any static web server rooted at devportal-offline/portal,\n"
      "  for example: python3 -m http.server --directory devportal-offline/portal 8080\n"
      "  specs/, sdks/ and changelog/ are plain files to copy where they are needed.\n");
  return out;
}

}  // namespace ec::profiles
