#include "oci/manifest.h"

#include "json/parse.h"
#include "oci/media_types.h"

namespace ec::oci {
namespace {

Status ParseDescriptorList(const json::Json& doc, const char* key, std::string_view where,
                           std::vector<Descriptor>* out) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return OkStatus();
  if (!it->is_array()) return InvalidArgument(StrCat(where, ": \"", key, "\" is not an array"));
  for (std::size_t i = 0; i < it->size(); ++i) {
    EC_ASSIGN_OR_RETURN(Descriptor d,
                        Descriptor::FromJson((*it)[i], StrCat(where, " ", key, "[", i, "]")));
    out->push_back(std::move(d));
  }
  return OkStatus();
}

}  // namespace

Result<Manifest> Manifest::Parse(std::string_view bytes, std::string_view media_type,
                                 std::string_view where) {
  EC_ASSIGN_OR_RETURN(json::Json doc, json::Parse(bytes, where));
  if (!doc.is_object()) return InvalidArgument(StrCat(where, ": manifest is not a JSON object"));
  auto version = doc.find("schemaVersion");
  if (version == doc.end() || !version->is_number_integer() || version->get<int>() != 2) {
    return InvalidArgument(StrCat(where, ": unsupported schemaVersion; want 2"));
  }
  Manifest m;
  if (auto mt = doc.find("mediaType"); mt != doc.end() && mt->is_string()) {
    m.media_type = mt->get<std::string>();
    if (!media_type.empty() && IsManifestType(media_type) && m.media_type != media_type) {
      return InvalidArgument(StrCat(where, ": content mediaType is ", m.media_type,
                                    "; got descriptor mediaType ", media_type, ", want them equal"));
    }
  } else if (IsManifestType(media_type)) {
    m.media_type = std::string(media_type);
  } else {
    // Neither the content nor the descriptor says: tell by shape.
    m.media_type = std::string(doc.contains("manifests") ? kOciIndex : kOciManifest);
  }
  m.is_index = IsIndexType(m.media_type);
  if (auto at = doc.find("artifactType"); at != doc.end() && at->is_string()) {
    m.artifact_type = at->get<std::string>();
  }
  if (m.is_index) {
    EC_RETURN_IF_ERROR(ParseDescriptorList(doc, "manifests", where, &m.manifests));
  } else {
    auto config = doc.find("config");
    if (config == doc.end()) return InvalidArgument(StrCat(where, ": manifest has no config"));
    EC_ASSIGN_OR_RETURN(Descriptor c, Descriptor::FromJson(*config, StrCat(where, " config")));
    m.config = std::move(c);
    EC_RETURN_IF_ERROR(ParseDescriptorList(doc, "layers", where, &m.layers));
  }
  if (auto subject = doc.find("subject"); subject != doc.end() && !subject->is_null()) {
    EC_ASSIGN_OR_RETURN(Descriptor s, Descriptor::FromJson(*subject, StrCat(where, " subject")));
    m.subject = std::move(s);
  }
  if (auto ann = doc.find("annotations"); ann != doc.end() && ann->is_object()) {
    for (const auto& [k, v] : ann->items()) {
      if (v.is_string()) m.annotations[k] = v.get<std::string>();
    }
  }
  return m;
}

std::vector<Descriptor> Manifest::Successors() const {
  if (is_index) return manifests;
  std::vector<Descriptor> out;
  if (config) out.push_back(*config);
  out.insert(out.end(), layers.begin(), layers.end());
  return out;
}

std::string BuildImageManifest(const Descriptor& config, const std::vector<Descriptor>& layers,
                               std::string_view artifact_type, const Annotations& annotations,
                               const std::optional<Descriptor>& subject) {
  // ordered_json keeps the image-spec's field order, as other OCI tools write it.
  nlohmann::ordered_json doc;
  doc["schemaVersion"] = 2;
  doc["mediaType"] = kOciManifest;
  if (!artifact_type.empty()) doc["artifactType"] = artifact_type;
  doc["config"] = nlohmann::ordered_json::parse(config.ToJson().dump());
  doc["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : layers) doc["layers"].push_back(nlohmann::ordered_json::parse(l.ToJson().dump()));
  if (subject) doc["subject"] = nlohmann::ordered_json::parse(subject->ToJson().dump());
  if (!annotations.empty()) doc["annotations"] = annotations;
  return doc.dump();
}

}  // namespace ec::oci
