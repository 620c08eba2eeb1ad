// export: builds an export by profile and pushes it to a target. This file holds the verb
// and the trivy:db / trivy:java-db runner; export_json.cpp and export_devportal.cpp the
// others, export_sign.cpp the signing all of them share.
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "export_args.h"
#include "trivy/advisory_loader.h"
#include "trivy/bolt_writer.h"
#include "trivy/db_package.h"
#include "trivy/java_db.h"

namespace ec::cli {
namespace {

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


}  // namespace

Result<json::Json> RunTrivyExport(const ExportArgs& args) {
  const bool java = args.profile == "trivy:java-db";
  if (args.profile != "trivy:db" && !java) {
    return InvalidArgument(StrCat("unknown profile \"", args.profile, "\"; want trivy:db or trivy:java-db"));
  }
  if (args.to.empty()) return InvalidArgument(StrCat(args.profile, ": --to is required"));
  if (args.sources.empty()) return InvalidArgument(StrCat(args.profile, ": --source is required"));
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
  EC_ASSIGN_OR_RETURN(std::optional<sign::PrivateKey> key, LoadSigningKey(args));
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
  ProvenanceFacts facts;
  facts.profile = args.profile;
  facts.external_parameters = {{"sources", args.sources.size()}, {"updatedAt", trivy::FormatGoTime(publish.updated_at)}};
  facts.started_on = facts.finished_on = ProvenanceTime();
  EC_ASSIGN_OR_RETURN(json::Json signatures, SignExport(key, dst, manifest, facts));
  report["signatures"] = signatures;
  EC_RETURN_IF_ERROR(dst.target->Commit());
  report["timings"] = timings;
  report["profile"] = flavor.profile;
  report["reference"] = dst.ref.str();
  report["digest"] = manifest.digest.str();
  report["tags"] = flavor.tags;
  report["updatedAt"] = trivy::FormatGoTime(publish.updated_at);
  return report;
}


void AddExportCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Build an export by profile and push it to a target as an OCI artifact.\n"
      "  json:raw           the tenant's evidence in scope as canonical JSON (RFC 8785) in zstd\n"
      "                     JSONL shards, with a versioned manifest.json and rerunHash\n"
      "  json:policy        json:raw plus per-finding policy decisions from a policy pack in a git\n"
      "                     repository (--policy-repo, --policy-ref) and a policy snapshot\n"
      "  devportal:offline  a static developer portal (--source DIR with portal/, specs/, sdks/,\n"
      "                     changelog/) as devportal-offline-bundle.tgz with manifest.json,\n"
      "                     checksums.txt, verify-offline.sh and a DSSE-signed manifest\n"
      "  trivy:db           advisories (OSV JSON/YAML, GHSA, Alpine secdb, Debian tracker) into a\n"
      "                     Trivy DB that `trivy --db-repository` pulls\n"
      "  trivy:java-db      jars or a Maven repository into a Trivy Java DB\n"
      "With --key, the pushed artifact is signed: SLSA provenance in a DSSE envelope attached as\n"
      "a Sigstore bundle referrer, and a cosign signature under the sha256-<hex>.sig tag");
  cmd->add_option("profile", args->profile,
                  "json:raw | json:policy | devportal:offline | trivy:db | trivy:java-db")->required();
  cmd->add_option("--to", args->to,
                  "destination: registry/repo[:tag], oci:DIR[:tag], oci-archive:FILE[:tag] or "
                  "store:REPO[:tag] (trivy:db adds tags 2 and latest, trivy:java-db 1; other "
                  "profiles tag with the given tag, else the export id)");
  cmd->add_option("--source", args->sources, "trivy:*: input file or directory (repeatable); "
                  "devportal:offline: the portal directory");
  cmd->add_option("--key", args->key_file, "sign with this private key (PEM, PKCS#8; "
                  "`export-center key generate` makes one)");
  cmd->add_flag("--image-compatible", args->image_compatible,
                "json:*, devportal:offline: carry the files in tar layers under a real image "
                "config, so docker/podman pull + create + cp get them out");
  // json:*
  cmd->add_option("--tenant", args->tenant, "json:*: tenant whose evidence is exported (default: default)");
  cmd->add_option("--kind", args->kinds, "json:*: advisory | vex | sbom (repeatable)");
  cmd->add_option("--ecosystem", args->ecosystems, "json:*: purl type such as npm, pypi, golang (repeatable)");
  cmd->add_option("--purl", args->purls, "json:*: purl glob such as 'pkg:npm/lodash@*' (repeatable)");
  cmd->add_option("--vulnerability", args->vulnerabilities, "json:*: vulnerability id, aliases included (repeatable)");
  cmd->add_option("--modified-since", args->modified_since, "json:*: records modified at or after (RFC 3339 UTC)");
  cmd->add_option("--modified-until", args->modified_until, "json:*: records modified before (RFC 3339 UTC)");
  cmd->add_option("--severity", args->severity, "json:*: records at or above: critical|high|medium|low|none");
  cmd->add_option("--name", args->name, "json:*: the profile's name in manifest.json (default: default)");
  cmd->add_option("--revision", args->revision, "json:*: the profile's revision, r<N> (default: r1)");
  cmd->add_option("--export-id", args->export_id, "json:*: export id (default: <name>-<12 hex of rerunHash>)");
  cmd->add_option("--shard-mib", args->shard_mib, "json:*: uncompressed shard size bound in MiB (default: 32)");
  cmd->add_option("--zstd-level", args->zstd_level, "json:*: zstd level 1-19 (default: 3; 19 is smallest and slowest)");
  cmd->add_option("--policy-repo", args->policy_repo, "json:policy: git repository (path or file:// URL) holding the policy pack");
  cmd->add_option("--policy-ref", args->policy_ref, "json:policy: branch, tag or commit (default: HEAD)");
  cmd->add_option("--policy-file", args->policy_file, "json:policy: pack file in the repository (default: policy.yaml, else policy.json)");
  // devportal:offline
  cmd->add_option("--bundle", args->bundle_file, "devportal:offline: also write the .tgz here");
  cmd->add_option("--release-version", args->release_version, "devportal:offline: release version in manifest.json");
  // trivy:*
  cmd->add_option("--updated-at", args->updated_at,
                  "trivy:*: UpdatedAt in metadata.json and the manifest's created time (RFC 3339 or Unix "
                  "seconds; default SOURCE_DATE_EPOCH, else now)");
  cmd->add_option("--next-update", args->next_update,
                  "trivy:*: NextUpdate = UpdatedAt + this (default 24h; 72h for the Java DB)");
  AddFormatOption(cmd, &args->format);
  cmd->callback([args, exit_code] {
    Result<json::Json> report = Status(Code::kInternal, "unreached");
    if (args->profile == "trivy:db" || args->profile == "trivy:java-db") {
      report = RunTrivyExport(*args);
    } else if (args->profile == "json:raw" || args->profile == "json:policy") {
      report = RunJsonExport(*args);
    } else if (args->profile == "devportal:offline") {
      report = RunDevportalExport(*args);
    } else {
      report = InvalidArgument(StrCat("unknown profile \"", args->profile,
                                      "\"; want json:raw, json:policy, devportal:offline, trivy:db or trivy:java-db"));
    }
    if (!report.ok()) {
      *exit_code = Fail(report.status());
      return;
    }
    if (args->format == Format::kJson) {
      PrintJson(*report);
      return;
    }
    const json::Json& r = *report;
    std::cout << r["profile"].get<std::string>() << " → " << r.value("reference", std::string("-")) << "\n"
              << "digest: " << r.value("digest", std::string("-")) << "\n";
    if (r.contains("documents") && r.contains("records")) {
      std::cout << "documents: " << r["documents"] << ", records: " << r["records"] << "\n";
    } else if (r.contains("documents")) {
      std::cout << "documents: " << r["documents"] << ", skipped: " << r["skipped"] << "\n";
    } else if (r.contains("jars")) {
      std::cout << "jars: " << r["jars"] << ", skipped: " << r["skipped"] << "\n";
    }
    if (r.contains("entries")) std::cout << "entries: " << r["entries"] << "\n";
    if (r.contains("rerunHash")) std::cout << "rerunHash: " << r["rerunHash"].get<std::string>() << "\n";
    if (r.contains("bundle")) std::cout << "bundle: " << r["bundle"].get<std::string>() << "\n";
    if (r.contains("signatures") && !r["signatures"].is_null()) {
      std::cout << "signed: " << r["signatures"]["keyHint"].get<std::string>() << "\n";
    }
  });
}

}  // namespace ec::cli
