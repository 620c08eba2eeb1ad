// Helpers for the trivy normaliser tests: where the shared real-world data lives, a
// temporary directory, and lookups into a BucketTree.
//
// The shared data directory is, in order: $EC_SHARED_DATA; the EC_SHARED_DATA_DIR
// compile definition (CMake can pass ${PROJECT_SOURCE_DIR}/../shared/data); otherwise
// <repo>/../shared/data found from this header's own path, or the first <ancestor>/shared/data
// above the working directory or the test binary.
#pragma once

#include <catch2/catch.hpp>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "status.h"
#include "trivy/advisory_loader.h"
#include "trivy/bucket_tree.h"

namespace ec::trivy::testing {

inline std::filesystem::path SharedDataDir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("EC_SHARED_DATA"); env != nullptr && *env != '\0') {
    return env;
  }
#ifdef EC_SHARED_DATA_DIR
  return EC_SHARED_DATA_DIR;
#else
  // <repo>/tests/trivy/trivy_test_support.h → <repo>/../shared/data, when __FILE__ is
  // absolute (CMake passes absolute source paths).
  fs::path here(__FILE__);
  if (here.is_absolute()) {
    fs::path candidate = here.parent_path().parent_path().parent_path() / ".." / "shared" / "data";
    if (fs::exists(candidate)) return candidate.lexically_normal();
  }
  // Otherwise look for <ancestor>/shared/data above the working directory and the test
  // binary (a build directory inside the repository finds <repo>/../shared/data).
  std::error_code ec;
  for (fs::path start : {fs::current_path(ec), fs::read_symlink("/proc/self/exe", ec).parent_path()}) {
    for (fs::path dir = start; !dir.empty(); dir = dir.parent_path()) {
      if (fs::exists(dir / "shared" / "data")) return dir / "shared" / "data";
      if (dir == dir.root_path()) break;
    }
  }
  return fs::path("..") / "shared" / "data";
#endif
}

// A path under the shared data directory; fails the test when it is missing.
inline std::filesystem::path Data(const std::string& relative) {
  std::filesystem::path path = SharedDataDir() / relative;
  INFO("shared data file " << path << " (set EC_SHARED_DATA to the shared/data directory)");
  REQUIRE(std::filesystem::exists(path));
  return path;
}

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            StrCat("ec-trivy-test-", ::getpid(), "-", counter++, "-", rd());
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

// The value at bucket path b1/b2/…/key, or nullopt.
inline std::optional<std::string> ValueAt(const BucketTree& tree,
                                          std::initializer_list<std::string> path) {
  const BucketTree* node = &tree;
  auto it = path.begin();
  for (std::size_t i = 0; i + 1 < path.size(); ++i, ++it) {
    auto child = node->buckets.find(*it);
    if (child == node->buckets.end()) return std::nullopt;
    node = &child->second;
  }
  auto value = node->values.find(*it);
  if (value == node->values.end()) return std::nullopt;
  return value->second;
}

// Number of values stored anywhere below `tree`.
inline std::size_t CountValues(const BucketTree& tree) {
  std::size_t n = tree.values.size();
  for (const auto& [name, child] : tree.buckets) n += CountValues(child);
  return n;
}

// Loads `sources` into a fresh tree, failing the test (with the message) if the load fails.
inline BucketTree Load(const std::vector<std::filesystem::path>& sources, LoadReport* report = nullptr) {
  BucketTree db;
  auto r = LoadAdvisories(sources, db);
  INFO(r.status().message());
  REQUIRE(r.ok());
  if (report != nullptr) *report = *r;
  return db;
}

}  // namespace ec::trivy::testing
