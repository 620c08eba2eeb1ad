#!/usr/bin/env bash
# bbolt itself as the oracle for the C++ bbolt writer (src/trivy/bolt_writer.h).
# Usage: bolt_check.sh path/to/export-center [DIR]
#   DIR: a directory of .db files written by Export Center. Without it, the suite asks the
#   unit-test binary (ec_unit_tests next to export-center's build tree, or $EC_UNIT_TESTS)
#   to write its [bolt] fixtures (EC_BOLT_FIXTURE_DIR), twice, and checks they are identical.
# For each file: bbolt's Tx.Check plus boltcheck's page walk (-strict: what our writer
# promises on top of the format), the Trivy schema for files named trivy*.db, a copy
# rebuilt by bbolt from the dump with the same content, and a read-write bbolt transaction
# on a copy. Needs golang-go and golang-github-coreos-bbolt-dev (GOPATH mode).
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
[ $# -ge 1 ] || { echo "usage: bolt_check.sh path/to/export-center [DIR]" >&2; exit 2; }
EC=$(realpath -m "$1")
dir=${2:-}
require_tool go
require_tool cmp
gopath=/usr/share/gocode
if [ ! -d "$gopath/src/go.etcd.io/bbolt" ]; then
  echo "FAIL - Debian's bbolt sources are missing (apt-get install golang-github-coreos-bbolt-dev)"
  exit 1
fi

BC=$WORK/boltcheck
build_checker() {
  (cd "$here/trivy/boltcheck" &&
    GO111MODULE=off GOPATH=$gopath GOCACHE=$WORK/gocache GOFLAGS= go build -o "$BC" .)
}
check "build the bbolt checker (GOPATH mode, Debian bbolt)" build_checker
[ -x "$BC" ] || { finish; exit 1; }

# expect_problem DESCRIPTION SUBSTRING CMD...: the command must fail and report SUBSTRING.
expect_problem() {
  local what=$1 want=$2; shift 2
  local out
  if out=$("$@" 2>&1); then fail "$what" "exit 0, want a failure"; return; fi
  if [[ "$out" != *"$want"* ]]; then fail "$what" "output: $out; want it to contain: $want"; return; fi
  pass "$what"
}

if [ -z "$dir" ]; then
  unit=${EC_UNIT_TESTS:-}
  for cand in "$(dirname "$EC")/../tests/ec_unit_tests" "$(dirname "$EC")/tests/ec_unit_tests"; do
    [ -z "$unit" ] && [ -x "$cand" ] && unit=$cand
  done
  if [ -z "$unit" ]; then
    fail "find ec_unit_tests to write the fixtures" "pass a directory of .db files or set EC_UNIT_TESTS"
    finish; exit 1
  fi
  dir=$WORK/fixtures
  check "the unit tests write the [bolt] fixtures" env EC_BOLT_FIXTURE_DIR="$dir" "$unit" "[bolt]"
  check "the unit tests write them again" env EC_BOLT_FIXTURE_DIR="$WORK/again" "$unit" "[bolt]"
  for f in "$dir"/*.db; do
    check "$(basename "$f") is byte-identical on the second run" cmp "$f" "$WORK/again/$(basename "$f")"
  done
fi

shopt -s nullglob
dbs=("$dir"/*.db)
[ ${#dbs[@]} -gt 0 ] && pass "found ${#dbs[@]} .db files in $dir" || fail "found .db files in $dir"

for f in "${dbs[@]}"; do
  name=$(basename "$f")
  check "$name: bbolt check and strict page walk" "$BC" -strict "$f"
  if [[ "$name" == trivy* ]]; then
    check "$name: every value decodes in the Trivy schema" "$BC" -strict -trivy "$f"
  fi
  # bbolt rebuilds the same content from the dump; the dumps (hash per value) must match.
  "$BC" -dump -values "$f" >"$WORK/values" 2>/dev/null
  rm -f "$WORK/go.db"
  check "$name: bbolt writes a copy from the dump" "$BC" -write "$WORK/go.db" <"$WORK/values"
  "$BC" -dump "$f" >"$WORK/ours.dump" 2>/dev/null
  "$BC" -dump "$WORK/go.db" >"$WORK/go.dump" 2>/dev/null
  check "$name: bbolt's copy holds the same buckets, keys and values" cmp "$WORK/ours.dump" "$WORK/go.dump"
  cp "$f" "$WORK/touch.db" && chmod u+w "$WORK/touch.db"
  check "$name: bbolt commits a read-write transaction on it" "$BC" -touch "$WORK/touch.db"
done

# The checker must catch broken files, or the checks above prove nothing.
if [ ${#dbs[@]} -gt 0 ]; then
  cp "${dbs[0]}" "$WORK/bad.db" && chmod u+w "$WORK/bad.db"
  printf '\xff' | dd of="$WORK/bad.db" bs=1 seek=72 conv=notrunc status=none  # meta 0 checksum
  expect_problem "a corrupt meta 0 checksum is reported" "meta 0 is not valid" "$BC" -strict "$WORK/bad.db"
fi
for f in "${dbs[@]}"; do
  if [[ "$(basename "$f")" == trivy* ]] && grep -q '"FixedVersion"' "$f"; then
    perl -0777 -pe 's/"FixedVersion"/"FixedVersiom"/' "$f" >"$WORK/bad.db"
    expect_problem "an unknown advisory field is reported" 'unknown field "FixedVersiom"' "$BC" -trivy "$WORK/bad.db"
    break
  fi
done
normal=$here/../../shared/data/trivy-db/pkg/db/testdata/normal.db
if [ -f "$normal" ]; then
  check "trivy-db's normal.db passes the strict walk" "$BC" -strict "$normal"
  expect_problem "a DB without the vulnerability bucket fails -trivy" "no \"vulnerability\" bucket" "$BC" -trivy "$normal"
fi
finish
