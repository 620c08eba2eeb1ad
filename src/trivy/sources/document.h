// Reads one advisory file into a JSON value, whatever its syntax (JSON or YAML), within the
// limits of limits.h. YAML becomes the JSON a YAML 1.2 JSON-schema-less reader would give
// with every scalar kept as text: mappings → objects, sequences → arrays, `null`/`~`/empty
// plain scalars → null, every other scalar → string (so `fixed: 1.10` stays "1.10").
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "json/parse.h"
#include "status.h"

namespace ec::trivy {

enum class Syntax { kJson, kYaml };

// ".yaml" / ".yml" → YAML, anything else → JSON.
Syntax SyntaxForPath(const std::filesystem::path& path);

// The file's bytes, or an error if it cannot be read or is larger than kMaxAdvisoryFileBytes.
// Errors are "<path>: <reason>".
Result<std::string> ReadAdvisoryFile(const std::filesystem::path& path);

// Parses `text`. `what` names the document in errors ("<what>: not valid JSON: …",
// "<what>: not valid YAML: …", "<what>: nesting deeper than 64 levels").
Result<json::Json> ParseDocument(std::string_view text, Syntax syntax, std::string_view what);

}  // namespace ec::trivy
