// The normalised evidence model. Every ingested document (an advisory, a VEX statement set or
// an SBOM) is kept byte-exact and also broken into Records: one per (vulnerability, package)
// for advisories, one per (vulnerability, product) statement for VEX, one per component for
// SBOMs. Selectors, the json:raw shards and the policy engine all read Records.
#pragma once

#include <string>
#include <vector>

#include "json/parse.h"

namespace ec::evidence {

// What a document is, whatever its format.
enum class SourceKind { kAdvisory, kVex, kSbom };

// The formats ingest recognises.
enum class DocumentFormat {
  kOsv,           // OSV JSON (schema 1.x), GHSA/PyPI/Go/RustSec/… exports
  kCsaf,          // CSAF 2.x csaf_security_advisory (and other non-VEX categories)
  kCsafVex,       // CSAF 2.x csaf_vex
  kOpenVex,       // OpenVEX 0.x
  kCycloneDxVex,  // CycloneDX JSON whose vulnerabilities carry analysis states
  kCycloneDx,     // CycloneDX JSON SBOM
  kSpdx,          // SPDX 2.x JSON
};

// Stable lower-case names used in records, manifests and selectors: "advisory", "vex",
// "sbom"; "osv", "csaf", "csaf-vex", "openvex", "cyclonedx-vex", "cyclonedx", "spdx".
const char* SourceKindName(SourceKind kind);
const char* DocumentFormatName(DocumentFormat format);

struct Record {
  SourceKind kind = SourceKind::kAdvisory;
  // The vulnerability this record is about (advisory id, VEX vulnerability); empty for SBOM
  // components.
  std::string vulnerability;
  std::vector<std::string> aliases;  // sorted, unique, without `vulnerability` itself
  // The package, product or component: a purl when the document gives one or one can be
  // built (OSV ecosystem + name), otherwise empty and `package` holds the name.
  std::string purl;
  std::string ecosystem;  // lower-case purl type ("npm", "pypi", "golang", "maven", …) or ""
  std::string package;    // package / product / component name
  std::string version;    // SBOM component version, or the single affected version if any
  // "critical" | "high" | "medium" | "low" | "none" | "" (unknown): from CVSS scores or the
  // document's own severity words.
  std::string severity;
  // VEX: "not_affected" | "affected" | "fixed" | "under_investigation"; "" for others.
  std::string vex_status;
  std::string justification;                // VEX justification, if any
  std::vector<std::string> fixed_versions;  // advisories: versions that fix it, sorted
  std::string modified;                     // RFC 3339 UTC ("…Z") or "" when unknown
  std::string summary;                      // one line, may be empty
};

// The result of reading one document.
struct NormalisedDocument {
  DocumentFormat format = DocumentFormat::kOsv;
  SourceKind kind = SourceKind::kAdvisory;
  std::string id;        // the document's own id (OSV id, CSAF tracking id, SBOM serial…)
  std::string modified;  // RFC 3339 UTC or ""
  std::vector<Record> records;
};

// The record as a JSON object with fixed keys (empty strings and lists omitted), the form
// written into json:raw shards and read by the policy engine.
json::Json RecordToJson(const Record& record);
// Reads that form back (record_from_json.cpp); `what` names the record in errors.
Result<Record> RecordFromJson(const json::Json& j, std::string_view what);

}  // namespace ec::evidence
