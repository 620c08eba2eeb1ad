// A bundle's trip to and from a single file. Writing: the bundle's entries (its planned layout,
// whose blobs are read from their sources as they are written, and its metadata files, held
// in memory) become a deterministic tar (zstd when the name says .zst), encrypted to age
// recipients when any are given, then optionally cut into parts. The encrypted form is
// produced through a pipe: the tar writer feeds the age encryptor directly, so no plaintext
// byte of the bundle is ever written to disk. Strict: with recipients, only an encrypted file
// is written.
// Reading: an age file is decrypted with the given identities, parts are joined, the archive
// unpacked into a scratch directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "age/keys.h"
#include "oci/tar.h"
#include "status.h"

namespace ec::mirror {

struct BundleOutput {
  bool directory = true;
  bool encrypted = false;
  oci::TarCompression compression = oci::TarCompression::kNone;
  std::int64_t part_bytes = 0;  // 0: one file
  std::vector<std::string> recipients;
};

// Decides the output from its name and flags; refuses a plaintext destination when there are
// recipients ("… would be written in plaintext; name it FILE.tar.age or FILE.tar.zst.age").
Result<BundleOutput> PlanBundleOutput(const std::filesystem::path& to, std::int64_t part_bytes,
                                      std::vector<std::string> recipients);

// Writes the archive of `entries` to `to` as planned (atomically: nothing is left on failure);
// returns the files written (the parts, when split).
Result<std::vector<std::filesystem::path>> WriteBundleArchive(std::vector<oci::TarWriteEntry> entries,
                                                              const std::filesystem::path& to,
                                                              const BundleOutput& output);

// The bundle directory for `path` (a directory as is; a file unpacked under `scratch`).
Result<std::filesystem::path> OpenBundlePath(const std::filesystem::path& path,
                                             const std::vector<age::Identity>& identities,
                                             const std::filesystem::path& scratch);

}  // namespace ec::mirror
