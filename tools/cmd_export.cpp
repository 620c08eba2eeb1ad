// export: builds an export by profile and pushes it to a target. Profiles so far:
// trivy:db (advisories → trivy.db) and trivy:java-db (jars → trivy-java.db).
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "trivy/advisory_loader.h"
#include "trivy/bolt_writer.h"
#include "trivy/db_package.h"
#include "trivy/java_db.h"

namespace ec::cli {
namespace {

struct ExportArgs {
  std::string profile;
  std::vector<std::string> sources;
  std::string to;
  std::string updated_at;
  std::string next_update;
  Format format = Format::kText;
};

// A scratch directory removed on destruction.
class ScratchDir {
 public:
  static Result<ScratchDir> Create() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/export-center.XXXXXX");
    if (::mkdtemp(tmpl.data()) == nullptr) return Unavailable(StrCat("create a scratch directory in ", tmpl));
    return ScratchDir(tmpl);
  }
  ScratchDir(ScratchDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
};

// "2024-10-02T04:43:04Z", or Unix seconds.
Result<std::int64_t> ParseTime(const std::string& text, std::string_view flag) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end != nullptr && *end == '\0') return static_cast<std::int64_t>(timegm(&tm));
  char* stop = nullptr;
  long long secs = std::strtoll(text.c_str(), &stop, 10);
  if (!text.empty() && *stop == '\0' && secs >= 0) return static_cast<std::int64_t>(secs);
  return InvalidArgument(StrCat(flag, " ", text, ": want RFC 3339 UTC (2024-10-02T04:43:04Z) or Unix seconds"));
}


Result<json::Json> RunExport(const ExportArgs& args) {
  const bool java = args.profile == "trivy:java-db";
  if (args.profile != "trivy:db" && !java) {
    return InvalidArgument(StrCat("unknown profile \"", args.profile, "\"; want trivy:db or trivy:java-db"));
  }
  const trivy::DbFlavor& flavor = java ? trivy::JavaDb() : trivy::VulnerabilityDb();
  trivy::PublishOptions publish;
  if (!args.updated_at.empty()) {
    EC_ASSIGN_OR_RETURN(publish.updated_at, ParseTime(args.updated_at, "--updated-at"));
  } else if (const char* sde = std::getenv("SOURCE_DATE_EPOCH"); sde != nullptr && *sde != '\0') {
    EC_ASSIGN_OR_RETURN(publish.updated_at, ParseTime(sde, "SOURCE_DATE_EPOCH"));
  } else {
    publish.updated_at = static_cast<std::int64_t>(std::time(nullptr));
  }
  if (!args.next_update.empty()) {
    auto interval = ParseDuration(args.next_update);
    if (!interval.ok() || *interval <= 0) {
      return InvalidArgument(StrCat("--next-update ", args.next_update,
                                    ": want a positive duration like 24h, 90m or 3d"));
    }
    publish.next_update = publish.updated_at + *interval;
  }
  std::vector<std::filesystem::path> sources(args.sources.begin(), args.sources.end());
  // Open the destination first: a bad target fails before minutes of building.
  EC_ASSIGN_OR_RETURN(Opened dst, Open(args.to, true));
  EC_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create());
  const std::filesystem::path db_file = scratch.path() / flavor.db_file;

  json::Json report = json::Json::object();
  std::vector<std::string> problems;
  // Seconds spent per stage, in the JSON report: what the benchmark compares stage by stage.
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  json::Json timings = json::Json::object();
  Clock::time_point stage = Clock::now();
  if (java) {
    EC_ASSIGN_OR_RETURN(trivy::JavaDbReport built, trivy::BuildJavaDb(sources, db_file));
    timings["buildSeconds"] = seconds_since(stage);
    report["jars"] = built.jars;
    report["skipped"] = built.skipped;
    problems = built.problems;
  } else {
    trivy::BucketTree tree;
    EC_ASSIGN_OR_RETURN(trivy::LoadReport loaded, trivy::LoadAdvisories(sources, tree));
    timings["loadSeconds"] = seconds_since(stage);
    stage = Clock::now();
    report["documents"] = loaded.documents;
    report["skipped"] = loaded.skipped;
    problems = loaded.problems;
    EC_RETURN_IF_ERROR(trivy::WriteBoltFile(tree, db_file));
    timings["writeSeconds"] = seconds_since(stage);
  }
  stage = Clock::now();
  for (const std::string& p : problems) std::cerr << "export-center: skipped " << p << "\n";
  publish.work_dir = scratch.path() / "package";
  EC_ASSIGN_OR_RETURN(oci::Descriptor manifest, trivy::PublishDatabase(*dst.target, flavor, db_file, publish));
  timings["publishSeconds"] = seconds_since(stage);
  report["timings"] = timings;
  report["profile"] = flavor.profile;
  report["reference"] = dst.ref.str();
  report["digest"] = manifest.digest.str();
  report["tags"] = flavor.tags;
  report["updatedAt"] = trivy::FormatGoTime(publish.updated_at);
  return report;
}

}  // namespace

void AddExportCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Build an export by profile and push it to a target. trivy:db: advisories (OSV JSON/YAML, "
      "GHSA, Alpine secdb, Debian tracker) into a Trivy DB that `trivy --db-repository` pulls; "
      "trivy:java-db: jars or a Maven repository into a Trivy Java DB (`--java-db-repository`)");
  cmd->add_option("profile", args->profile, "trivy:db | trivy:java-db")->required();
  cmd->add_option("--source", args->sources, "input file or directory (repeatable)")->required();
  cmd->add_option("--to", args->to,
                  "destination: registry/repo, oci:DIR, oci-archive:FILE or store:REPO (tags "
                  "2 and latest for trivy:db, 1 for trivy:java-db are added)")->required();
  cmd->add_option("--updated-at", args->updated_at,
                  "UpdatedAt in metadata.json and the manifest's created time (RFC 3339 or Unix "
                  "seconds; default SOURCE_DATE_EPOCH, else now)");
  cmd->add_option("--next-update", args->next_update,
                  "NextUpdate = UpdatedAt + this (default 24h; 72h for the Java DB)");
  AddFormatOption(cmd, &args->format);
  cmd->callback([args, exit_code] {
    auto report = RunExport(*args);
    if (!report.ok()) {
      *exit_code = Fail(report.status());
      return;
    }
    if (args->format == Format::kJson) {
      PrintJson(*report);
    } else {
      std::cout << (*report)["profile"].get<std::string>() << " → " << (*report)["reference"].get<std::string>()
                << "\ndigest: " << (*report)["digest"].get<std::string>() << "\n";
      if (report->contains("documents")) {
        std::cout << "documents: " << (*report)["documents"] << ", skipped: " << (*report)["skipped"] << "\n";
      } else {
        std::cout << "jars: " << (*report)["jars"] << ", skipped: " << (*report)["skipped"] << "\n";
      }
    }
  });
}

}  // namespace ec::cli
