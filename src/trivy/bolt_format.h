// The bbolt file format ("version 2", etcd-io/bbolt; trivy-db.md §3): constants and the
// encoders for meta, freelist, leaf and branch pages. Pure functions over byte buffers; the
// traversal that decides what goes on which page lives in bolt_writer.cpp.
//
// All integers are native-endian, as bbolt writes them (little-endian on amd64/arm64).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ec::trivy::bolt {

inline constexpr std::uint32_t kMagic = 0xED0CDAED;
inline constexpr std::uint32_t kVersion = 2;
inline constexpr std::uint64_t kPgidNoFreelist = 0xFFFFFFFFFFFFFFFFull;

inline constexpr std::uint16_t kBranchPageFlag = 0x01;
inline constexpr std::uint16_t kLeafPageFlag = 0x02;
inline constexpr std::uint16_t kMetaPageFlag = 0x04;
inline constexpr std::uint16_t kFreelistPageFlag = 0x10;
inline constexpr std::uint32_t kBucketLeafFlag = 0x01;  // leaf element holds a sub-bucket

inline constexpr std::size_t kPageHeaderSize = 16;     // id u64, flags u16, count u16, overflow u32
inline constexpr std::size_t kElementSize = 16;        // branch and leaf elements alike
inline constexpr std::size_t kBucketHeaderSize = 16;   // root u64, sequence u64
inline constexpr std::size_t kMetaOffset = kPageHeaderSize;
inline constexpr std::size_t kMetaChecksummedSize = 56;  // magic .. txid

inline constexpr std::size_t kMaxKeySize = 32768;
inline constexpr std::size_t kMaxValueSize = (std::size_t{1} << 31) - 2;
inline constexpr std::size_t kMaxElementsPerPage = 0xFFFE;  // bbolt panics at 0xFFFF

// Page ids the writer reserves: two metas, then the (empty) freelist.
inline constexpr std::uint64_t kMeta0Pgid = 0;
inline constexpr std::uint64_t kMeta1Pgid = 1;
inline constexpr std::uint64_t kFreelistPgid = 2;
inline constexpr std::uint64_t kFirstDataPgid = 3;

// The 64-byte meta struct at page offset 16 (its checksum is computed on encoding).
struct Meta {
  std::uint32_t page_size = 0;
  std::uint32_t flags = 0;
  std::uint64_t root = 0;       // root bucket: pgid of its root page
  std::uint64_t sequence = 0;   // root bucket: sequence
  std::uint64_t freelist = 0;
  std::uint64_t pgid = 0;       // high-water mark: first unallocated page id
  std::uint64_t txid = 0;
};

// FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
std::uint64_t Fnv1a64(std::string_view bytes);

// One key/value of a leaf node. `value` is a sub-bucket's value when flags has
// kBucketLeafFlag. The views must stay valid until the node is encoded.
struct LeafEntry {
  std::string_view key;
  std::string_view value;
  std::uint32_t flags = 0;
};

// One child of a branch node: the child's first key and page id.
struct BranchEntry {
  std::string_view key;
  std::uint64_t pgid = 0;
};

// Byte size of a node's image: header + elements + key/value data.
inline std::size_t LeafEntrySize(const LeafEntry& e) {
  return kElementSize + e.key.size() + e.value.size();
}
inline std::size_t BranchEntrySize(const BranchEntry& e) { return kElementSize + e.key.size(); }

// Pages a node of `node_size` bytes occupies (at least one).
inline std::uint64_t PagesFor(std::size_t node_size, std::uint32_t page_size) {
  return node_size == 0 ? 1 : (node_size + page_size - 1) / page_size;
}

// The encoders below write into `out`, which must be zero-filled and exactly as large as
// the page(s) the node occupies (for an inline bucket: exactly the fake page's size).
// REQUIRES: entries sorted, keys non-empty, sizes within the limits above.

// Meta page `id` (0 or 1) with its FNV-1a checksum; `out` is one page.
void EncodeMetaPage(const Meta& meta, std::uint64_t id, std::span<char> out);
// Freelist page `id` listing no free pages; `out` is one page.
void EncodeEmptyFreelistPage(std::uint64_t id, std::span<char> out);
// Leaf node: page header (id, leaf flag, count, overflow = pages − 1), elements, data.
void EncodeLeafPage(std::span<const LeafEntry> entries, std::uint64_t id, std::uint32_t page_size,
                    std::span<char> out);
// Branch node, laid out like a leaf with branch elements.
void EncodeBranchPage(std::span<const BranchEntry> entries, std::uint64_t id,
                      std::uint32_t page_size, std::span<char> out);
// An inline bucket value: bucket header {root 0, sequence 0} + fake leaf page (id 0,
// overflow 0). Returns the whole value.
std::string EncodeInlineBucket(std::span<const LeafEntry> entries);
// A non-inline bucket value: {root, sequence 0}.
std::string EncodeBucketHeader(std::uint64_t root);

}  // namespace ec::trivy::bolt
