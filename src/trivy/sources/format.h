// Recognises which advisory format a parsed document is in. The file extension has already
// chosen the syntax (document.h); the format is decided by content, first match wins:
//   OSV             object with a string "id" and "affected" / "aliases" / "schema_version" /
//                   "modified"
//   Alpine secdb    object with "distroversion" and "packages" (or "name" + "secfixes")
//   Debian tracker  object of package → {ID → {"releases": {…}, …}}
//   Node.js WG      object with "module_name" + versions / "cves", or a "cve" array (core)
#pragma once

#include <string_view>

#include "json/parse.h"

namespace ec::trivy {

enum class AdvisoryFormat { kUnknown, kOsv, kAlpineSecdb, kDebianTracker, kNodeSecurityWg };

AdvisoryFormat DetectFormat(const json::Json& document);
std::string_view FormatName(AdvisoryFormat format);  // "osv", "alpine-secdb", …

}  // namespace ec::trivy
