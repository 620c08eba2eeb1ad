#include "mirror/planned_layout.h"

#include "oci/io.h"
#include "oci/layout_index.h"
#include "oci/limits.h"
#include "oci/manifest.h"
#include "oci/media_types.h"

namespace ec::mirror {
namespace {

// A source's blob as the tar writer reads it: the stream is checked against the descriptor
// (size, then digest) when it ends, so a source that serves other bytes fails the archive
// instead of landing in it.
class VerifiedSourceReader final : public oci::Reader {
 public:
  VerifiedSourceReader(std::unique_ptr<oci::Reader> inner, const oci::Descriptor& d, std::string what)
      : inner_(std::move(inner)), verifying_(*inner_, d, std::move(what)) {}
  Result<std::size_t> Read(std::span<char> buf) override {
    EC_ASSIGN_OR_RETURN(std::size_t n, verifying_.Read(buf));
    if (n == 0) EC_RETURN_IF_ERROR(verifying_.Verify());
    return n;
  }

 private:
  std::unique_ptr<oci::Reader> inner_;
  oci::VerifyingReader verifying_;
};

std::string BlobName(const oci::Digest& d) { return StrCat("blobs/", d.algorithm_name(), "/", d.hex()); }

}  // namespace

Result<std::unique_ptr<oci::Reader>> PlannedLayout::Fetch(const oci::Descriptor& d) {
  oci::Target* source = nullptr;
  {
    std::lock_guard lock(mu_);
    if (auto it = held_.find(d.digest.str()); it != held_.end()) {
      return std::unique_ptr<oci::Reader>(new oci::StringReader(it->second.second));
    }
    if (auto it = links_.find(d.digest.str()); it != links_.end()) source = it->second.source;
  }
  if (source == nullptr) return NotFound(StrCat(Name(), ": ", d.digest.str(), " not found"));
  return source->Fetch(d);
}

Result<bool> PlannedLayout::Exists(const oci::Descriptor& d) {
  std::lock_guard lock(mu_);
  return held_.count(d.digest.str()) > 0 || links_.count(d.digest.str()) > 0;
}

Result<oci::Descriptor> PlannedLayout::Stat(const oci::Digest& d) {
  std::lock_guard lock(mu_);
  if (auto it = held_.find(d.str()); it != held_.end()) return it->second.first;
  if (auto it = links_.find(d.str()); it != links_.end()) return it->second.desc;
  return NotFound(StrCat(Name(), ": ", d.str(), " not found"));
}

Status PlannedLayout::Push(const oci::Descriptor& expected, oci::Reader& content) {
  const std::string what = StrCat("push ", expected.digest.str(), " to ", Name());
  if (expected.size > static_cast<std::int64_t>(oci::kMaxManifestBytes)) {
    return FailedPrecondition(StrCat(what, ": ", expected.size, " bytes is too large to hold in memory; want at most ",
                                     oci::kMaxManifestBytes, " (large blobs are linked to their source)"));
  }
  oci::VerifyingReader verifying(content, expected, what);
  EC_ASSIGN_OR_RETURN(std::string bytes, oci::ReadAll(verifying, oci::kMaxManifestBytes, what));
  EC_RETURN_IF_ERROR(verifying.Verify());
  if (oci::IsManifestType(expected.media_type)) {
    // Only a manifest that parses is kept: the bundle's graph must stay walkable.
    EC_ASSIGN_OR_RETURN(oci::Manifest m, oci::Manifest::Parse(bytes, expected.media_type, StrCat(what, ": manifest")));
    pushed_.Add(expected, m);
  }
  std::lock_guard lock(mu_);
  held_.emplace(expected.digest.str(), std::make_pair(expected, std::move(bytes)));
  return OkStatus();
}

Result<bool> PlannedLayout::Mount(const oci::Descriptor& d, oci::Target& source) {
  std::lock_guard lock(mu_);
  links_.emplace(d.digest.str(), Link{d, &source});
  return true;
}

Result<oci::Descriptor> PlannedLayout::Resolve(std::string_view reference) {
  // Tags are recorded in mirror.json, not in the layout (see CaptureTarget).
  return NotFound(StrCat(Name(), ": no tag \"", reference, "\""));
}

Status PlannedLayout::Tag(const oci::Descriptor&, std::string_view tag) {
  return NotSupported(StrCat(Name(), ": tag \"", tag, "\": a bundle's tags live in mirror.json"));
}

Result<std::vector<oci::Descriptor>> PlannedLayout::Referrers(const oci::Descriptor& subject, std::string_view type) {
  return pushed_.Referrers(subject.digest, type);
}

void PlannedLayout::KeepOpen(std::unique_ptr<oci::Target> source) {
  std::lock_guard lock(mu_);
  sources_.push_back(std::move(source));
}

std::set<std::string> PlannedLayout::Contents() const {
  std::lock_guard lock(mu_);
  std::set<std::string> out;
  for (const auto& [digest, held] : held_) out.insert(digest);
  for (const auto& [digest, link] : links_) out.insert(digest);
  return out;
}

std::int64_t PlannedLayout::LinkedBytes() const {
  std::lock_guard lock(mu_);
  std::int64_t total = 0;
  for (const auto& [digest, link] : links_) total += link.desc.size;
  return total;
}

std::vector<oci::TarWriteEntry> PlannedLayout::Entries() const {
  std::vector<oci::TarWriteEntry> out;
  out.push_back(oci::TarBytesEntry("oci-layout", std::string(oci::kOciLayoutMarker)));
  oci::LayoutIndex index;
  index.AddUntagged(pushed_.Roots());
  out.push_back(oci::TarBytesEntry("index.json", index.Serialize()));
  std::lock_guard lock(mu_);
  for (const auto& [digest, held] : held_) out.push_back(oci::TarBytesEntry(BlobName(held.first.digest), held.second));
  for (const auto& [digest, link] : links_) {
    oci::TarWriteEntry e;
    e.name = BlobName(link.desc.digest);
    e.size = link.desc.size;
    e.open = [source = link.source, d = link.desc]() -> Result<std::unique_ptr<oci::Reader>> {
      auto reader = source->Fetch(d);
      if (!reader.ok()) return reader.status().WithPrefix(StrCat("fetch ", d.digest.str(), " from ", source->Name()));
      return std::unique_ptr<oci::Reader>(
          new VerifiedSourceReader(std::move(reader).value(), d, StrCat("blob ", d.digest.str(), " from ", source->Name())));
    };
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace ec::mirror
