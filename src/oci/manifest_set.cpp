#include "oci/manifest_set.h"

#include "oci/media_types.h"
#include "oci/target.h"

namespace ec::oci {

void ManifestSet::Add(const Descriptor& desc, const Manifest& manifest) {
  Entry e;
  e.desc.media_type = manifest.media_type;
  e.desc.digest = desc.digest;
  e.desc.size = desc.size;
  e.desc.artifact_type = manifest.artifact_type;
  e.annotations = manifest.annotations;
  e.effective_type = manifest.artifact_type;
  if (e.effective_type.empty() && manifest.config) {
    // The image-spec's rule: without artifactType, a manifest's type is its config's.
    e.effective_type = manifest.config->media_type;
  }
  if (manifest.subject) e.subject = manifest.subject->digest;
  for (const auto& s : manifest.Successors()) e.successors.push_back(s.digest);
  std::lock_guard lock(mu_);
  by_digest_.emplace(desc.digest.str(), std::move(e));
}

void ManifestSet::Clear() {
  std::lock_guard lock(mu_);
  by_digest_.clear();
}

std::vector<Descriptor> ManifestSet::Referrers(const Digest& subject,
                                               std::string_view artifact_type) const {
  std::lock_guard lock(mu_);
  std::vector<Descriptor> out;
  for (const auto& [digest, e] : by_digest_) {
    if (!e.subject || *e.subject != subject) continue;
    if (!artifact_type.empty() && e.effective_type != artifact_type) continue;
    Descriptor d = e.desc;
    d.artifact_type = e.effective_type;
    d.annotations = e.annotations;
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<Descriptor> ManifestSet::Roots() const {
  std::lock_guard lock(mu_);
  std::set<std::string> referenced;
  for (const auto& [digest, e] : by_digest_) {
    for (const auto& s : e.successors) referenced.insert(s.str());
  }
  std::vector<Descriptor> out;
  for (const auto& [digest, e] : by_digest_) {
    if (referenced.count(digest) == 0) out.push_back(e.desc);
  }
  return out;
}

Status AddReachableManifests(Target& target, const std::vector<Descriptor>& roots,
                             ManifestSet* set) {
  std::vector<Descriptor> pending = roots;
  std::set<std::string> seen;
  while (!pending.empty()) {
    Descriptor d = pending.back();
    pending.pop_back();
    if (!IsManifestType(d.media_type) || !seen.insert(d.digest.str()).second) continue;
    EC_ASSIGN_OR_RETURN(FetchedManifest fm, FetchManifest(target, d));
    set->Add(d, fm.manifest);
    for (const auto& s : fm.manifest.Successors()) pending.push_back(s);
  }
  return OkStatus();
}

}  // namespace ec::oci
