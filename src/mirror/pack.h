// Bundle directories as single files for the trip across the gap: a deterministic tar (the
// project's tar writer: sorted names, mtime 0, uid/gid 0, fixed modes), zstd-compressed when
// the name ends in ".zst", optionally cut into numbered parts of at most N bytes
// (FILE.part0000, FILE.part0001, …) for media with a size limit. Unpacking takes the file or
// its first part, joins the parts, and writes nothing outside the destination: archive names
// are checked (no "..", absolute names or links) before anything is extracted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "oci/tar.h"
#include "status.h"

namespace ec::mirror {

// The tar entries of a bundle directory: every regular file by its relative name (links are
// refused: a bundle holds none).
Result<std::vector<oci::TarWriteEntry>> BundleTarEntries(const std::filesystem::path& dir);

Status PackBundle(const std::filesystem::path& dir, const std::filesystem::path& file);

// Cuts `file` into parts of at most `part_bytes` and removes it; returns the parts in order.
Result<std::vector<std::filesystem::path>> SplitIntoParts(const std::filesystem::path& file, std::int64_t part_bytes);

// `file` is an archive or the first of its parts; `scratch` holds a joined or decompressed
// copy while unpacking. `dir` must be empty or absent.
Status UnpackBundle(const std::filesystem::path& file, const std::filesystem::path& dir,
                    const std::filesystem::path& scratch);

}  // namespace ec::mirror
