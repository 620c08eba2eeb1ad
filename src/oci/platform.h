// Platform: os/architecture[/variant] of an image in an index, and the --platform filter.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "json/parse.h"
#include "status.h"

namespace ec::oci {

struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;     // optional
  std::string os_version;  // optional

  // Parses "os/arch[/variant]", e.g. "linux/arm64/v8".
  static Result<Platform> Parse(std::string_view text);
  static std::optional<Platform> FromJson(const json::Json& j);
  json::Json ToJson() const;
  std::string str() const;
  // True when `this` (a filter) selects `candidate`: os and architecture equal, and the
  // variant equal when the filter names one.
  bool Matches(const Platform& candidate) const;
};

}  // namespace ec::oci
