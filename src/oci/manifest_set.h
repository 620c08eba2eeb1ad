// ManifestSet: the manifests a local target knows, parsed, so that it can answer referrer
// queries and tell which pushed manifests are roots (referenced by no other manifest).
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "oci/descriptor.h"
#include "oci/manifest.h"

namespace ec::oci {

class ManifestSet {
 public:
  // Records a manifest; recording one twice is harmless.
  void Add(const Descriptor& desc, const Manifest& manifest);
  void Clear();
  // Manifests whose subject is `subject` (filtered by artifact type when not empty), sorted
  // by digest. Each descriptor carries the referrer's artifactType and annotations, as the
  // referrers API returns them.
  std::vector<Descriptor> Referrers(const Digest& subject, std::string_view artifact_type) const;
  // Recorded manifests that no recorded manifest lists as a successor, sorted by digest, as
  // plain descriptors (media type, digest, size, artifactType).
  std::vector<Descriptor> Roots() const;

 private:
  struct Entry {
    Descriptor desc;              // as an index entry lists it: no annotations
    std::string effective_type;   // artifactType, else the config's media type
    Annotations annotations;
    std::optional<Digest> subject;
    std::vector<Digest> successors;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> by_digest_;  // guarded by mu_
};

class Target;
// Adds every manifest reachable from `roots` (fetched from `target`, verified) to `set`.
Status AddReachableManifests(Target& target, const std::vector<Descriptor>& roots,
                             ManifestSet* set);

}  // namespace ec::oci
