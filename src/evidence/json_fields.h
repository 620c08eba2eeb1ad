// Non-throwing reads of optional fields. Evidence documents are untrusted and loosely typed
// (a field may be missing, null or of the wrong type); the normalisers treat all of those as
// absent instead of failing, and read strings in place to avoid copies.
#pragma once

#include <string_view>

#include "json/parse.h"

namespace ec::evidence {

// Member `key` of `j`, or nullptr when `j` is not an object or has no such member.
inline const json::Json* Field(const json::Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

// The string value of `j`, or "" when it is not a string.
inline std::string_view AsString(const json::Json& j) {
  return j.is_string() ? std::string_view(j.get_ref<const std::string&>()) : std::string_view();
}

// String member `key` of `j`, or "".
inline std::string_view StringField(const json::Json& j, std::string_view key) {
  const json::Json* f = Field(j, key);
  return f ? AsString(*f) : std::string_view();
}

// Object member `key` of `j`, or an empty object (so lookups can be chained).
inline const json::Json& ObjectField(const json::Json& j, std::string_view key) {
  static const json::Json kEmpty = json::Json::object();
  const json::Json* f = Field(j, key);
  return f && f->is_object() ? *f : kEmpty;
}

// Array member `key` of `j`, or an empty array (so it can be iterated directly).
inline const json::Json& ArrayField(const json::Json& j, std::string_view key) {
  static const json::Json kEmpty = json::Json::array();
  const json::Json* f = Field(j, key);
  return f && f->is_array() ? *f : kEmpty;
}

}  // namespace ec::evidence
