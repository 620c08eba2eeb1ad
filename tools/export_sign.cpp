// Signing shared by every profile: provenance, the Sigstore bundle referrer and the cosign
// signature tag (profiles/signatures), with the facts each runner gathers.
#include <ctime>

#include "export_args.h"
#include "oci/io.h"
#include "oci/time_format.h"
#include "profiles/signatures.h"

namespace ec::cli {

std::string ProvenanceTime() {
  return oci::FormatRfc3339(SourceDateEpoch().value_or(static_cast<std::int64_t>(std::time(nullptr))));
}

std::string DestinationTag(const Opened& dst) {
  return dst.ref.kind == oci::TargetKind::kRegistry ? dst.ref.remote.tag : dst.ref.tag;
}

std::string DockerReference(const Opened& dst) {
  if (dst.ref.kind == oci::TargetKind::kRegistry) {
    return StrCat(dst.ref.remote.registry, "/", dst.ref.remote.repository);
  }
  // A local target's path says where this machine keeps it, not what it is: the directory or
  // file name alone keeps signatures identical wherever the export is written.
  return std::filesystem::path(dst.ref.path).filename().string();
}

Result<std::optional<sign::PrivateKey>> LoadSigningKey(const ExportArgs& args) {
  if (args.key_file.empty()) return std::optional<sign::PrivateKey>();
  EC_ASSIGN_OR_RETURN(std::string pem, oci::ReadSmallFile(args.key_file, 64 << 10));
  EC_ASSIGN_OR_RETURN(sign::PrivateKey key, sign::LoadPrivateKeyPem(pem, StrCat("--key ", args.key_file)));
  return std::optional<sign::PrivateKey>(std::move(key));
}

Result<json::Json> SignExport(const std::optional<sign::PrivateKey>& key, Opened& dst,
                              const oci::Descriptor& manifest, const ProvenanceFacts& facts) {
  if (!key) return json::Json();
  sign::Provenance p;
  const std::string reference = DockerReference(dst);
  p.subjects.push_back({reference, manifest.digest.hex()});
  for (const auto& [name, digest] : facts.files) {
    EC_ASSIGN_OR_RETURN(oci::Digest d, oci::Digest::Parse(digest));
    p.subjects.push_back({name, d.hex()});
  }
  std::string type = facts.profile;
  for (char& c : type) {
    if (c == ':') c = '-';
  }
  p.build_type = StrCat(profiles::kBuildTypePrefix, type, "/v1");
  p.builder_id = std::string(profiles::kBuilderId);
  p.external_parameters = facts.external_parameters;
  for (const auto& [uri, digest] : facts.inputs) {
    EC_ASSIGN_OR_RETURN(oci::Digest d, oci::Digest::Parse(digest));
    p.resolved_dependencies.push_back({uri, "", d.hex()});
  }
  p.started_on = facts.started_on;
  p.finished_on = facts.finished_on;
  p.builder_version = {{"export-center", kExportCenterVersion}};
  EC_ASSIGN_OR_RETURN(profiles::SignatureAttachments attached,
                      profiles::AttachSignatures(*dst.target, manifest, *key, p, reference, facts.finished_on));
  return json::Json{{"keyHint", attached.key_hint},
                    {"sigstoreBundle", attached.bundle_manifest.digest.str()},
                    {"cosignTag", attached.cosign_tag},
                    {"cosignSignature", attached.cosign_manifest.digest.str()}};
}

}  // namespace ec::cli
