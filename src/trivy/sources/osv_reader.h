// Stages one OSV record (JSON or YAML, GHSA in OSV form included) the way trivy-db's
// OSV-based sources do (vulnsrc/osv, ghsa, govulndb, bitnami; trivy-db.md §2.4):
//   - a record withdrawn before ReadContext::now is dropped ("withdrawn");
//   - GHSA records marked `database_specific.github_reviewed: false` are dropped (trivy-db
//     reads only the github-reviewed tree);
//   - per advisory: <bucket>/<package>/<ID> = {VendorIDs, VulnerableVersions,
//     PatchedVersions, OSes, Arches}, a detail for (ID, source) = {Title: summary,
//     Description: details, References, CVSS v3, Severity, Published/LastModified}, and
//     data-source/<bucket>.
// Source specifics:
//   ghsa     Severity from database_specific.severity (LOW, MODERATE, HIGH, CRITICAL);
//            affected[].database_specific.last_known_affected_version_range closes open
//            ranges (">=1.0" + "< 2.0" → ">=1.0, <2.0"); Go packages `stdlib` and
//            `golang.org/x/*` are left to govulndb, standard-library import paths
//            ("net/http": no dot in the first element) are dropped; a NuGet package whose name is not
//            lower-case is stored under both spellings. (Swift → CocoaPods needs the
//            CocoaPods spec index and is not done: Swift advisories stay in swift::.)
//   govulndb only `stdlib` and `golang.org/x/*`; OSes / Arches from
//            ecosystem_specific.imports[].goos/goarch; database_specific.url is appended to
//            the references.
//   bitnami  Severity from database_specific.severity (low, moderate or medium, high,
//            critical; any case).
#pragma once

#include "json/parse.h"
#include "status.h"
#include "trivy/sources/reader.h"

namespace ec::trivy {

// True when `document` looks like an OSV record: an object with a string "id" and an
// "affected" or "aliases" array or a "schema_version" or "modified" string. (Other
// vuln-list formats with an "id" — Amazon ALAS, NVD, … — have none of these.)
bool LooksLikeOsv(const json::Json& document);

// Errors (the document is skipped, nothing staged): decoding errors, invalid CVSS vectors.
Result<DocumentOutcome> ReadOsvDocument(const json::Json& document, const ReadContext& context,
                                        Staging& staging);

}  // namespace ec::trivy
