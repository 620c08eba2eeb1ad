// mirror.json: what a mirror bundle holds, the file TUF signs. Repositories map to their tags
// (cosign's sha256-<hex>.sig/.att/.sbom companions included) and digests; `contents` lists
// every blob and manifest a destination holds once the bundle (and, for a delta, its chain of
// bases) is applied, so that a later delta can leave them all out. A
// delta names its base by the digest of the base's mirror.json, carries the base's tags (to
// check that the destination holds the base before importing), and lists the tags the base
// had that this bundle no longer has.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "json/parse.h"
#include "status.h"

namespace ec::mirror {

inline constexpr std::string_view kBundleManifestName = "mirror.json";
inline constexpr std::string_view kBundleSchema = "https://export-center.dev/schemas/mirror-bundle/v1";
inline constexpr std::size_t kMaxBundleManifestBytes = 64u << 20;

struct BundleRepository {
  std::string source;                       // where it came from (registry/repo or an export ref)
  std::map<std::string, std::string> tags;  // tag → manifest digest
  std::set<std::string> digests;            // roots selected by digest (untagged)
};

struct BundleBase {
  std::string manifest_digest;  // sha256 of the base's mirror.json
  std::string name;
  std::map<std::string, std::map<std::string, std::string>> tags;  // repository → tag → digest
};

struct BundleManifest {
  std::string name;
  std::string generated_at;
  std::map<std::string, BundleRepository> repositories;  // by destination repository path
  std::set<std::string> contents;                        // cumulative: this bundle and its bases
  std::optional<BundleBase> base;                        // set for mirror:delta
  std::map<std::string, std::vector<std::string>> removed_tags;  // repository → tags

  bool delta() const { return base.has_value(); }
  // Canonical JSON (RFC 8785).
  std::string Serialize() const;
  static Result<BundleManifest> Parse(std::string_view bytes, std::string_view what);
};

}  // namespace ec::mirror
