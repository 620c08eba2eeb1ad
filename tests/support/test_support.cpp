#include "support/test_support.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>

#include "json/parse.h"
#include "oci/manifest.h"
#include "oci/media_types.h"

namespace ec::testing {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          StrCat("ec-test-", ::getpid(), "-", counter++, "-", rd());
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string RandomBytes(std::uint64_t seed, std::size_t size) {
  std::mt19937_64 rng(seed);
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>(rng() & 0xff);
  return out;
}

void WriteFile(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TestImage PushRandomImage(oci::Target& target, std::uint64_t seed, int layers,
                          std::size_t layer_size, std::string os, std::string arch) {
  TestImage img;
  for (int i = 0; i < layers; ++i) {
    std::string bytes = RandomBytes(seed * 1000 + static_cast<std::uint64_t>(i), layer_size);
    oci::Descriptor d = oci::DescriptorOf(oci::kOciLayerGzip, bytes);
    REQUIRE_OK(oci::PushBytes(target, d, bytes));
    img.layers.push_back(d);
  }
  json::Json config = {{"architecture", arch}, {"os", os},
                       {"rootfs", {{"type", "layers"}, {"diff_ids", json::Json::array()}}},
                       {"config", {{"Labels", {{"seed", std::to_string(seed)}}}}}};
  std::string config_bytes = config.dump();
  img.config = oci::DescriptorOf(oci::kOciConfig, config_bytes);
  REQUIRE_OK(oci::PushBytes(target, img.config, config_bytes));
  img.manifest_bytes = oci::BuildImageManifest(img.config, img.layers, "", {}, std::nullopt);
  img.manifest = oci::DescriptorOf(oci::kOciManifest, img.manifest_bytes);
  REQUIRE_OK(oci::PushBytes(target, img.manifest, img.manifest_bytes));
  return img;
}

oci::Descriptor PushIndex(oci::Target& target, const std::vector<TestImage>& images,
                          const std::vector<std::pair<std::string, std::string>>& platforms) {
  json::Json doc = {{"schemaVersion", 2}, {"mediaType", oci::kOciIndex},
                    {"manifests", json::Json::array()}};
  for (std::size_t i = 0; i < images.size(); ++i) {
    oci::Descriptor d = images[i].manifest;
    d.platform = oci::Platform{platforms[i].first, platforms[i].second, "", ""};
    doc["manifests"].push_back(d.ToJson());
  }
  std::string bytes = doc.dump();
  oci::Descriptor index = oci::DescriptorOf(oci::kOciIndex, bytes);
  REQUIRE_OK(oci::PushBytes(target, index, bytes));
  return index;
}

oci::Descriptor PushReferrer(oci::Target& target, const oci::Descriptor& subject,
                             std::string artifact_type, std::uint64_t seed) {
  std::string payload = RandomBytes(seed, 64);
  oci::Descriptor layer = oci::DescriptorOf("application/vnd.example.signature", payload);
  REQUIRE_OK(oci::PushBytes(target, layer, payload));
  oci::Descriptor empty = oci::EmptyDescriptor();
  REQUIRE_OK(oci::PushBytes(target, empty, oci::kEmptyJson));
  oci::Descriptor subj = subject;
  subj.annotations.clear();
  subj.platform.reset();
  std::string bytes = oci::BuildImageManifest(empty, {layer}, artifact_type,
                                              {{"seed", std::to_string(seed)}}, subj);
  oci::Descriptor m = oci::DescriptorOf(oci::kOciManifest, bytes);
  m.artifact_type = artifact_type;
  REQUIRE_OK(oci::PushBytes(target, m, bytes));
  return m;
}

std::string FetchAll(oci::Target& target, const oci::Descriptor& desc) {
  auto bytes = oci::FetchVerified(target, desc, std::size_t{1} << 30);
  INFO(bytes.status().message());
  REQUIRE(bytes.ok());
  return *bytes;
}

}  // namespace ec::testing
