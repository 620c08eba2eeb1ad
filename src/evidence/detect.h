// Which evidence format a parsed JSON document is, from its top-level markers only.
#pragma once

#include <string_view>

#include "evidence/record.h"
#include "json/parse.h"
#include "status.h"

namespace ec::evidence {

// Rules, checked in this order:
//   CSAF       "document.csaf_version" is present; "document.category" == "csaf_vex" →
//              kCsafVex, any other category → kCsaf.
//   OpenVEX    "@context" (a string, or an array of strings) mentions "openvex" and
//              "statements" is present; or "@context" is "" (go-vex's merged documents)
//              and "statements" is an array.
//   CycloneDX  "bomFormat" == "CycloneDX". It is kCycloneDxVex when "vulnerabilities" is a
//              non-empty array and either some vulnerability has "analysis.state" or the
//              document lists no components; otherwise kCycloneDx (an SBOM, whose
//              vulnerabilities, if any, are not read).
//   SPDX       "spdxVersion" starts with "SPDX-2". SPDX 3 (an "spdxVersion" of "SPDX-3…" or
//              an spdx.org/rdf/3 "@context") is refused with its own message.
//   OSV        "id" is a string and one of "affected", "modified", "schema_version" is
//              present, and there is no "document".
// Anything else: InvalidArgument("<what>: not a recognised evidence document (want OSV,
// CSAF, OpenVEX, CycloneDX or SPDX JSON)").
Result<DocumentFormat> DetectFormat(const json::Json& doc, std::string_view what);

}  // namespace ec::evidence
