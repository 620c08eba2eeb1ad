#include "oci/platform.h"

#include <vector>

namespace ec::oci {

Result<Platform> Platform::Parse(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto slash = text.find('/', start);
    parts.emplace_back(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  bool any_empty = false;
  for (const auto& part : parts) any_empty = any_empty || part.empty();
  if (parts.size() < 2 || parts.size() > 3 || any_empty) {
    return InvalidArgument(
        StrCat("invalid platform \"", text, "\": want OS/ARCH[/VARIANT], e.g. linux/amd64"));
  }
  Platform p;
  p.os = parts[0];
  p.architecture = parts[1];
  if (parts.size() == 3) p.variant = parts[2];
  return p;
}

std::optional<Platform> Platform::FromJson(const json::Json& j) {
  if (!j.is_object()) return std::nullopt;
  auto str = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  Platform p{str("os"), str("architecture"), str("variant"), str("os.version")};
  if (p.os.empty() && p.architecture.empty()) return std::nullopt;
  return p;
}

json::Json Platform::ToJson() const {
  json::Json j = {{"architecture", architecture}, {"os", os}};
  if (!variant.empty()) j["variant"] = variant;
  if (!os_version.empty()) j["os.version"] = os_version;
  return j;
}

std::string Platform::str() const {
  return variant.empty() ? StrCat(os, "/", architecture) : StrCat(os, "/", architecture, "/", variant);
}

bool Platform::Matches(const Platform& candidate) const {
  if (os != candidate.os || architecture != candidate.architecture) return false;
  return variant.empty() || variant == candidate.variant;
}

}  // namespace ec::oci
