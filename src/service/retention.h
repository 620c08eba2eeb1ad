// A profile's retention (spec.retention: {days: N} or {keep: N}) applied after each successful
// run of it: earlier succeeded runs past the newest `keep`, or finished more than `days` ago,
// expire. An expired run's tag (<tenant>/exports/<profile>:<run-id>) is deleted; its manifest,
// and the signatures attached to it, are deleted too unless a run still kept has the same
// digest (identical re-runs share one manifest), so `export-center gc` reclaims the bytes.
// The API answers an expired run's files and manifest with 410.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "oci/store/store.h"
#include "service/profile.h"
#include "service/run_store.h"

namespace ec::service {

struct RetentionReport {
  std::vector<std::string> expired;           // run ids whose tags were deleted now
  std::vector<std::string> manifests_deleted;  // digests no kept run shares
};

// `just_finished` is never expired. Runs expired earlier (their tag gone) are skipped.
Result<RetentionReport> ApplyRetention(RunStore& runs, oci::store::Store& store, const ExportProfile& profile,
                                       const std::string& tenant, const std::string& just_finished, std::int64_t now);

// Whether a succeeded run's export is still kept (its tag exists).
Result<bool> RunKept(oci::store::Store& store, const Run& run);

}  // namespace ec::service
