// ingest: reads advisories, VEX and SBOMs into the tenant's evidence store.
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "evidence/ingest.h"
#include "evidence/selectors.h"

namespace ec::cli {
namespace {

struct IngestArgs {
  std::vector<std::string> paths;
  std::string tenant = "default";
  Format format = Format::kText;
};

Result<evidence::IngestReport> RunIngest(const IngestArgs& args) {
  std::filesystem::path dir = GlobalEvidenceDir().empty() ? evidence::EvidenceStore::DefaultPath()
                                                          : std::filesystem::path(GlobalEvidenceDir());
  EC_RETURN_IF_ERROR(evidence::ValidateTenant(args.tenant));
  EC_ASSIGN_OR_RETURN(auto store, evidence::EvidenceStore::Open(dir));
  std::vector<std::filesystem::path> paths(args.paths.begin(), args.paths.end());
  return evidence::IngestPaths(*store, paths, {args.tenant, 0});
}

}  // namespace

void AddIngestCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ingest",
      "Read evidence into the evidence store, per tenant: advisories (OSV, CSAF), VEX (OpenVEX, "
      "CSAF VEX, CycloneDX VEX) and SBOMs (CycloneDX, SPDX 2 JSON). Directories are walked for "
      "*.json. Each document is kept byte-exact under its digest with its normalised records; "
      "a bad document is reported with its file and reason and the rest go in. Exit code 1 "
      "when any document was rejected");
  cmd->add_option("paths", args->paths, "files or directories")->required();
  cmd->add_option("--tenant", args->tenant, "tenant the evidence belongs to (default: default)");
  AddFormatOption(cmd, &args->format);
  cmd->callback([args, exit_code] {
    auto report = RunIngest(*args);
    if (!report.ok()) {
      *exit_code = Fail(report.status());
      return;
    }
    for (const std::string& r : report->rejections) std::cerr << "export-center: rejected " << r << "\n";
    if (args->format == Format::kJson) {
      PrintJson({{"tenant", args->tenant}, {"files", report->files}, {"added", report->added},
                 {"unchanged", report->unchanged}, {"rejected", report->rejected},
                 {"records", report->records}, {"bytes", report->bytes},
                 {"rejections", report->rejections}});
    } else {
      std::cout << "tenant " << args->tenant << ": " << report->files << " files, " << report->added
                << " added, " << report->unchanged << " unchanged, " << report->rejected << " rejected, "
                << report->records << " records\n";
    }
    if (report->rejected > 0) *exit_code = kExitFailure;
  });
}

}  // namespace ec::cli
