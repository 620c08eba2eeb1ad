#include "mirror/bundle_provenance.h"

#include <map>

#include "json/canonical.h"
#include "oci/digest.h"
#include "sign/dsse.h"
#include "sign/statement.h"

namespace ec::mirror {
namespace {

using json::Json;
// Subject name → sha256 hex; std::map keeps the statement's subjects sorted and unique.
using Subjects = std::map<std::string, std::string>;

// Not a repository path: those never hold a space.
constexpr std::string_view kBaseDependencyName = "base mirror.json";

Result<std::string> Sha256Hex(std::string_view digest, std::string_view what) {
  auto parsed = oci::Digest::Parse(digest);
  if (!parsed.ok()) return parsed.status().WithPrefix(what);
  if (parsed->algorithm() != oci::DigestAlgorithm::kSha256) {
    return InvalidArgument(StrCat(what, ": got ", parsed->algorithm_name(),
                                  ", want sha256 (in-toto digests here are sha256)"));
  }
  return parsed->hex();
}

Status AddRoot(Subjects& roots, std::string name, std::string_view digest) {
  EC_ASSIGN_OR_RETURN(std::string hex,
                      Sha256Hex(digest, StrCat(kBundleManifestName, " root \"", name, "\"")));
  roots.emplace(std::move(name), std::move(hex));
  return OkStatus();
}

// Every root mirror.json lists, by subject name. Names cannot collide: tags and digests are
// unique within a repository, and ':' and '@' never occur in a repository path.
Result<Subjects> BundleRoots(const BundleManifest& manifest) {
  Subjects roots;
  for (const auto& [path, repo] : manifest.repositories) {
    for (const auto& [tag, digest] : repo.tags) {
      EC_RETURN_IF_ERROR(AddRoot(roots, StrCat(path, ":", tag), digest));
    }
    for (const std::string& digest : repo.digests) {
      EC_RETURN_IF_ERROR(AddRoot(roots, StrCat(path, "@", digest), digest));
    }
  }
  return roots;
}

// Registry sources are "host[:port]/repo", without a scheme; oci:// makes them URIs. Export
// references already start with their transport.
std::string SourceUri(const std::string& source) {
  for (std::string_view transport : {"docker://", "oci:", "oci-archive:", "store:"}) {
    if (source.starts_with(transport)) return source;
  }
  return StrCat("oci://", source);
}

Json ExternalParameters(const BundleProvenanceInputs& in) {
  Json repositories = Json::object();
  for (const auto& [path, repo] : in.manifest.repositories) {
    repositories[path] = {{"source", repo.source}};
  }
  Json params = {{"spec", {{"name", in.spec_name}, {"digest", in.spec_digest}}},
                 {"kind", in.manifest.delta() ? "delta" : "full"},
                 {"repositories", std::move(repositories)}};
  if (in.manifest.base) {
    params["base"] = {{"manifestDigest", in.manifest.base->manifest_digest},
                      {"name", in.manifest.base->name}};
  }
  return params;
}

// Where each repository came from (no digest: the roots are the subjects), and a delta's base.
Result<std::vector<sign::ResourceDescriptor>> Dependencies(const BundleManifest& manifest) {
  std::vector<sign::ResourceDescriptor> deps;
  for (const auto& [path, repo] : manifest.repositories) {
    if (!repo.source.empty()) deps.push_back({SourceUri(repo.source), path, ""});
  }
  if (manifest.base) {
    EC_ASSIGN_OR_RETURN(std::string hex,
                        Sha256Hex(manifest.base->manifest_digest, "base manifest digest"));
    deps.push_back({"", std::string(kBaseDependencyName), std::move(hex)});
  }
  return deps;
}

Result<sign::Provenance> BuildProvenance(const BundleProvenanceInputs& in) {
  EC_ASSIGN_OR_RETURN(Subjects subjects, BundleRoots(in.manifest));
  // Refused here rather than by every verifier later.
  if (subjects.size() >= sign::kMaxSubjects) {
    return InvalidArgument(StrCat(kBundleManifestName, ": got ", subjects.size(),
                                  " roots, want at most ", sign::kMaxSubjects - 1,
                                  " (verifiers read at most ", sign::kMaxSubjects, " subjects)"));
  }
  subjects[std::string(kBundleManifestName)] = oci::Digest::OfBytes(in.manifest_bytes).hex();
  EC_RETURN_IF_ERROR(Sha256Hex(in.spec_digest, "spec digest"));

  sign::Provenance p;
  for (const auto& [name, hex] : subjects) p.subjects.push_back({name, hex});
  p.build_type = std::string(kBundleBuildType);
  p.builder_id = std::string(kBundleBuilderId);
  p.external_parameters = ExternalParameters(in);
  EC_ASSIGN_OR_RETURN(p.resolved_dependencies, Dependencies(in.manifest));
  p.started_on = in.started_on;
  p.finished_on = in.finished_on;
  if (!in.version.empty()) p.builder_version = {{"export-center", in.version}};
  return p;
}

Result<std::string> MakeEnvelope(const BundleProvenanceInputs& in, const sign::PrivateKey& key) {
  EC_ASSIGN_OR_RETURN(sign::Provenance provenance, BuildProvenance(in));
  EC_ASSIGN_OR_RETURN(std::string payload, sign::ProvenancePayload(provenance));
  EC_ASSIGN_OR_RETURN(sign::Envelope envelope,
                      sign::SignEnvelope(sign::kInTotoPayloadType, std::move(payload), key));
  std::string bytes = json::Canonical(sign::EnvelopeToJson(envelope));
  // Never write what VerifyBundleProvenance would refuse.
  if (bytes.size() > kMaxBundleProvenanceBytes) {
    return InvalidArgument(
        StrCat("got ", bytes.size(), " bytes, want at most ", kMaxBundleProvenanceBytes));
  }
  return bytes;
}

std::string JoinQuoted(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += StrCat(out.empty() ? "" : ", ", "\"", item, "\"");
  return out;
}

// The hints of the keys that verify. With one key, sign's own message (which says whether the
// envelope names another key); with several, one line over all of them.
Result<std::vector<std::string>> VerifySignatures(const sign::Envelope& envelope,
                                                  const std::vector<sign::PublicKey>& keys) {
  if (keys.empty()) return FailedPrecondition("no public keys to verify with");
  std::vector<std::string> verified;
  Status last;
  for (const sign::PublicKey& key : keys) {
    last = sign::VerifyEnvelope(envelope, key);
    if (last.ok()) verified.push_back(key.Hint());
  }
  if (!verified.empty()) return verified;
  if (keys.size() == 1) return last;
  std::vector<std::string> hints, keyids;
  for (const sign::PublicKey& key : keys) hints.push_back(key.Hint());
  for (const sign::Envelope::Signature& sig : envelope.signatures) keyids.push_back(sig.keyid);
  return DataLoss(StrCat("none of the envelope's ", envelope.signatures.size(),
                         " signature(s) verifies with any of the ", keys.size(), " keys ",
                         JoinQuoted(hints), "; its keyids are ", JoinQuoted(keyids)));
}

Status CheckField(std::string_view field, std::string_view got, std::string_view want) {
  if (got == want) return OkStatus();
  return InvalidArgument(StrCat(field, ": got \"", got, "\", want \"", want, "\""));
}

// predicate.buildDefinition.buildType, or "" when the predicate has none.
std::string BuildType(const Json& predicate) {
  if (!predicate.is_object()) return "";
  auto definition = predicate.find("buildDefinition");
  if (definition == predicate.end() || !definition->is_object()) return "";
  auto type = definition->find("buildType");
  if (type == definition->end() || !type->is_string()) return "";
  return type->get<std::string>();
}

// Only after the signature verified: the payload is then ours to read.
Result<sign::ParsedStatement> ReadStatement(const sign::Envelope& envelope) {
  EC_RETURN_IF_ERROR(CheckField("payloadType", envelope.payload_type, sign::kInTotoPayloadType));
  EC_ASSIGN_OR_RETURN(sign::ParsedStatement statement, sign::ParseStatement(envelope.payload));
  EC_RETURN_IF_ERROR(CheckField("_type", statement.type, sign::kInTotoStatementV1));
  EC_RETURN_IF_ERROR(CheckField("predicateType", statement.predicate_type, sign::kSlsaProvenanceV1));
  EC_RETURN_IF_ERROR(CheckField("predicate.buildDefinition.buildType",
                                BuildType(statement.predicate), kBundleBuildType));
  return statement;
}

// Named sha256 subjects. One name with two digests is ambiguous, so refused.
Result<Subjects> SubjectsByName(const sign::ParsedStatement& statement) {
  Subjects out;
  for (const sign::Subject& s : statement.subjects) {
    if (s.name.empty() || s.sha256_hex.empty()) continue;
    auto [it, inserted] = out.emplace(s.name, s.sha256_hex);
    if (!inserted && it->second != s.sha256_hex) {
      return DataLoss(StrCat("subject \"", s.name, "\" appears twice, with sha256 ", it->second,
                             " and ", s.sha256_hex));
    }
  }
  return out;
}

Status CheckSubject(const Subjects& subjects, const std::string& name, const std::string& hex) {
  auto it = subjects.find(name);
  if (it == subjects.end()) {
    return DataLoss(StrCat("subject \"", name, "\": got none, want sha256 ", hex));
  }
  if (it->second != hex) {
    return DataLoss(StrCat("subject \"", name, "\": got sha256 ", it->second, ", want ", hex));
  }
  return OkStatus();
}

Result<VerifiedBundleProvenance> Verify(std::string_view envelope_bytes,
                                        const std::vector<sign::PublicKey>& keys,
                                        std::string_view manifest_bytes,
                                        const BundleManifest& manifest) {
  if (envelope_bytes.size() > kMaxBundleProvenanceBytes) {
    return InvalidArgument(StrCat("got ", envelope_bytes.size(), " bytes, want at most ",
                                  kMaxBundleProvenanceBytes));
  }
  EC_ASSIGN_OR_RETURN(sign::Envelope envelope, sign::ParseEnvelope(envelope_bytes, "DSSE envelope"));
  VerifiedBundleProvenance out;
  EC_ASSIGN_OR_RETURN(out.key_ids, VerifySignatures(envelope, keys));
  EC_ASSIGN_OR_RETURN(sign::ParsedStatement statement, ReadStatement(envelope));
  EC_ASSIGN_OR_RETURN(Subjects subjects, SubjectsByName(statement));
  EC_ASSIGN_OR_RETURN(Subjects roots, BundleRoots(manifest));
  // Roots before mirror.json: naming the image that differs says more than mirror.json's digest.
  for (const auto& [name, hex] : roots) EC_RETURN_IF_ERROR(CheckSubject(subjects, name, hex));
  EC_RETURN_IF_ERROR(CheckSubject(subjects, std::string(kBundleManifestName),
                                  oci::Digest::OfBytes(manifest_bytes).hex()));
  out.subjects = roots.size() + 1;
  return out;
}

}  // namespace

Result<std::string> MakeBundleProvenance(const BundleProvenanceInputs& inputs,
                                         const sign::PrivateKey& key) {
  Result<std::string> bytes = MakeEnvelope(inputs, key);
  if (!bytes.ok()) return bytes.status().WithPrefix(kBundleProvenanceName);
  return bytes;
}

Result<VerifiedBundleProvenance> VerifyBundleProvenance(std::string_view envelope_bytes,
                                                        const std::vector<sign::PublicKey>& keys,
                                                        std::string_view manifest_bytes,
                                                        const BundleManifest& manifest) {
  Result<VerifiedBundleProvenance> verified = Verify(envelope_bytes, keys, manifest_bytes, manifest);
  if (!verified.ok()) return verified.status().WithPrefix(kBundleProvenanceName);
  return verified;
}

}  // namespace ec::mirror
