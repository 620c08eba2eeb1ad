// mirror import and sync. Import applies a bundle directory (already verified against its
// TUF metadata by the caller) to a destination, repository by repository: every root is one
// CopyGraph (referrers included) that skips what the destination already holds, then its tag,
// so a killed import simply runs again. A delta is refused unless the destination holds its
// base. Sync does the same from live registries, without a bundle.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mirror/bundle_manifest.h"
#include "mirror/create.h"
#include "mirror/spec.h"
#include "oci/target.h"

namespace ec::mirror {

// Opens the destination repository for a bundle repository path ("team/app").
using DestinationOpener = std::function<Result<std::unique_ptr<oci::Target>>(const std::string& repository)>;

struct ApplyReport {
  int roots = 0;
  int tags = 0;
  int blobs_copied = 0;
  int blobs_skipped = 0;
  std::int64_t bytes_copied = 0;
  std::vector<std::string> removed_tags;  // "repo:tag" a delta says the base had (left in place)
};

Result<ApplyReport> ImportBundle(const std::filesystem::path& bundle_dir, const BundleManifest& manifest,
                                 const DestinationOpener& open_destination, int concurrency = 3);

Result<ApplyReport> SyncSpec(const MirrorSpec& spec, const SourceOpener& open_source,
                             const DestinationOpener& open_destination, int concurrency = 3);

}  // namespace ec::mirror
