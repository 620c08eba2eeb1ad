// json:raw and json:policy: evidence in scope → shards + manifest.json → an OCI artifact,
// tagged and (with --key) signed.
#include <chrono>

#include "export_args.h"
#include "evidence/evaluate.h"
#include "evidence/git_policy_source.h"
#include "evidence/policy.h"
#include "json/canonical.h"
#include "oci/time_format.h"
#include "profiles/bundle_artifact.h"
#include "profiles/json_export.h"

namespace ec::cli {
namespace {

Result<evidence::Selectors> SelectorsFrom(const ExportArgs& args) {
  evidence::Selectors s;
  s.tenant = args.tenant;
  s.kinds = args.kinds;
  s.ecosystems = args.ecosystems;
  s.purl_globs = args.purls;
  s.vulnerabilities = args.vulnerabilities;
  s.modified_since = args.modified_since;
  s.modified_until = args.modified_until;
  s.min_severity = args.severity;
  EC_RETURN_IF_ERROR(evidence::NormaliseSelectors(s));
  return s;
}

Status CheckSlug(std::string_view flag, const std::string& value, bool revision) {
  bool ok = !value.empty() && value.size() <= 64;
  for (char c : value) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-')) ok = false;
  }
  if (revision) ok = ok && value.size() >= 2 && value[0] == 'r' && value.find_first_not_of("0123456789", 1) == std::string::npos;
  if (!ok) {
    return InvalidArgument(StrCat(flag, " \"", value, "\": want ",
                                  revision ? "r<N> such as r1" : "1-64 characters of a-z, 0-9 and '-'"));
  }
  return OkStatus();
}

// Reads the policy pack from git once and returns the evaluator json:policy runs.
Result<profiles::PolicyEvaluator> PolicyFrom(const ExportArgs& args) {
  if (args.policy_repo.empty()) return InvalidArgument("json:policy: --policy-repo is required");
  Result<evidence::PolicySource> source = args.policy_file.empty()
      ? evidence::ReadPolicyFromGit(args.policy_repo, args.policy_ref)
      : evidence::ReadPolicyFromGit(args.policy_repo, args.policy_ref, args.policy_file);
  if (!source.ok()) return source.status();
  EC_ASSIGN_OR_RETURN(evidence::PolicyPack pack,
                      evidence::ParsePolicyPack(source->bytes, StrCat(source->path, " at ", source->commit)));
  auto shared = std::make_shared<std::pair<evidence::PolicySource, evidence::PolicyPack>>(*source, std::move(pack));
  return profiles::PolicyEvaluator(
      [shared](const std::vector<evidence::Record>& records, const std::string& inputs_hash)
          -> Result<profiles::PolicyOverlay> {
        profiles::PolicyOverlay overlay;
        for (const evidence::Decision& d : evidence::Evaluate(shared->second, evidence::BuildFindings(records))) {
          overlay.decision_lines.push_back(json::Canonical(evidence::DecisionToJson(d)));
        }
        evidence::PolicySnapshot snap;
        snap.policy_version = shared->first.commit;
        snap.policy_digest = evidence::PolicyDigest(shared->first.bytes);
        snap.inputs_hash = inputs_hash;
        overlay.snapshot = evidence::SnapshotToJson(snap);
        return overlay;
      });
}

}  // namespace

