#include "oci/memory_target.h"

#include "oci/limits.h"
#include "oci/media_types.h"
#include "oci/reference.h"

namespace ec::oci {

Result<std::unique_ptr<Reader>> MemoryTarget::Fetch(const Descriptor& desc) {
  std::lock_guard lock(mu_);
  auto it = blobs_.find(desc.digest.str());
  if (it == blobs_.end()) return NotFound(StrCat(name_, ": blob ", desc.digest.str(), " not found"));
  return std::unique_ptr<Reader>(new StringReader(it->second));
}

Result<bool> MemoryTarget::Exists(const Descriptor& desc) {
  std::lock_guard lock(mu_);
  return blobs_.count(desc.digest.str()) > 0;
}

Result<Descriptor> MemoryTarget::Stat(const Digest& digest) {
  std::lock_guard lock(mu_);
  auto it = blobs_.find(digest.str());
  if (it == blobs_.end()) return NotFound(StrCat(name_, ": blob ", digest.str(), " not found"));
  Descriptor d;
  d.media_type = std::string(kOctetStream);
  d.digest = digest;
  d.size = static_cast<std::int64_t>(it->second.size());
  return d;
}

Status MemoryTarget::Push(const Descriptor& expected, Reader& content) {
  EC_ASSIGN_OR_RETURN(bool exists, Exists(expected));
  if (exists) return OkStatus();
  std::string what = StrCat("push ", expected.digest.str(), " to ", name_);
  VerifyingReader verifying(content, expected, what);
  // A memory target holds what it is given; the cap only stops a runaway test.
  EC_ASSIGN_OR_RETURN(std::string bytes, ReadAll(verifying, std::size_t{1} << 31, what));
  EC_RETURN_IF_ERROR(verifying.Verify());
  if (IsManifestType(expected.media_type)) {
    EC_ASSIGN_OR_RETURN(Manifest m,
                        Manifest::Parse(bytes, expected.media_type, StrCat(what, ": manifest")));
    graph_.Add(expected, m);
  }
  std::lock_guard lock(mu_);
  if (IsManifestType(expected.media_type)) manifests_[expected.digest.str()] = expected;
  blobs_.emplace(expected.digest.str(), std::move(bytes));
  ++push_count_;
  return OkStatus();
}

Result<Descriptor> MemoryTarget::Resolve(std::string_view reference) {
  std::lock_guard lock(mu_);
  if (reference.find(':') != std::string_view::npos) {
    EC_ASSIGN_OR_RETURN(Digest digest, Digest::Parse(reference));
    auto it = manifests_.find(digest.str());
    if (it == manifests_.end()) return NotFound(StrCat(name_, ": manifest ", reference, " not found"));
    return it->second;
  }
  auto it = tags_.find(std::string(reference));
  if (it == tags_.end()) return NotFound(StrCat(name_, ": tag \"", reference, "\" not found"));
  return it->second;
}

Status MemoryTarget::Tag(const Descriptor& desc, std::string_view tag) {
  EC_RETURN_IF_ERROR(ValidateTag(tag));
  std::lock_guard lock(mu_);
  if (!blobs_.count(desc.digest.str())) {
    return FailedPrecondition(StrCat("tag ", desc.digest.str(), " as \"", tag, "\" in ", name_,
                                     ": the manifest is not there; push it first"));
  }
  tags_[std::string(tag)] = desc;
  return OkStatus();
}

Result<std::vector<std::string>> MemoryTarget::ListTags() {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [tag, d] : tags_) out.push_back(tag);
  return out;
}

Result<std::vector<Descriptor>> MemoryTarget::Referrers(const Descriptor& subject,
                                                        std::string_view artifact_type) {
  return graph_.Referrers(subject.digest, artifact_type);
}

std::size_t MemoryTarget::BlobCount() const {
  std::lock_guard lock(mu_);
  return blobs_.size();
}

}  // namespace ec::oci
