#include "oci/descriptor.h"

#include "oci/media_types.h"

namespace ec::oci {

Result<Descriptor> Descriptor::FromJson(const json::Json& j, std::string_view where) {
  if (!j.is_object()) return InvalidArgument(StrCat(where, ": descriptor is not a JSON object"));
  Descriptor d;
  auto media = j.find("mediaType");
  if (media == j.end() || !media->is_string() || media->get<std::string>().empty()) {
    return InvalidArgument(StrCat(where, ": descriptor has no mediaType"));
  }
  d.media_type = media->get<std::string>();
  auto digest = j.find("digest");
  if (digest == j.end() || !digest->is_string()) {
    return InvalidArgument(StrCat(where, ": descriptor has no digest"));
  }
  auto parsed = Digest::Parse(digest->get<std::string>());
  if (!parsed.ok()) return parsed.status().WithPrefix(where);
  d.digest = *parsed;
  auto size = j.find("size");
  if (size == j.end() || !size->is_number_integer() || size->get<std::int64_t>() < 0) {
    return InvalidArgument(StrCat(where, ": descriptor ", d.digest.str(),
                                  " has no valid size; want a non-negative integer"));
  }
  d.size = size->get<std::int64_t>();
  if (auto at = j.find("artifactType"); at != j.end() && at->is_string()) {
    d.artifact_type = at->get<std::string>();
  }
  if (auto ann = j.find("annotations"); ann != j.end() && ann->is_object()) {
    for (const auto& [k, v] : ann->items()) {
      if (!v.is_string()) {
        return InvalidArgument(StrCat(where, ": annotation \"", k, "\" is not a string"));
      }
      d.annotations[k] = v.get<std::string>();
    }
  }
  if (auto p = j.find("platform"); p != j.end()) d.platform = Platform::FromJson(*p);
  if (auto data = j.find("data"); data != j.end() && data->is_string()) {
    d.data = data->get<std::string>();
  }
  return d;
}

json::Json Descriptor::ToJson() const {
  json::Json j = {{"mediaType", media_type}, {"digest", digest.str()}, {"size", size}};
  if (!artifact_type.empty()) j["artifactType"] = artifact_type;
  if (!annotations.empty()) j["annotations"] = annotations;
  if (platform) j["platform"] = platform->ToJson();
  if (data) j["data"] = *data;
  return j;
}

std::string Descriptor::str() const {
  return StrCat(digest.str(), " (", media_type, ", ", size, " bytes)");
}

Descriptor DescriptorOf(std::string_view media_type, std::string_view bytes) {
  Descriptor d;
  d.media_type = std::string(media_type);
  d.digest = Digest::OfBytes(bytes);
  d.size = static_cast<std::int64_t>(bytes.size());
  return d;
}

Descriptor EmptyDescriptor() {
  Descriptor d = DescriptorOf(kOciEmpty, kEmptyJson);
  d.data = "e30=";
  return d;
}

}  // namespace ec::oci
