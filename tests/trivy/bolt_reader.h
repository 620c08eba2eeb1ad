// A tiny, strict bbolt reader for tests: parses a whole file image back into a BucketTree
// and checks every structural rule the writer promises (trivy-db.md §3), written
// independently of src/trivy/bolt_format.*. Throws std::runtime_error naming the page and
// the rule on the first violation. Test code only: it holds the whole file in memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trivy/bucket_tree.h"

namespace ec::trivy::testing {

struct BoltMeta {
  std::uint32_t page_size = 0;
  std::uint64_t root = 0;
  std::uint64_t freelist = 0;
  std::uint64_t pgid = 0;
  std::uint64_t txid = 0;
  std::uint64_t checksum = 0;
};

struct ParsedBolt {
  BucketTree tree;
  BoltMeta meta[2];
  std::uint64_t pages = 0;             // high-water mark
  std::size_t leaf_pages = 0;          // page nodes (not counting overflow pages)
  std::size_t branch_pages = 0;
  std::size_t overflow_pages = 0;      // pages after a node's first page
  std::size_t inline_buckets = 0;
  std::size_t page_buckets = 0;        // buckets with their own pages, root bucket included
  int max_depth = 0;                   // levels of the deepest bucket (1 = a single leaf)
  std::vector<std::string> root_order; // top-level keys in file order
};

// Parses `file` and checks: both metas (magic, version, FNV-1a checksum; identical but for
// txid), file size = pgid × page size, an empty freelist, every page below pgid reached
// exactly once, page headers (id, one type flag), element bounds, keys non-empty and
// strictly increasing (unsigned bytewise) within each node and across the bucket, each
// branch key equal to its child's first key, bucket headers (sequence 0, inline page
// headers).
ParsedBolt ParseBolt(std::string_view file);

// The first difference between two trees ("" when equal), for REQUIRE messages.
std::string TreeDiff(const BucketTree& want, const BucketTree& got, const std::string& path = "");

// FNV-1a 64, written again here so the test does not trust the writer's copy.
std::uint64_t TestFnv1a64(std::string_view bytes);

}  // namespace ec::trivy::testing
