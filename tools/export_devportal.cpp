// devportal:offline: a portal directory → devportal-offline-bundle.tgz (written with --bundle)
// → an OCI artifact of that one file (pushed with --to), signed with --key.
#include "export_args.h"
#include "oci/artifact.h"
#include "oci/time_format.h"
#include "profiles/bundle_artifact.h"
#include "profiles/devportal_bundle.h"
#include "sign/dsse.h"

namespace ec::cli {

Result<json::Json> RunDevportalExport(const ExportArgs& args) {
  const std::string started = ProvenanceTime();
  if (args.sources.size() != 1) {
    return InvalidArgument(StrCat("devportal:offline: want one --source DIR, got ", args.sources.size()));
  }
  if (args.to.empty() && args.bundle_file.empty()) {
    return InvalidArgument("devportal:offline: give --to TARGET, --bundle FILE.tgz, or both");
  }
  EC_ASSIGN_OR_RETURN(std::optional<sign::PrivateKey> key, LoadSigningKey(args));
  std::optional<Opened> dst;
  if (!args.to.empty()) {
    EC_ASSIGN_OR_RETURN(Opened opened, Open(args.to, true));
    dst.emplace(std::move(opened));
  }
  EC_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create());

  profiles::DevportalOptions options;
  options.source = args.sources[0];
  options.release_version = args.release_version.empty() ? "unversioned" : args.release_version;
  options.bundle_id = StrCat(args.name == "default" ? "devportal" : args.name, "-", options.release_version);
  // Pinned: SOURCE_DATE_EPOCH, else the epoch, never the clock (the bundle is reproducible).
  options.generated_at = oci::FormatRfc3339(SourceDateEpoch().value_or(0));
  if (key) {
    const sign::PrivateKey* k = &*key;
    options.sign = [k](std::string_view type, std::string_view payload) -> Result<std::string> {
      EC_ASSIGN_OR_RETURN(sign::Envelope env, sign::SignEnvelope(type, std::string(payload), *k));
      return json::Compact(sign::EnvelopeToJson(env));
    };
    options.public_key_pem = key->public_key().ToPem();
  }
  const std::filesystem::path tgz = !args.bundle_file.empty() ? std::filesystem::path(args.bundle_file)
                                                              : scratch.path() / std::string(profiles::kDevportalBundleFile);
  EC_ASSIGN_OR_RETURN(profiles::DevportalResult built, profiles::WriteDevportalBundle(options, tgz));

  json::Json report = {{"profile", args.profile},
                       {"bundleId", options.bundle_id},
                       {"entries", built.entry_count},
                       {"totalBytes", built.total_bytes},
                       {"bundleDigest", built.bundle_digest.str()},
                       {"bundleBytes", built.bundle_bytes}};
  if (!args.bundle_file.empty()) report["bundle"] = args.bundle_file;
  if (!dst) return report;

  // The layer must be titled with the bundle's own name whatever --bundle called the file.
  std::filesystem::path layer_file = scratch.path() / "layer" / std::string(profiles::kDevportalBundleFile);
  std::error_code ec;
  std::filesystem::create_directories(layer_file.parent_path(), ec);
  // A link when the file system allows it: the bundle may be large.
  std::filesystem::create_hard_link(tgz, layer_file, ec);
  if (ec) {
    ec.clear();
    std::filesystem::copy_file(tgz, layer_file, std::filesystem::copy_options::overwrite_existing, ec);
  }
  if (ec) return Unavailable(StrCat("copy ", tgz.string(), " for the push: ", ec.message()));
  profiles::ExportFile file;
  file.path = std::string(profiles::kDevportalBundleFile);
  file.file = layer_file;
  file.digest = built.bundle_digest;
  file.bytes = built.bundle_bytes;
  file.content_type = std::string(profiles::kDevportalBundleMediaType);

  profiles::BundleArtifactOptions bundle;
  bundle.artifact_type = std::string(profiles::kDevportalArtifactType);
  bundle.created = options.generated_at;
  bundle.image_compatible = args.image_compatible;
  bundle.work_dir = scratch.path();
  bundle.annotations[std::string(profiles::kAnnotationProfile)] = args.profile;
  bundle.annotations[std::string(profiles::kAnnotationExportId)] = options.bundle_id;
  EC_ASSIGN_OR_RETURN(oci::Descriptor manifest, profiles::PushBundle(*dst->target, {file}, bundle));
  const std::string tag = DestinationTag(*dst).empty() ? options.bundle_id : DestinationTag(*dst);
  EC_RETURN_IF_ERROR(dst->target->Tag(manifest, tag));

  ProvenanceFacts facts;
  facts.profile = args.profile;
  facts.external_parameters = {{"bundleId", options.bundle_id}, {"releaseVersion", options.release_version},
                               {"imageCompatible", args.image_compatible}};
  facts.files.emplace_back(file.path, file.digest.str());
  facts.started_on = started;
  facts.finished_on = ProvenanceTime();
  EC_ASSIGN_OR_RETURN(json::Json signatures, SignExport(key, *dst, manifest, facts));
  EC_RETURN_IF_ERROR(dst->target->Commit());
  report["reference"] = StrCat(dst->ref.str(), DestinationTag(*dst).empty() ? StrCat(":", tag) : std::string());
  report["digest"] = manifest.digest.str();
  report["signatures"] = signatures;
  return report;
}

}  // namespace ec::cli
