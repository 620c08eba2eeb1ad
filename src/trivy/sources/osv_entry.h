// An OSV record (https://ossf.github.io/osv-schema/) decoded from JSON — or from YAML
// converted to JSON — with the fields trivy-db reads. Decoding is as strict as Go's
// json.Decoder into trivy-db's osv.Entry: a field of the wrong type, or a timestamp that is
// not RFC 3339, rejects the whole document.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "json/parse.h"
#include "status.h"
#include "trivy/sources/rfc3339.h"

namespace ec::trivy {

struct OsvSeverity {
  std::string type;   // "CVSS_V3", "CVSS_V4", …
  std::string score;  // the vector
};

struct OsvEvent {
  std::string introduced;
  std::string fixed;
  std::string last_affected;
};

struct OsvRange {
  std::string type;  // "SEMVER", "ECOSYSTEM", "GIT"
  std::vector<OsvEvent> events;
};

struct OsvAffected {
  std::string package_name;
  std::string ecosystem;  // raw, e.g. "PyPI", "crates.io", "Packagist:https://…"
  std::vector<OsvRange> ranges;
  std::vector<std::string> versions;
  std::vector<OsvSeverity> severity;
  json::Json database_specific;   // null when absent
  std::vector<std::string> goos;  // ecosystem_specific.imports[].goos, flattened
  std::vector<std::string> goarch;
};

struct OsvEntry {
  std::string id;
  std::optional<Timestamp> modified;
  std::optional<Timestamp> published;
  std::optional<Timestamp> withdrawn;
  std::vector<std::string> aliases;
  std::string summary;
  std::string details;
  std::vector<OsvSeverity> severity;
  std::vector<OsvAffected> affected;
  std::vector<std::string> references;  // URLs, in document order
  json::Json database_specific;         // null when absent
};

// Errors read "<field>: <problem>", e.g. "affected[0].ranges[1].events: not an array".
Result<OsvEntry> DecodeOsvEntry(const json::Json& document);

}  // namespace ec::trivy
