// Descriptor: the only way Export Center names content (media type, digest, size, plus the
// optional fields of the image-spec), and its JSON form.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "json/parse.h"
#include "oci/digest.h"
#include "oci/platform.h"
#include "status.h"

namespace ec::oci {

using Annotations = std::map<std::string, std::string>;

struct Descriptor {
  std::string media_type;
  Digest digest = Digest::OfBytes("");
  std::int64_t size = 0;
  std::string artifact_type;           // optional
  Annotations annotations;             // optional
  std::optional<Platform> platform;    // optional, index entries
  std::optional<std::string> data;     // optional, base64 embedded content

  // Validates required fields; `where` names the object in errors ("manifest layers[2]").
  static Result<Descriptor> FromJson(const json::Json& j, std::string_view where);
  json::Json ToJson() const;

  // "sha256:abc… (application/vnd.oci.image.manifest.v1+json, 123 bytes)"
  std::string str() const;
  bool SameContent(const Descriptor& o) const { return digest == o.digest && size == o.size; }
};

// The descriptor of a blob with these exact bytes.
Descriptor DescriptorOf(std::string_view media_type, std::string_view bytes);

// The empty descriptor of the image-spec: "{}" with media type application/vnd.oci.empty.v1+json.
Descriptor EmptyDescriptor();
inline constexpr std::string_view kEmptyJson = "{}";

}  // namespace ec::oci
