#!/usr/bin/env bash
# tuf-js 5.0.1 (npm, Node 20), an independent TUF client, against repositories made by Export
# Center's TUF writer and served over loopback HTTP: good, hash-bin, rotated-root and ECDSA
# repositories must refresh and download; tampered target, rollback (timestamp and snapshot),
# expired timestamp, unmet root threshold, targets signed by the wrong key, mix-and-match
# snapshot and oversized timestamp must each be refused with tuf-js's error for that attack.
#
# Usage: tuf_js.sh GENERATOR
# GENERATOR writes the repositories into $EC_TUF_OUT when run as `GENERATOR "[.tuf-js]"`: for
# now the unit-test binary (tests/tuf/tuf_test.cpp, the hidden "[.tuf-js]" case), until
# export-center has TUF verbs.
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
GEN=$(realpath "$1")
JS=$here/tuf
require_tool node; require_tool python3
if [ ! -d "$JS/node_modules/tuf-js" ]; then
  echo "FAIL - tuf-js is not installed (run npm ci in conformance/tuf)"; exit 1
fi

REPOS=$WORK/repos
if ! EC_TUF_OUT=$REPOS "$GEN" "[.tuf-js]" >"$WORK/generate.log" 2>&1; then
  fail "the generator writes the repositories" "$(tail -20 "$WORK/generate.log")"; finish; exit 1
fi
pass "the generator writes the repositories"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$REPOS" "$port" >"$WORK/http.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
BASE=http://127.0.0.1:$port

# refresh VARIANT CACHE TARGET: prints refresh.js's one line.
refresh() {
  node "$JS/refresh.js" "$BASE/$1/metadata" "$BASE/$1/targets" "$REPOS/$1/root.json" \
    "$WORK/cache/$2" "$3" "$WORK/out-$2" 2>&1
}

# accept VARIANT TARGET SOURCE: refresh and download succeed and give the source's bytes.
accept() {
  local out
  out=$(refresh "$1" "$1" "$2")
  if [ "$out" != ok ]; then fail "tuf-js accepts $1 and downloads $2" "$out"; return; fi
  if cmp -s "$WORK/out-$1" "$3"; then pass "tuf-js accepts $1 and downloads $2"
  else fail "tuf-js accepts $1 and downloads $2" "downloaded bytes differ from $3"; fi
}

# reject VARIANT WANT [CACHE]: refresh or download fails, the error contains WANT.
reject() {
  local out
  out=$(refresh "$1" "${3:-$1}" hello.txt); local rc=$?
  if [ $rc -eq 0 ]; then fail "tuf-js refuses $1" "it printed: $out"; return; fi
  if [[ "$out" != *"$2"* ]]; then fail "tuf-js refuses $1" "got: $out; want: $2"; return; fi
  pass "tuf-js refuses $1: $out"
}

accept good hello.txt "$REPOS/src/hello.txt"
accept good images/alpine.oci.tar "$REPOS/src/images/alpine.oci.tar"
accept good "docs/über ☃.txt" "$REPOS/src/hello.txt"  # raw UTF-8 and control bytes signed
accept bins many/file-0042.txt "$REPOS/src-many/many/file-0042.txt"
accept rotated hello.txt "$REPOS/src/hello.txt"
accept ecdsa hello.txt "$REPOS/src/hello.txt"
grep -q 'GET /rotated/metadata/2.root.json HTTP/1.1" 200' "$WORK/http.log" &&
  grep -q 'GET /rotated/metadata/3.root.json HTTP/1.1" 404' "$WORK/http.log" &&
  pass "tuf-js walked root 1 -> 2 and stopped at the 404 for 3.root.json" ||
  fail "tuf-js walked root 1 -> 2 and stopped at the 404 for 3.root.json" "$(grep root.json "$WORK/http.log")"
grep -q 'GET /bins/metadata/1.bins-d.json HTTP/1.1" 200' "$WORK/http.log" &&
  pass "tuf-js resolved many/file-0042.txt through hash bin bins-d" ||
  fail "tuf-js resolved many/file-0042.txt through hash bin bins-d" "$(grep /bins/ "$WORK/http.log")"

reject tampered-target "LengthOrHashMismatchError: Expected hash"
reject expired-timestamp "ExpiredMetadataError: Final timestamp.json is expired"
reject unmet-threshold "UnsignedMetadataError: root was signed by 1/2 keys"
reject wrong-targets-key "targets was signed by 0/1 keys"
reject mix-and-match "Version 1 of targets does not match snapshot version 2"
reject oversized "DownloadLengthMismatchError: Max length reached"
# Rollback: trust version 2 first, then be served older metadata with the same cache.
out=$(refresh rollback-new rollback hello.txt)
[ "$out" = ok ] && pass "tuf-js trusts rollback-new (versions 2)" || fail "tuf-js trusts rollback-new (versions 2)" "$out"
cp -r "$WORK/cache/rollback" "$WORK/cache/rollback-snap"
reject rollback-old "BadVersionError: New timestamp version 1 is less than current version 2" rollback
reject rollback-snapshot "BadVersionError: New snapshot version 1 is less than current version 2" rollback-snap

finish
