// CycloneDX JSON: an SBOM gives one record per component, a VEX (see DetectFormat for the
// rule) one record per vulnerability × affected component.
#pragma once

#include <string_view>

#include "evidence/record.h"
#include "json/parse.h"
#include "status.h"

namespace ec::evidence {

// SBOM: every entry of "components", nested "components" included (metadata.component, the
// subject, is not a record). package is the name, prefixed by the group ("group/name", or
// "group:name" for maven); version as stated, else the purl's; ecosystem the purl type;
// modified the metadata.timestamp.
Result<NormalisedDocument> NormaliseCycloneDxSbom(const json::Json& doc, std::string_view what);

// VEX: for each vulnerabilities[] entry and each "affects[].ref":
//   the ref is resolved through "bom-ref" (components at any depth, and metadata.component)
//   to that component's purl / name / version, also through a BOM-Link
//   ("urn:cdx:<uuid>/<version>#<bom-ref>") naming this document's serialNumber. A BOM-Link
//   to another BOM is kept as the package unless its fragment is a purl; a bare purl ref is
//   used as is.
//   With no affects, one record with no package. version: the only affects[].versions[]
//   entry, when it is a single "version";
//   vexStatus from analysis.state: not_affected, false_positive → not_affected; resolved,
//   resolved_with_pedigree → fixed; exploitable → affected; in_triage →
//   under_investigation; none → "";
//   justification analysis.justification; aliases references[].id;
//   severity the first rating with a severity word, or a CVSS score / v3 vector;
//   modified analysis.lastUpdated, updated, published, else metadata.timestamp;
//   summary analysis.detail, else description.
Result<NormalisedDocument> NormaliseCycloneDxVex(const json::Json& doc, std::string_view what);

}  // namespace ec::evidence
