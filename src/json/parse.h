// Non-throwing JSON parsing for untrusted documents: the one place where nlohmann's parse is
// called, so that no exception escapes and every failure names the document.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "status.h"

namespace ec::json {

using Json = nlohmann::json;

// Parses `text` as one JSON value. `what` names the document in errors ("manifest sha256:…").
Result<Json> Parse(std::string_view text, std::string_view what);

// Serialises without insignificant whitespace, object keys sorted: stable bytes for the same
// value, used wherever Export Center writes JSON it will hash.
std::string Compact(const Json& value);

// One JSON Pointer (RFC 6901) reference token: "~" → "~0", "/" → "~1". For error messages
// that name where in a document something failed.
std::string PointerToken(std::string_view name);

}  // namespace ec::json
