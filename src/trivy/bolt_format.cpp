#include "trivy/bolt_format.h"

#include <cstring>

namespace ec::trivy::bolt {
namespace {

// Native-endian stores, as bbolt's struct casts do.
template <typename T>
void Store(std::span<char> out, std::size_t offset, T value) {
  std::memcpy(out.data() + offset, &value, sizeof(T));
}

void StoreBytes(std::span<char> out, std::size_t offset, std::string_view bytes) {
  if (!bytes.empty()) std::memcpy(out.data() + offset, bytes.data(), bytes.size());
}

void StorePageHeader(std::span<char> out, std::uint64_t id, std::uint16_t flags,
                     std::size_t count, std::uint32_t overflow) {
  Store<std::uint64_t>(out, 0, id);
  Store<std::uint16_t>(out, 8, flags);
  Store<std::uint16_t>(out, 10, static_cast<std::uint16_t>(count));
  Store<std::uint32_t>(out, 12, overflow);
}

std::uint32_t Overflow(std::span<char> out, std::uint32_t page_size) {
  return static_cast<std::uint32_t>(out.size() / page_size - 1);
}

// Leaf elements and data after a page header at `base`: element i at base + 16 + 16*i,
// data packed in element order right after the element array; pos is relative to the
// element's own address.
void StoreLeafNode(std::span<const LeafEntry> entries, std::span<char> out, std::size_t base) {
  std::size_t data = base + kPageHeaderSize + kElementSize * entries.size();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const LeafEntry& e = entries[i];
    std::size_t elem = base + kPageHeaderSize + kElementSize * i;
    Store<std::uint32_t>(out, elem, e.flags);
    Store<std::uint32_t>(out, elem + 4, static_cast<std::uint32_t>(data - elem));
    Store<std::uint32_t>(out, elem + 8, static_cast<std::uint32_t>(e.key.size()));
    Store<std::uint32_t>(out, elem + 12, static_cast<std::uint32_t>(e.value.size()));
    StoreBytes(out, data, e.key);
    StoreBytes(out, data + e.key.size(), e.value);
    data += e.key.size() + e.value.size();
  }
}

}  // namespace

std::uint64_t Fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

void EncodeMetaPage(const Meta& meta, std::uint64_t id, std::span<char> out) {
  StorePageHeader(out, id, kMetaPageFlag, 0, 0);
  std::size_t m = kMetaOffset;
  Store<std::uint32_t>(out, m + 0, kMagic);
  Store<std::uint32_t>(out, m + 4, kVersion);
  Store<std::uint32_t>(out, m + 8, meta.page_size);
  Store<std::uint32_t>(out, m + 12, meta.flags);
  Store<std::uint64_t>(out, m + 16, meta.root);
  Store<std::uint64_t>(out, m + 24, meta.sequence);
  Store<std::uint64_t>(out, m + 32, meta.freelist);
  Store<std::uint64_t>(out, m + 40, meta.pgid);
  Store<std::uint64_t>(out, m + 48, meta.txid);
  std::uint64_t checksum = Fnv1a64(std::string_view(out.data() + m, kMetaChecksummedSize));
  Store<std::uint64_t>(out, m + kMetaChecksummedSize, checksum);
}

void EncodeEmptyFreelistPage(std::uint64_t id, std::span<char> out) {
  StorePageHeader(out, id, kFreelistPageFlag, 0, 0);
}

void EncodeLeafPage(std::span<const LeafEntry> entries, std::uint64_t id, std::uint32_t page_size,
                    std::span<char> out) {
  StorePageHeader(out, id, kLeafPageFlag, entries.size(), Overflow(out, page_size));
  StoreLeafNode(entries, out, 0);
}

void EncodeBranchPage(std::span<const BranchEntry> entries, std::uint64_t id,
                      std::uint32_t page_size, std::span<char> out) {
  StorePageHeader(out, id, kBranchPageFlag, entries.size(), Overflow(out, page_size));
  std::size_t data = kPageHeaderSize + kElementSize * entries.size();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const BranchEntry& e = entries[i];
    std::size_t elem = kPageHeaderSize + kElementSize * i;
    Store<std::uint32_t>(out, elem, static_cast<std::uint32_t>(data - elem));
    Store<std::uint32_t>(out, elem + 4, static_cast<std::uint32_t>(e.key.size()));
    Store<std::uint64_t>(out, elem + 8, e.pgid);
    StoreBytes(out, data, e.key);
    data += e.key.size();
  }
}

std::string EncodeInlineBucket(std::span<const LeafEntry> entries) {
  std::size_t size = kBucketHeaderSize + kPageHeaderSize;
  for (const LeafEntry& e : entries) size += LeafEntrySize(e);
  std::string value(size, '\0');
  std::span<char> out(value.data(), value.size());
  // Bucket header {root 0, sequence 0} stays zero; the fake page header has id 0.
  StorePageHeader(out.subspan(kBucketHeaderSize), 0, kLeafPageFlag, entries.size(), 0);
  StoreLeafNode(entries, out, kBucketHeaderSize);
  return value;
}

std::string EncodeBucketHeader(std::uint64_t root) {
  std::string value(kBucketHeaderSize, '\0');
  Store<std::uint64_t>(std::span<char>(value.data(), value.size()), 0, root);
  return value;
}

}  // namespace ec::trivy::bolt
