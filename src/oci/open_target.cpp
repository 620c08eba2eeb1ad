#include "oci/open_target.h"

#include <map>
#include <mutex>

#include "oci/archive_target.h"
#include "oci/layout_target.h"
#include "oci/remote/registry_target.h"
#include "oci/store/store_target.h"

namespace ec::oci {

Result<std::unique_ptr<Target>> OpenTarget(const TargetRef& ref, const OpenOptions& options) {
  switch (ref.kind) {
    case TargetKind::kLayout: {
      LayoutOptions lo;
      lo.create = options.create;
      EC_ASSIGN_OR_RETURN(auto t, LayoutTarget::Open(ref.path, lo));
      return std::unique_ptr<Target>(std::move(t));
    }
    case TargetKind::kArchive: {
      ArchiveOptions ao;
      ao.create = options.create;
      EC_ASSIGN_OR_RETURN(auto t, ArchiveTarget::Open(ref.path, ao));
      return std::unique_ptr<Target>(std::move(t));
    }
    case TargetKind::kStore: {
      // One Store object per directory in a process, so that a copy between two of its
      // repositories links blobs (StoreTarget::Mount) instead of copying them.
      static std::mutex mu;
      static std::map<std::string, std::weak_ptr<store::Store>> stores;
      std::string dir = options.store_dir.empty() ? store::Store::DefaultPath().string() : options.store_dir;
      std::lock_guard lock(mu);
      auto opened = stores[dir].lock();
      if (!opened) {
        store::StoreOptions so;
        so.create = options.create;
        EC_ASSIGN_OR_RETURN(opened, store::Store::Open(dir, so));
        stores[dir] = opened;
      }
      return std::unique_ptr<Target>(new store::StoreTarget(std::move(opened), ref.path));
    }
    case TargetKind::kRegistry: {
      // Targets of one registry share a client: one token cache, one connection limit, and
      // cross-repository mounts with a token that covers both repositories.
      static std::mutex mu;
      static std::map<std::string, std::weak_ptr<remote::RegistryClient>> clients;
      std::lock_guard lock(mu);
      auto client = clients[ref.remote.registry].lock();
      if (!client) {
        client = std::make_shared<remote::RegistryClient>(ref.remote.registry, options.registry);
        clients[ref.remote.registry] = client;
      }
      return std::unique_ptr<Target>(new remote::RegistryTarget(std::move(client), ref.remote.repository));
    }
  }
  return Internal("unknown target kind");
}

}  // namespace ec::oci
