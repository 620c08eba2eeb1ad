#include "oci/open_target.h"

#include "oci/archive_target.h"
#include "oci/layout_target.h"

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
    case TargetKind::kRegistry:
      break;
  }
  return NotSupported(StrCat("open ", ref.str(),
                             ": registry targets are not built into this version yet; use "
                             "oci:DIR or oci-archive:FILE"));
}

}  // namespace ec::oci
