#include "oci/layout_index.h"

#include <algorithm>
#include <set>

#include "oci/media_types.h"

namespace ec::oci {

LayoutIndex::LayoutIndex() : doc_({{"schemaVersion", 2}, {"mediaType", kOciIndex}}) {}

Result<LayoutIndex> LayoutIndex::Parse(std::string_view bytes, std::string_view where) {
  EC_ASSIGN_OR_RETURN(json::Json doc, json::Parse(bytes, StrCat(where, ": index.json")));
  if (!doc.is_object()) return InvalidArgument(StrCat(where, ": index.json is not a JSON object"));
  LayoutIndex index;
  auto manifests = doc.find("manifests");
  if (manifests != doc.end()) {
    if (!manifests->is_array()) {
      return InvalidArgument(StrCat(where, ": index.json \"manifests\" is not an array"));
    }
    for (std::size_t i = 0; i < manifests->size(); ++i) {
      const json::Json& raw = (*manifests)[i];
      EC_ASSIGN_OR_RETURN(Descriptor d, Descriptor::FromJson(
                                            raw, StrCat(where, ": index.json manifests[", i, "]")));
      Entry e{raw, d, ""};
      if (auto it = d.annotations.find(std::string(kAnnotationRefName)); it != d.annotations.end()) {
        e.ref_name = it->second;
      }
      index.entries_.push_back(std::move(e));
    }
    doc.erase("manifests");
  }
  index.doc_ = std::move(doc);
  return index;
}

namespace {
Descriptor Plain(Descriptor d) {
  d.annotations.clear();
  return d;
}
}  // namespace

std::optional<Descriptor> LayoutIndex::FindTag(std::string_view tag) const {
  for (const auto& e : entries_) {
    if (e.ref_name == tag) return Plain(e.desc);
  }
  return std::nullopt;
}

std::optional<Descriptor> LayoutIndex::FindDigest(const Digest& digest) const {
  for (const auto& e : entries_) {
    if (e.desc.digest == digest) return Plain(e.desc);
  }
  return std::nullopt;
}

void LayoutIndex::SetTag(const Descriptor& desc, std::string_view tag) {
  std::erase_if(entries_, [&](const Entry& e) { return e.ref_name == tag; });
  Descriptor d = Plain(desc);
  d.data.reset();
  d.annotations[std::string(kAnnotationRefName)] = std::string(tag);
  entries_.push_back({d.ToJson(), d, std::string(tag)});
}

void LayoutIndex::AddUntagged(const std::vector<Descriptor>& roots) {
  std::set<std::string> listed;
  for (const auto& e : entries_) listed.insert(e.desc.digest.str());
  for (const auto& root : roots) {
    if (!listed.insert(root.digest.str()).second) continue;
    Descriptor d = Plain(root);
    d.data.reset();
    entries_.push_back({d.ToJson(), d, ""});
  }
}

std::vector<std::string> LayoutIndex::Tags() const {
  std::vector<std::string> tags;
  for (const auto& e : entries_) {
    if (!e.ref_name.empty()) tags.push_back(e.ref_name);
  }
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

std::vector<Descriptor> LayoutIndex::Entries() const {
  std::vector<Descriptor> out;
  for (const auto& e : entries_) out.push_back(e.desc);
  return out;
}

std::string LayoutIndex::Serialize() const {
  json::Json doc = doc_;
  doc["manifests"] = json::Json::array();
  for (const auto& e : entries_) doc["manifests"].push_back(e.raw);
  return json::Compact(doc);
}

Status CheckLayoutMarker(std::string_view bytes, std::string_view where) {
  EC_ASSIGN_OR_RETURN(json::Json m, json::Parse(bytes, StrCat(where, ": oci-layout")));
  auto it = m.is_object() ? m.find("imageLayoutVersion") : m.end();
  if (it == m.end() || !it->is_string()) {
    return InvalidArgument(StrCat(where, ": oci-layout has no imageLayoutVersion"));
  }
  if (it->get<std::string>() != "1.0.0") {
    return InvalidArgument(StrCat(where, ": unsupported imageLayoutVersion; got \"",
                                  it->get<std::string>(), "\", want \"1.0.0\""));
  }
  return OkStatus();
}

}  // namespace ec::oci
