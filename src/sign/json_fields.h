// Typed access to members of untrusted JSON documents (envelopes, bundles, statements,
// payloads) with errors that name the document, the member and what was wrong.
#pragma once

#include <string>
#include <string_view>

#include "json/parse.h"
#include "status.h"

namespace ec::sign::internal {

// "<what>: got array, want object" unless `value` is an object.
Status RequireObject(const json::Json& value, std::string_view what);

// Member `name` of the object `object`; nullptr when absent or null (the two mean the same in
// every format we read).
const json::Json* Find(const json::Json& object, std::string_view name);

// Member `name`, which must be present and of `type` (object, array or string).
Result<const json::Json*> Required(const json::Json& object, std::string_view name,
                                   json::Json::value_t type, std::string_view what);

Result<std::string> RequiredString(const json::Json& object, std::string_view name,
                                   std::string_view what);
// "" when absent or null.
Result<std::string> OptionalString(const json::Json& object, std::string_view name,
                                   std::string_view what);

}  // namespace ec::sign::internal
