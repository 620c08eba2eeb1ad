// The mirror spec: what a mirror bundle (or an online sync) carries. YAML or JSON:
//
//   apiVersion: export-center/v1
//   kind: MirrorSpec
//   metadata: {name: prod}
//   repositories:
//     - source: registry.example/team/app      # a registry repository, no tag
//       target: team/app                        # name in the bundle/destination (default: the
//                                               # source's repository path)
//       tags: ["1.0", latest]                   # any of tags / tagRegex / semver / digests;
//       tagRegex: "^v1\\.[0-9]+$"               # a tag is taken when any of them selects it
//       semver: ">=1.2.0 <2.0.0"                # (see semver.h)
//       digests: ["sha256:…"]
//       platforms: [linux/amd64, linux/arm64]   # default: every platform of an index
//       referrers: true                         # default true: signatures, SBOMs, attestations
//       cosignTags: true                        # default true: sha256-<hex>.sig/.att/.sbom
//   exports:
//     - ref: store:evidence/demo:latest         # our own exports, by reference
//       target: exports/demo
//
// Parsing is strict: unknown keys and bad values are errors naming their path
// ("repositories[1].semver: semver range …").
#pragma once

#include <string>
#include <vector>

#include "oci/platform.h"
#include "status.h"

namespace ec::mirror {

struct RepositorySelection {
  std::string source;  // "host[:port]/repo"
  std::string target;  // repository path at the destination
  std::vector<std::string> tags;
  std::string tag_regex;
  std::string semver;
  std::vector<std::string> digests;
  std::vector<oci::Platform> platforms;
  bool referrers = true;
  bool cosign_tags = true;
};

struct ExportSelection {
  std::string ref;     // any target reference export-center opens, with a tag or digest
  std::string target;  // repository path at the destination
};

// The tag or digest an export reference names, after the last '/' (so that host:port is not
// taken for a tag); an error when it names neither.
struct ExportReference {
  std::string reference;
  bool by_digest = false;
};
Result<ExportReference> SplitExportReference(const ExportSelection& e);

struct MirrorSpec {
  std::string name;
  std::vector<RepositorySelection> repositories;
  std::vector<ExportSelection> exports;
};

Result<MirrorSpec> ParseMirrorSpec(std::string_view bytes, std::string_view what);

// The tags of `available` that `selection` takes, sorted. Errors: a listed tag that is not
// available ("repositories[0]: tag \"1.9\" not found in registry.example/team/app").
Result<std::vector<std::string>> SelectTags(const RepositorySelection& selection,
                                            const std::vector<std::string>& available);

// True for cosign's companion tags ("sha256-<64 hex>.sig", ".att", ".sbom") and the referrers
// fallback tag ("sha256-<64 hex>"), which selections never take as images of their own.
bool IsSignatureTag(std::string_view tag);

}  // namespace ec::mirror
