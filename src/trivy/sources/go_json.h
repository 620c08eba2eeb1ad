// Byte-exact imitation of Go's encoding/json output for the values trivy-db stores: strings
// with Go's escaping (HTML-safe `<` `>` `&` as \u003c \u003e \u0026, U+2028/U+2029 escaped,
// invalid UTF-8 replaced by U+FFFD), float64 in Go's shortest form (`8.8`, `10`, `1e-07`), and
// objects either in a caller-given field order (json.Marshal of a struct) or with keys sorted
// bytewise (json.Marshal of a map). Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "json/parse.h"

namespace ec::trivy::gojson {

// Appends `s` as a JSON string literal (with the quotes).
void AppendString(std::string& out, std::string_view s);
// Appends a float64 the way Go's encoder writes it.
void AppendFloat(std::string& out, double value);

// Encodes a whole nlohmann value as json.Marshal would encode the same value decoded into
// `any` (objects become maps, so keys are sorted bytewise; numbers are float64).
std::string Encode(const json::Json& value);

// Builds one JSON object field by field, in the order the calls are made (struct order).
// Callers apply omitempty themselves by not calling Field for empty values.
class ObjectWriter {
 public:
  ObjectWriter() : out_("{") {}
  // Starts a field and returns the buffer to append its value to.
  std::string& Field(std::string_view name);
  void String(std::string_view name, std::string_view value);
  void Int(std::string_view name, long long value);
  void Float(std::string_view name, double value);
  // Appends already-encoded JSON as the value.
  void Raw(std::string_view name, std::string_view encoded);
  // Closes the object and returns its bytes; the writer must not be used afterwards.
  std::string Finish();

 private:
  std::string out_;
  bool first_ = true;
};

}  // namespace ec::trivy::gojson
