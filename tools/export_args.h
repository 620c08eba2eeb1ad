// The flags of `export-center export` and the per-profile runners behind it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "json/parse.h"
#include "oci/descriptor.h"
#include "sign/keys.h"

namespace ec::cli {

struct ExportArgs {
  std::string profile;
  std::vector<std::string> sources;
  std::string to;
  Format format = Format::kText;
  // trivy:*
  std::string updated_at;
  std::string next_update;
  // json:*
  std::string tenant = "default";
  std::vector<std::string> kinds;
  std::vector<std::string> ecosystems;
  std::vector<std::string> purls;
  std::vector<std::string> vulnerabilities;
  std::string modified_since;
  std::string modified_until;
  std::string severity;
  std::string name = "default";
  std::string revision = "r1";
  std::string export_id;
  std::int64_t shard_mib = 32;
  int zstd_level = 3;
  std::string policy_repo;
  std::string policy_ref = "HEAD";
  std::string policy_file;
  // devportal:offline
  std::string bundle_file;
  std::string release_version;
  // every profile
  std::string key_file;
  bool image_compatible = false;
};

Result<json::Json> RunTrivyExport(const ExportArgs& args);
Result<json::Json> RunJsonExport(const ExportArgs& args);
Result<json::Json> RunDevportalExport(const ExportArgs& args);

// What provenance says about one export.
struct ProvenanceFacts {
  std::string profile;              // "json:raw"
  json::Json external_parameters;   // the profile, selectors, flags
  std::vector<std::pair<std::string, std::string>> inputs;  // (uri or name, "sha256:<hex>")
  std::vector<std::pair<std::string, std::string>> files;   // (name, "sha256:<hex>") in the bundle
  std::string started_on;   // RFC 3339
  std::string finished_on;  // RFC 3339
};

// The signing key named by --key, loaded before any work so that a bad key fails fast;
// nullopt without --key.
Result<std::optional<sign::PrivateKey>> LoadSigningKey(const ExportArgs& args);

// The tag the destination names (registry references default to latest), or "".
std::string DestinationTag(const Opened& dst);
// The repository a signature names: "registry/repo", or the local target's name.
std::string DockerReference(const Opened& dst);

// With a key: signs the pushed bundle (an in-toto SLSA provenance statement in a DSSE
// envelope, attached as a Sigstore bundle referrer, and a cosign simple-signing signature
// under the sha256-<hex>.sig tag) and returns what was attached; without --key, null.
Result<json::Json> SignExport(const std::optional<sign::PrivateKey>& key, Opened& dst,
                              const oci::Descriptor& manifest, const ProvenanceFacts& facts);

// The time provenance records: SOURCE_DATE_EPOCH when set (reproducible), else now.
std::string ProvenanceTime();

}  // namespace ec::cli
