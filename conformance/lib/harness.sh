# Tiny assertion harness for the interop suites: each check prints one line, the suite ends
# with "N passed, N failed" and exits non-zero on any failure.
# Usage: source it, set EC to the export-center binary, call the checks, then `finish`.
set -u
PASSED=0
FAILED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ec-conformance.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1"; [ $# -gt 1 ] && printf '       %s\n' "$2"; }

# check DESCRIPTION CMD...: the command must succeed.
check() {
  local what=$1; shift
  local out
  if out=$("$@" 2>&1); then pass "$what"; else fail "$what" "$out"; fi
}

# expect_fail DESCRIPTION SUBSTRING CMD...: the command must fail and its stderr contain SUBSTRING.
expect_fail() {
  local what=$1 want=$2; shift 2
  local out rc
  out=$("$@" 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 0 ]; then fail "$what" "exit 0, want non-zero"; return; fi
  if [[ "$out" != *"$want"* ]]; then fail "$what" "stderr: $out; want it to contain: $want"; return; fi
  if [ "$(printf '%s' "$out" | wc -l)" -gt 0 ]; then fail "$what" "error is more than one line: $out"; return; fi
  pass "$what"
}

# equal DESCRIPTION GOT WANT
equal() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got $2, want $3"; fi
}

require_tool() {
  command -v "$1" >/dev/null 2>&1 || { echo "FAIL - $1 is not installed (scripts/setup.sh --with-tests installs it)"; exit 1; }
}

finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
