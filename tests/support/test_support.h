// Shared test helpers: temporary directories, seeded random content, small images built in
// code, and REQUIRE_OK.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "oci/descriptor.h"
#include "oci/target.h"
#include "status.h"

#define REQUIRE_OK(expr)                                  \
  do {                                                    \
    ::ec::Status ec_s_ = ::ec::internal::AsStatus(expr);  \
    INFO(ec_s_.message());                                \
    REQUIRE(ec_s_.ok());                                  \
  } while (0)

namespace ec::testing {

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / std::string(name); }

 private:
  std::filesystem::path path_;
};

// Deterministic pseudo-random bytes.
std::string RandomBytes(std::uint64_t seed, std::size_t size);
void WriteFile(const std::filesystem::path& path, std::string_view bytes);
std::string ReadFile(const std::filesystem::path& path);

struct TestImage {
  oci::Descriptor manifest;
  oci::Descriptor config;
  std::vector<oci::Descriptor> layers;
  std::string manifest_bytes;
};

// Pushes a small image (config + `layers` random layers of `layer_size` bytes) into `target`.
TestImage PushRandomImage(oci::Target& target, std::uint64_t seed, int layers = 2,
                          std::size_t layer_size = 1000, std::string os = "linux",
                          std::string arch = "amd64");
// Pushes an index over `images` (with their platforms) and returns its descriptor.
oci::Descriptor PushIndex(oci::Target& target, const std::vector<TestImage>& images,
                          const std::vector<std::pair<std::string, std::string>>& platforms);
// Pushes an artifact whose subject is `subject` and returns its descriptor.
oci::Descriptor PushReferrer(oci::Target& target, const oci::Descriptor& subject,
                             std::string artifact_type, std::uint64_t seed);

// All bytes of a blob, fetched and verified.
std::string FetchAll(oci::Target& target, const oci::Descriptor& desc);

}  // namespace ec::testing
