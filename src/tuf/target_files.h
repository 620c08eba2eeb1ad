// Target files: path validation, hashing (sha256 / sha512) and their place in a repository
// with consistent snapshots ("targets/<dir>/<sha256 hex>.<name>").
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "status.h"
#include "tuf/metadata.h"

namespace ec::tuf {

// A TUF target path we are willing to write: valid UTF-8, '/'-separated, no leading '/', no
// empty, "." or ".." segment, no backslash or control character. These keep the path one
// file under targets/ on every OS and identical in every client's URL handling.
Status ValidateTargetPath(std::string_view path);

// Hashes of `bytes` for each algorithm named in `want` (keys only; values ignored).
// NotSupported for an algorithm other than sha256 and sha512.
Result<Hashes> HashBytes(std::string_view bytes, const Hashes& want);

struct FileDigest {
  std::int64_t length = 0;
  Hashes hashes;
};

// Streams the file once through every algorithm named in `want`.
Result<FileDigest> HashFile(const std::filesystem::path& path, const Hashes& want);

// "<dir>/<hash>.<base>" for target "<dir>/<base>" (just "<hash>.<base>" at the top level).
std::string ConsistentTargetPath(std::string_view target_path, std::string_view hash_hex);

// Puts `source` at `dest` as a hard link, or a copy where linking fails (another file system).
// The copy is checked against `digest` (sha256) so a file changing underneath is caught.
// An existing `dest` is kept: its name is content-addressed.
Status PlaceTargetFile(const std::filesystem::path& source, const std::filesystem::path& dest,
                       const FileDigest& digest);

}  // namespace ec::tuf
