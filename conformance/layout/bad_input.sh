#!/usr/bin/env bash
# Bad input through the CLI: each case fails with one clear line naming the object, exits
# non-zero, writes nothing outside the destination and leaves the destination consistent.
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/lib/harness.sh"
EC=$(realpath "$1")  # the suites change directory
require_tool python3; require_tool jq
evil="python3 $here/layout/make_evil.py"

# A good source to damage.
head -c 300000 /dev/urandom > "$WORK/big.bin"
echo '{"a":1}' > "$WORK/small.json"
check "push a source artifact" "$EC" push "oci:$WORK/src:v1" "$WORK/big.bin" "$WORK/small.json:application/json" --artifact-type application/vnd.example
big=$(jq -r '.layers[0].digest' < <("$EC" manifest get "oci:$WORK/src:v1"))
big_hex=${big#sha256:}

# 1. A corrupted blob: the copy fails with the digest mismatch and the destination holds
#    neither the corrupt blob nor a manifest pointing at it.
cp -r "$WORK/src" "$WORK/corrupt"
printf 'X' | dd of="$WORK/corrupt/blobs/sha256/$big_hex" bs=1 seek=1000 conv=notrunc status=none
expect_fail "corrupted blob is refused with both digests" "digest mismatch after 300000 bytes; got sha256:" \
  "$EC" copy "oci:$WORK/corrupt:v1" "oci:$WORK/dst1:v1"
if [ -e "$WORK/dst1/blobs/sha256/$big_hex" ]; then fail "no corrupt blob in destination"; else pass "no corrupt blob in destination"; fi
manifests=$(jq '.manifests | length' "$WORK/dst1/index.json" 2>/dev/null || echo 0)
equal "destination index lists nothing after the failed copy" "$manifests" 0
leftovers=$(find "$WORK/dst1" -name '.*tmp-*' 2>/dev/null | wc -l)
equal "no temporary files left in the destination" "$leftovers" 0

# 2. A manifest naming a missing blob.
cp -r "$WORK/src" "$WORK/missing"
rm "$WORK/missing/blobs/sha256/$big_hex"
expect_fail "missing blob is named" "blob $big not found" "$EC" copy "oci:$WORK/missing:v1" "oci:$WORK/dst2:v1"

# 3. A truncated archive.
check "write an archive" "$EC" copy "oci:$WORK/src:v1" "oci-archive:$WORK/a.tar:v1"
size=$(stat -c %s "$WORK/a.tar")
head -c $((size / 2)) "$WORK/a.tar" > "$WORK/trunc.tar"
expect_fail "truncated archive is named" "archive $WORK/trunc.tar: truncated or corrupt" \
  "$EC" copy "oci-archive:$WORK/trunc.tar:v1" "oci:$WORK/dst3:v1"
[ -e "$WORK/dst3" ] && fail "nothing created for a failed open" || pass "nothing created for a failed open"
head -c $((size / 2)) "$WORK/a.tar" | zstd -q -c > "$WORK/trunc.tar.zst"
expect_fail "truncated zstd archive is named" "trunc.tar.zst" "$EC" resolve "oci-archive:$WORK/trunc.tar.zst:v1"

# 4. Archive entries that escape: "..", absolute names, symlinks, hard links.
mkdir -p "$WORK/x/inner"
for kind in dotdot absolute symlink hardlink; do
  $evil "$kind" "$WORK/x/inner/$kind.tar"
done
expect_fail "entry with .. is refused" 'entry "../escaped.txt"' "$EC" copy "oci-archive:$WORK/x/inner/dotdot.tar:v1" "oci:$WORK/x/inner/out:v1"
expect_fail "absolute entry is refused" 'entry "/tmp/ec-absolute-escape.txt"' "$EC" copy "oci-archive:$WORK/x/inner/absolute.tar:v1" "oci:$WORK/x/inner/out:v1"
expect_fail "symlink entry is refused" "links are not allowed in an OCI archive" "$EC" copy "oci-archive:$WORK/x/inner/symlink.tar:v1" "oci:$WORK/x/inner/out:v1"
expect_fail "hard link entry is refused" "links are not allowed in an OCI archive" "$EC" copy "oci-archive:$WORK/x/inner/hardlink.tar:v1" "oci:$WORK/x/inner/out:v1"
[ -e "$WORK/x/escaped.txt" ] && fail "nothing written above the archive" || pass "nothing written above the archive"
[ -e /tmp/ec-absolute-escape.txt ] && fail "nothing written at the absolute path" || pass "nothing written at the absolute path"
[ -e "$WORK/x/inner/out" ] && fail "no destination created from a hostile archive" || pass "no destination created from a hostile archive"

# 5. A layer title that is a path: pull refuses to write it.
$evil layout "$WORK/titled" "../../escape.txt"
expect_fail "pull refuses a title that is a path" 'title "../../escape.txt", which is not a plain file name' \
  "$EC" pull "oci:$WORK/titled:v1" -o "$WORK/pull/out"
[ -e "$WORK/escape.txt" ] && fail "nothing written outside the pull directory" || pass "nothing written outside the pull directory"

# 6. Invalid references and arguments.
expect_fail "empty layout path" 'invalid reference "oci:": missing directory' "$EC" resolve "oci:"
expect_fail "bad tag" 'invalid tag "-bad"' "$EC" resolve "oci:$WORK/src:-bad"
expect_fail "upper-case repository" "repository name must be lower-case" "$EC" resolve "Registry.example/Repo:v1"
expect_fail "bad digest" "got 3 hex characters, want 64" "$EC" blob get "oci:$WORK/src@sha256:abc" -o "$WORK/b"
expect_fail "missing layout" "no such directory" "$EC" tags "oci:$WORK/nope"
expect_fail "unknown tag" 'tag "nope" not found' "$EC" resolve "oci:$WORK/src:nope"
expect_fail "unknown platform" "invalid platform" "$EC" copy --platform linux "oci:$WORK/src:v1" "oci:$WORK/dst4:v1"
expect_fail "source without tag or digest" "names no tag or digest" "$EC" copy "oci:$WORK/src" "oci:$WORK/dst5"

# 7. blob get writes only verified bytes.
expect_fail "blob get of a corrupt blob" "digest mismatch" "$EC" blob get "oci:$WORK/corrupt@$big" -o "$WORK/blob.out"
[ -e "$WORK/blob.out" ] && fail "no output file for a corrupt blob" || pass "no output file for a corrupt blob"

finish
