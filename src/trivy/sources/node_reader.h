// Stages a Node.js Security WG advisory (nodejs/security-wg vuln/npm/*.json) the way
// trivy-db's node source does (vulnsrc/node/node.go):
//   npm::Node.js Ecosystem Security Working Group/<module_name, lower-cased>/<ID> =
//     {"PatchedVersions": patched_versions split at "||", "VulnerableVersions": likewise}
//   IDs: the `cves`, or "NSWG-ECO-<id>" when there are none;
//   detail (source "nodejs-security-wg"): Title, Description = overview, References, and
//   cvss_score as the detail's CvssScore (a number, or the number at the start of a string
//   such as "6.5 (High)"; null or <= 0 becomes -1, i.e. no score).
// Advisories about Node.js itself (vuln/core, vuln/deps: no module_name) and the index.json
// aggregates (the same advisories again) are dropped, as trivy-db skips them.
#pragma once

#include "json/parse.h"
#include "status.h"
#include "trivy/sources/reader.h"

namespace ec::trivy {

// An object with "module_name" and one of "vulnerable_versions" / "patched_versions" /
// "cves" (ecosystem advisory), or a "cve" array (core / deps advisory), or an index.json
// whose first member is one of those.
bool LooksLikeNodeSecurityWg(const json::Json& document);

Result<DocumentOutcome> ReadNodeSecurityWg(const json::Json& document, Staging& staging);

}  // namespace ec::trivy
