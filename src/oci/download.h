// DownloadBlob: a blob written to a plain file (what `pull -o DIR` does), resumable across
// runs. Bytes land in a hidden partial file beside the destination (".NAME.partial"), which a
// broken transfer leaves behind; the next download of the same blob to the same place hashes
// what is there and asks the source only for the rest (FetchFrom: a Range request against a
// registry). The whole file is verified (size, then digest) before it is renamed into place,
// so the destination is either absent, the previous file, or the correct blob.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>

#include "oci/target.h"

namespace ec::oci {

std::filesystem::path PartialPathFor(const std::filesystem::path& dest);

// `on_bytes` (optional) is told of each chunk written, resumed bytes included once at start.
Status DownloadBlob(Target& src, const Descriptor& desc, const std::filesystem::path& dest,
                    const std::function<void(std::int64_t)>& on_bytes = {});

}  // namespace ec::oci
