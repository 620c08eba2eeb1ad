// WriteBoltFile: lays a BucketTree out as a bbolt database file that bbolt (and so Trivy)
// opens as is (format: trivy-db.md §3; recipe §3.9).
//
// The file is a pure function of the tree and the options: pages are allocated bottom-up in
// one depth-first pass (children before parents, keys in bytewise order), packed by a fixed
// rule, padded with zeros, and both metas carry fixed txids. Pages are streamed to disk as
// they are finished; besides the tree itself the writer holds one pending page per open
// bucket level and, per bucket, the (first key, page id) of each page it wrote.
//
// Layout: page 0 and 1 = metas, page 2 = an empty freelist, data pages from 3; the file is
// exactly high-water-mark × page size bytes. A bucket without sub-buckets whose leaf image
// is at most page_size / 4 bytes is stored inline in its parent, as bbolt does.
#pragma once

#include <cstdint>
#include <filesystem>

#include "status.h"
#include "trivy/bucket_tree.h"

namespace ec::trivy {

struct BoltWriteOptions {
  // A power of two in [1024, 65536]. bbolt uses the OS page size (4096 on x86-64 Linux);
  // readers take the page size from meta 0, so any valid value opens everywhere.
  std::uint32_t page_size = 4096;
  // The newest meta carries txid, the other txid − 1; each sits on page (its txid % 2), as
  // bbolt would have written it. txid 1 gives the metas of a freshly created bbolt file.
  // Must be ≥ 1.
  std::uint64_t txid = 1;
  // Pages are filled up to this share of page_size (10..100). 100 packs like `bbolt
  // compact`; bbolt's own writes split at 50.
  int fill_percent = 100;
  // fsync the file and its directory before and after the rename.
  bool durable = true;
};

// Writes `root` to `dest` through a temporary file renamed into place, so `dest` is either
// the old file or the complete new one. The top level may hold only buckets (root.values
// must be empty: bbolt and Trivy expect that). Fails with kInvalidArgument, writing
// nothing, on an empty key, a key over 32768 bytes, a value over 2^31 − 2 bytes, a name
// that is both a value and a bucket in one bucket, or bad options; kUnavailable on I/O
// errors.
Status WriteBoltFile(const BucketTree& root, const std::filesystem::path& dest,
                     const BoltWriteOptions& options = {});

}  // namespace ec::trivy
