// MemoryTarget: blobs, manifests and tags in maps. For unit tests, and as a scratch store.
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "oci/manifest_set.h"
#include "oci/target.h"

namespace ec::oci {

class MemoryTarget final : public Target {
 public:
  explicit MemoryTarget(std::string name = "memory") : name_(std::move(name)) {}

  std::string Name() const override { return name_; }
  Result<std::unique_ptr<Reader>> Fetch(const Descriptor& desc) override;
  Result<bool> Exists(const Descriptor& desc) override;
  Result<Descriptor> Stat(const Digest& digest) override;
  Status Push(const Descriptor& expected, Reader& content) override;
  Result<Descriptor> Resolve(std::string_view reference) override;
  Status Tag(const Descriptor& desc, std::string_view tag) override;
  Result<std::vector<std::string>> ListTags() override;
  Result<std::vector<Descriptor>> Referrers(const Descriptor& subject,
                                            std::string_view artifact_type) override;

  // Test hooks.
  std::size_t BlobCount() const;
  int push_count() const { return push_count_; }

 private:
  std::string name_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> blobs_;       // digest -> bytes
  std::map<std::string, Descriptor> manifests_;    // digest -> descriptor
  std::map<std::string, Descriptor> tags_;
  ManifestSet graph_;
  int push_count_ = 0;
};

}  // namespace ec::oci
