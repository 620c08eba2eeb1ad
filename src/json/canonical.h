// RFC 8785 JSON Canonicalization Scheme (JCS): the one byte sequence for a JSON value, used
// for everything Export Center signs (in-toto statements, Sigstore bundles, cosign payloads),
// so that signing the same value twice gives the same bytes.
#pragma once

#include <string>

#include "json/parse.h"
#include "status.h"

namespace ec::json {

// Object members sorted by the UTF-16 code units of their names, no whitespace, strings
// escaped as ECMAScript's JSON.stringify does (\b \t \n \f \r \" \\ and \u00xx for the other
// control characters; everything else literal UTF-8), floating-point numbers as ECMAScript's
// Number.prototype.toString. Integers held as int64 / uint64 are printed exactly (JCS would
// round those beyond 2^53 through a double; our documents never carry such numbers).
// Assumes a well-formed value: NaN and infinities become null (as JSON.stringify does) and
// invalid UTF-8 is copied through. Use CanonicalChecked for values from outside.
std::string Canonical(const Json& value);

// As Canonical, but refuses what JCS cannot represent: NaN, infinities, invalid UTF-8 in a
// string or member name, and nlohmann's non-JSON binary values. The error names the JSON
// Pointer of the offending value.
Result<std::string> CanonicalChecked(const Json& value);

}  // namespace ec::json