Result<json::Json> RunJsonExport(const ExportArgs& args) {
  const std::string started = ProvenanceTime();
  const bool policy = args.profile == "json:policy";
  if (args.to.empty()) return InvalidArgument(StrCat(args.profile, ": --to is required"));
  if (!args.sources.empty()) {
    return InvalidArgument(StrCat(args.profile, ": --source is not used; `export-center ingest` the evidence first"));
  }
  profiles::JsonExportOptions options;
  EC_ASSIGN_OR_RETURN(options.selectors, SelectorsFrom(args));
  EC_RETURN_IF_ERROR(CheckSlug("--name", args.name, false));
  EC_RETURN_IF_ERROR(CheckSlug("--revision", args.revision, true));
  if (!args.export_id.empty()) EC_RETURN_IF_ERROR(CheckSlug("--export-id", args.export_id, false));
  if (args.shard_mib < 1 || args.shard_mib > 1024) {
    return InvalidArgument(StrCat("--shard-mib ", args.shard_mib, ": want 1 to 1024"));
  }
  if (args.zstd_level < 1 || args.zstd_level > 19) {
    return InvalidArgument(StrCat("--zstd-level ", args.zstd_level, ": want 1 to 19"));
  }
  options.name = args.name;
  options.revision = args.revision;
  options.export_id = args.export_id;
  options.generated_at = SourceDateEpochRfc3339();
  options.shard_bytes = args.shard_mib << 20;
  options.zstd_level = args.zstd_level;
  if (policy) {
    EC_ASSIGN_OR_RETURN(options.policy, PolicyFrom(args));
  } else if (!args.policy_repo.empty()) {
    return InvalidArgument("json:raw: --policy-repo is for json:policy");
  }

  // Open the key, the destination and the store before the work: bad flags fail fast.
  EC_ASSIGN_OR_RETURN(std::optional<sign::PrivateKey> key, LoadSigningKey(args));
  EC_ASSIGN_OR_RETURN(Opened dst, Open(args.to, true));
  std::filesystem::path dir = GlobalEvidenceDir().empty() ? evidence::EvidenceStore::DefaultPath()
                                                          : std::filesystem::path(GlobalEvidenceDir());
  EC_ASSIGN_OR_RETURN(auto store, evidence::EvidenceStore::Open(dir));
  EC_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create());
  const auto t0 = std::chrono::steady_clock::now();
  EC_ASSIGN_OR_RETURN(profiles::JsonExport built, profiles::WriteJsonExport(*store, options, scratch.path()));
  const double build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  profiles::BundleArtifactOptions bundle;
  bundle.artifact_type = std::string(profiles::kEvidenceArtifactType);
  bundle.created = built.generated_at;
  bundle.image_compatible = args.image_compatible;
  bundle.work_dir = scratch.path();
  bundle.annotations[std::string(profiles::kAnnotationProfile)] = args.profile;
  bundle.annotations[std::string(profiles::kAnnotationTenant)] = options.selectors.tenant;
  bundle.annotations[std::string(profiles::kAnnotationExportId)] = built.export_id;
  bundle.annotations[std::string(profiles::kAnnotationRerunHash)] = built.rerun_hash;
  EC_ASSIGN_OR_RETURN(oci::Descriptor manifest, profiles::PushBundle(*dst.target, built.files, bundle));
  const std::string tag = DestinationTag(dst).empty() ? built.export_id : DestinationTag(dst);
  EC_RETURN_IF_ERROR(dst.target->Tag(manifest, tag));

  ProvenanceFacts facts;
  facts.profile = args.profile;
  facts.external_parameters = {{"profile", {{"kind", "json"}, {"variant", policy ? "policy" : "raw"},
                                            {"name", options.name}, {"revision", options.revision}}},
                               {"selectors", evidence::SelectorsToJson(options.selectors)},
                               {"imageCompatible", args.image_compatible}};
  if (policy) {
    facts.external_parameters["policy"] = {{"repository", args.policy_repo}, {"ref", args.policy_ref}};
  }
  for (const std::string& d : built.input_digests) facts.inputs.emplace_back("evidence:" + d, d);
  for (const profiles::ExportFile& f : built.files) facts.files.emplace_back(f.path, f.digest.str());
  facts.started_on = started;
  facts.finished_on = ProvenanceTime();
  EC_ASSIGN_OR_RETURN(json::Json signatures, SignExport(key, dst, manifest, facts));
  EC_RETURN_IF_ERROR(dst.target->Commit());

  json::Json report = {
      {"profile", args.profile},
      {"reference", StrCat(dst.ref.str(), DestinationTag(dst).empty() ? StrCat(":", tag) : std::string())},
      {"digest", manifest.digest.str()},
      {"exportId", built.export_id},
      {"tenant", options.selectors.tenant},
      {"generatedAt", built.generated_at},
      {"rerunHash", built.rerun_hash},
      {"inputsHash", built.inputs_hash},
      {"documents", built.documents},
      {"records", built.records},
      {"inputBytes", built.input_bytes},
      {"buildSeconds", build_seconds},
      {"signatures", signatures},
  };
  json::Json files = json::Json::array();
  for (const profiles::ExportFile& f : built.files) {
    files.push_back({{"path", f.path}, {"digest", f.digest.str()}, {"bytes", f.bytes}});
  }
  report["files"] = files;
  return report;
}

}  // namespace ec::cli
