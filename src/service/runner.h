// Runs one export run: the profile's export as a child process of the export-center binary
// (into the service's store, under <tenant>/exports/<profile>, tagged with the run id), then
// its distributions (registry push, OCI layout, or kept for download), each recorded so a run
// resumed after a crash never distributes twice. The same profile revision over the same
// inputs gives the same artifact digest on every attempt and every re-run: SOURCE_DATE_EPOCH
// is the profile revision's creation time.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "json/parse.h"
#include "service/profile.h"
#include "service/run_store.h"
#include "status.h"

namespace ec::service {

struct RunnerConfig {
  std::string exe;                       // the export-center binary
  std::filesystem::path store_dir;       // the OCI store serve serves
  std::filesystem::path evidence_dir;    // the evidence store json:* reads
  std::filesystem::path keys_dir;        // signing keys by name: <dir>/<name>.key
  std::filesystem::path work_dir;        // scratch per run (mirror bundles)
  std::vector<std::string> registry_flags;  // passed to every child (--plain-http, …)
};

// What the runner reports back while it works. `progress` returns false when the run must
// stop (a cancel, or a lost lease).
struct RunCallbacks {
  std::function<bool(std::string_view phase, std::int64_t done, std::int64_t total)> progress;
  std::function<void(std::string_view type, const json::Json& data)> event;
  std::function<Result<bool>(const std::string& target, const std::string& digest)> distributed;
  std::function<Status(const std::string& target, const std::string& digest)> record_distribution;
  // mirror:delta with a run id as its base: that run of the same tenant (GetRun).
  std::function<Result<Run>(const std::string& id)> find_run;
};

// The repository a tenant's profile exports into: "<tenant>/exports/<profile>".
std::string ExportRepository(std::string_view tenant, std::string_view profile);

struct RunOutcome {
  bool stopped = false;  // the callbacks said stop: nothing more was done
  json::Json result;     // artifact, files, bytes, distributions, signed
};

// Errors name the step that failed and carry the child's last error line.
Result<RunOutcome> ExecuteRun(const RunnerConfig& config, const Run& run, const ExportProfile& profile,
                              std::int64_t source_date_epoch, const RunCallbacks& callbacks);

}  // namespace ec::service
