// Stages an Alpine secdb document the way trivy-db's alpine source does (trivy-db.md §2.4):
// `alpine <distroversion without "v">/<package>/<ID> = {"FixedVersion": <version>}` and
// data-source `{"ID":"alpine","Name":"Alpine Secdb","URL":"https://secdb.alpinelinux.org/"}`.
// No vulnerability details are written (upstream writes none either).
//
// Accepted shapes, JSON or YAML:
//   secdb:     {"distroversion": "v3.18", "reponame": …, "packages": [{"pkg": {"name": …,
//               "secfixes": {"<fixed version>": ["CVE-…", …]}}}]}   (packages may be null)
//   vuln-list: {"distroversion": "v3.12", "name": …, "secfixes": {…}}  (one package)
// Each secfixes line is split at whitespace ("CVE-2017-2616 (+ regression fix)",
// "CVE-2024-22195 GHSA-h5c8-rqwp-cp95"); "CVE_" is read as "CVE-"; the first CVE ID on the
// line is used, else the last GHSA ID, else the line is ignored.
// When one package lists the same ID under several fixed versions, the highest version
// wins (runs of digits compared numerically) — upstream's choice depends on Go's map order.
#pragma once

#include "json/parse.h"
#include "status.h"
#include "trivy/sources/reader.h"

namespace ec::trivy {

bool LooksLikeAlpineSecdb(const json::Json& document);

Result<DocumentOutcome> ReadAlpineSecdb(const json::Json& document, Staging& staging);

}  // namespace ec::trivy
