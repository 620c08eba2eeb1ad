// Named limits on every read that buffers untrusted bytes in memory. Blobs are never
// buffered: they stream through VerifyingReader.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ec::oci {

// Manifests and indexes (distribution's own limit).
inline constexpr std::size_t kMaxManifestBytes = 4u << 20;
// index.json of an image layout, and oci-layout.
inline constexpr std::size_t kMaxLayoutIndexBytes = 16u << 20;
inline constexpr std::size_t kMaxLayoutMarkerBytes = 4u << 10;
// Entries a tar archive may hold before we refuse to index it.
inline constexpr std::size_t kMaxArchiveEntries = 1u << 20;
// Depth of index → index → manifest nesting CopyGraph follows.
inline constexpr int kMaxGraphDepth = 16;
// Buffer for streaming copies.
inline constexpr std::size_t kCopyBufferBytes = 1u << 20;

}  // namespace ec::oci
