#include "oci/open_target.h"

#include "oci/archive_target.h"
#include "oci/layout_target.h"
#include "oci/remote/registry_target.h"

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
    case TargetKind::kRegistry: {
      auto client = std::make_shared<remote::RegistryClient>(ref.remote.registry, options.registry);
      return std::unique_ptr<Target>(new remote::RegistryTarget(std::move(client), ref.remote.repository));
    }
  }
  return Internal("unknown target kind");
}

}  // namespace ec::oci
