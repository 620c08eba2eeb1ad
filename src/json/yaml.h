// YAML documents read as JSON values, for the configuration files users write (policy packs,
// mirror specs): one document, scalars kept as strings (no implicit typing: "1.10" stays
// "1.10", "no" stays "no"), duplicate keys refused, and named limits on nodes (yaml-cpp
// shares aliased nodes but the conversion copies them: an alias bomb must not exhaust memory)
// and nesting. Errors start with `what` and name the key path ("rules.vex: duplicate key").
#pragma once

#include <cstddef>
#include <string_view>

#include "json/parse.h"

namespace ec::json {

inline constexpr std::size_t kMaxYamlNodes = 100000;
inline constexpr int kMaxYamlDepth = 64;

Result<Json> ParseYaml(std::string_view bytes, std::string_view what);

}  // namespace ec::json
