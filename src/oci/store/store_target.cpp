#include "oci/store/store_target.h"

#include "oci/limits.h"
#include "oci/media_types.h"

namespace ec::oci::store {

Result<std::unique_ptr<Reader>> StoreTarget::Fetch(const Descriptor& desc) {
  if (IsManifestType(desc.media_type)) {
    EC_ASSIGN_OR_RETURN(ManifestRecord record, store_->ResolveManifest(repository_, desc.digest.str()));
    EC_ASSIGN_OR_RETURN(std::string bytes, store_->ReadManifest(record));
    return std::unique_ptr<Reader>(new StringReader(std::move(bytes)));
  }
  return store_->OpenBlob(repository_, desc.digest);
}

Result<bool> StoreTarget::Exists(const Descriptor& desc) {
  Status status = IsManifestType(desc.media_type)
                      ? store_->ResolveManifest(repository_, desc.digest.str()).status()
                      : store_->BlobSize(repository_, desc.digest).status();
  if (status.ok()) return true;
  if (status.code() == Code::kNotFound) return false;
  return status;
}

Result<Descriptor> StoreTarget::Stat(const Digest& digest) {
  EC_ASSIGN_OR_RETURN(std::int64_t size, store_->BlobSize(repository_, digest));
  Descriptor d;
  d.media_type = std::string(kOctetStream);
  d.digest = digest;
  d.size = size;
  return d;
}

Status StoreTarget::Push(const Descriptor& expected, Reader& content) {
  if (IsManifestType(expected.media_type)) {
    EC_ASSIGN_OR_RETURN(std::string bytes,
                        ReadVerifiedManifest(content, expected, StrCat("manifest ", expected.digest.str())));
    return store_->PutManifest(repository_, expected.digest.str(), expected.media_type, bytes).status();
  }
  EC_ASSIGN_OR_RETURN(bool present, Exists(expected));
  if (present) return OkStatus();
  // Held by another repository of this store: link it rather than store it twice.
  if (store_->LinkBlob(repository_, expected.digest).ok()) return OkStatus();
  return store_->PutBlob(repository_, expected, content);
}

Result<Descriptor> StoreTarget::Resolve(std::string_view reference) {
  auto resolved = store_->ResolveManifest(repository_, reference);
  if (!resolved.ok() && resolved.status().code() == Code::kNotFound) {
    return NotFound(StrCat(Name(), ": ", reference.find(':') == std::string_view::npos ? "tag" : "manifest",
                           " \"", reference, "\" not found"));
  }
  EC_ASSIGN_OR_RETURN(ManifestRecord record, std::move(resolved));
  Descriptor d = record.descriptor;
  d.artifact_type.clear();  // a resolved descriptor names the manifest, not its referrer entry
  d.annotations.clear();
  return d;
}

Status StoreTarget::Tag(const Descriptor& desc, std::string_view tag) {
  Status tagged = store_->TagManifest(repository_, tag, desc.digest);
  if (tagged.code() == Code::kNotFound) {
    return FailedPrecondition(StrCat("tag ", tag, " in ", Name(), ": manifest ", desc.digest.str(),
                                     " is not there; push it first"));
  }
  return tagged;
}

Result<std::vector<std::string>> StoreTarget::ListTags() {
  auto tags = store_->ListTags(repository_, "", -1);
  if (!tags.ok() && tags.status().code() == Code::kNotFound) return std::vector<std::string>{};
  return tags;
}

Result<std::vector<Descriptor>> StoreTarget::Referrers(const Descriptor& subject,
                                                       std::string_view artifact_type) {
  return store_->Referrers(repository_, subject.digest, artifact_type);
}

Result<bool> StoreTarget::Mount(const Descriptor& desc, Target& source) {
  auto* other = dynamic_cast<StoreTarget*>(&source);
  if (other == nullptr || other->store_ != store_) return false;
  Status linked = store_->LinkBlob(repository_, desc.digest);
  if (linked.ok()) return true;
  if (linked.code() == Code::kNotFound) return false;
  return linked;
}

}  // namespace ec::oci::store
