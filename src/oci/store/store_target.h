// StoreTarget: one repository of the local Store seen as a Target, so CopyGraph can move
// content into and out of the store without HTTP ("store:REPO[:TAG|@DIGEST]" in the CLI).
// Mounts between two repositories of the same store link the blob instead of copying it.
// Thread-safe (the Store is).
#pragma once

#include <memory>
#include <string>

#include "oci/store/store.h"
#include "oci/target.h"

namespace ec::oci::store {

class StoreTarget final : public Target {
 public:
  StoreTarget(std::shared_ptr<Store> store, std::string repository)
      : store_(std::move(store)), repository_(std::move(repository)) {}

  std::string Name() const override { return "store:" + repository_; }
  Result<std::unique_ptr<Reader>> Fetch(const Descriptor& desc) override;
  Result<bool> Exists(const Descriptor& desc) override;
  Result<Descriptor> Stat(const Digest& digest) override;
  Status Push(const Descriptor& expected, Reader& content) override;
  Result<Descriptor> Resolve(std::string_view reference) override;
  Status Tag(const Descriptor& desc, std::string_view tag) override;
  Result<std::vector<std::string>> ListTags() override;
  Result<std::vector<Descriptor>> Referrers(const Descriptor& subject,
                                            std::string_view artifact_type) override;
  Result<bool> Mount(const Descriptor& desc, Target& source) override;

  const std::shared_ptr<Store>& store() const { return store_; }
  const std::string& repository() const { return repository_; }

 private:
  std::shared_ptr<Store> store_;
  std::string repository_;
};

}  // namespace ec::oci::store
