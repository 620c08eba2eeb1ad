// BucketTree: the logical content of a bbolt file, as nested buckets of byte-string keys.
// The normalisers fill it (platform → package → vulnerability ID → advisory JSON), and the
// bbolt writer lays it out on disk. std::map orders keys as bbolt does (bytewise, unsigned),
// so the file is a pure function of the tree.
#pragma once

#include <map>
#include <string>

namespace ec::trivy {

struct BucketTree {
  std::map<std::string, std::string> values;     // key → value bytes
  std::map<std::string, BucketTree> buckets;      // key → nested bucket

  // The nested bucket `name`, created when missing.
  BucketTree& Bucket(const std::string& name) { return buckets[name]; }
  bool empty() const { return values.empty() && buckets.empty(); }
};

}  // namespace ec::trivy
