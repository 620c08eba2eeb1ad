// gc: removes blobs of the local store that no manifest references.
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "oci/store/store.h"

namespace ec::cli {
namespace {

struct GcArgs {
  std::string grace = "1h";
  bool dry_run = false;
  Format format = Format::kText;
};

}  // namespace

void AddGcCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<GcArgs>();
  CLI::App* cmd = app.add_subcommand(
      "gc", "Remove blobs of the local store that no manifest references (safe while serve runs)");
  cmd->add_option("--grace", args->grace,
                  "keep blobs uploaded or mounted more recently than this, so pushes in flight "
                  "can still reference them (default 1h; e.g. 0s, 15m, 2d)");
  cmd->add_flag("--dry-run", args->dry_run, "report what would be removed, remove nothing");
  AddFormatOption(cmd, &args->format);
  cmd->callback([args, exit_code] {
    auto run = [&]() -> Status {
      EC_ASSIGN_OR_RETURN(std::int64_t grace, ParseDuration(args->grace));
      std::string dir = GlobalStoreDir().empty() ? oci::store::Store::DefaultPath().string() : GlobalStoreDir();
      oci::store::StoreOptions so;
      so.create = false;
      EC_ASSIGN_OR_RETURN(auto store, oci::store::Store::Open(dir, so));
      oci::store::GcOptions options;
      options.grace_seconds = grace;
      options.dry_run = args->dry_run;
      EC_ASSIGN_OR_RETURN(oci::store::GcReport report, store->CollectGarbage(options));
      if (args->format == Format::kJson) {
        json::Json removed = json::Json::array();
        for (const auto& d : report.removed) removed.push_back(d.str());
        PrintJson({{"removed", removed}, {"bytesFreed", report.bytes_freed},
                   {"staleFilesRemoved", report.stale_files_removed}, {"dryRun", args->dry_run}});
      } else {
        for (const auto& d : report.removed) std::cout << (args->dry_run ? "would remove " : "removed ") << d.str() << "\n";
        std::cout << (args->dry_run ? "would free " : "freed ") << report.bytes_freed << " bytes in "
                  << report.removed.size() << " blobs; " << report.stale_files_removed
                  << " stale files\n";
      }
      return OkStatus();
    };
    Status s = run();
    if (!s.ok()) *exit_code = Fail(s);
  });
}
}  // namespace ec::cli
