#include "mirror/graph_targets.h"

namespace ec::mirror {

Result<bool> CaptureTarget::Exists(const oci::Descriptor& d) {
  if (base_.count(d.digest.str())) return true;
  return layout_.Exists(d);
}

Result<oci::Descriptor> CaptureTarget::Resolve(std::string_view reference) {
  if (auto it = tags_.find(std::string(reference)); it != tags_.end()) return it->second;
  return layout_.Resolve(reference);
}

Status CaptureTarget::Tag(const oci::Descriptor& d, std::string_view tag) {
  EC_ASSIGN_OR_RETURN(bool exists, Exists(d));
  if (!exists) {
    return FailedPrecondition(StrCat("tag ", d.digest.str(), " as \"", tag, "\" in the bundle: neither the bundle nor its base holds it"));
  }
  oci::Descriptor plain = d;
  plain.annotations.clear();
  tags_[std::string(tag)] = plain;
  return OkStatus();
}

Result<std::vector<std::string>> CaptureTarget::ListTags() {
  std::vector<std::string> out;
  for (const auto& [t, d] : tags_) out.push_back(t);
  return out;
}

Result<std::unique_ptr<oci::Reader>> OverlayTarget::Fetch(const oci::Descriptor& d) {
  EC_ASSIGN_OR_RETURN(bool here, primary_.Exists(d));
  return here ? primary_.Fetch(d) : fallback_.Fetch(d);
}

Result<bool> OverlayTarget::Exists(const oci::Descriptor& d) {
  EC_ASSIGN_OR_RETURN(bool here, primary_.Exists(d));
  if (here) return true;
  return fallback_.Exists(d);
}

Result<oci::Descriptor> OverlayTarget::Stat(const oci::Digest& d) {
  auto here = primary_.Stat(d);
  if (here.ok() || here.status().code() != Code::kNotFound) return here;
  return fallback_.Stat(d);
}

Status OverlayTarget::Push(const oci::Descriptor& d, oci::Reader& r) {
  (void)r;
  return NotSupported(StrCat("push ", d.digest.str(), " into a bundle being imported"));
}

Result<oci::Descriptor> OverlayTarget::Resolve(std::string_view reference) {
  auto here = primary_.Resolve(reference);
  if (here.ok() || here.status().code() != Code::kNotFound) return here;
  return fallback_.Resolve(reference);
}

Status OverlayTarget::Tag(const oci::Descriptor& d, std::string_view tag) {
  return NotSupported(StrCat("tag ", d.digest.str(), " as ", tag, " in a bundle being imported"));
}

}  // namespace ec::mirror
