// OLPC canonical JSON, the byte form TUF signs (tuf-js, python-tuf / securesystemslib, go-tuf).
// Not RFC 8785 (json/canonical.h): strings escape only '"' and '\' and copy every other byte
// raw, control characters included, and numbers must be integers. The output is therefore not
// always valid JSON; it is only ever hashed or signed, never parsed.
#pragma once

#include <string>
#include <string_view>

#include "json/parse.h"
#include "status.h"

namespace ec::tuf {

// Object members sorted by the bytes of their names (nlohmann keeps them that way), which is
// the code point order securesystemslib uses; tuf-js sorts by UTF-16 code unit, which agrees
// except between U+E000..U+FFFF and astral characters. No whitespace. Refuses floating-point
// numbers (even 1.0) and binary values, naming the JSON Pointer: "<what>: /signed/x: ...";
// `pointer` is where `value` sits in its document.
Result<std::string> CanonicalJson(const json::Json& value, std::string_view what,
                                  std::string_view pointer = "");

}  // namespace ec::tuf
