// The trivy-db value types the normalisers produce (trivy-db `pkg/types`, trivy-db.md §2.2),
// and their stored bytes. Only the fields our sources fill are modelled; every field is
// omitempty, so an empty member is simply not written.
#pragma once

#include <string>
#include <vector>

namespace ec::trivy {

// trivy-db types.Severity.
enum class Severity { kUnknown = 0, kLow = 1, kMedium = 2, kHigh = 3, kCritical = 4 };
// trivy-db types.Status.
enum class AdvisoryStatus {
  kUnknown = 0,
  kNotAffected = 1,
  kAffected = 2,
  kFixed = 3,
  kUnderInvestigation = 4,
  kWillNotFix = 5,
  kFixDeferred = 6,
  kEndOfLife = 7,
};

const char* SeverityName(Severity s);  // "UNKNOWN", "LOW", …
// CVSS score → severity band (trivy-db scoreToSeverity).
Severity SeverityFromScore(double score);

// types.Advisory as stored under <platform>/<package>/<vulnerability ID>.
struct Advisory {
  std::vector<std::string> vendor_ids;
  std::vector<std::string> oses;
  std::vector<std::string> arches;
  Severity severity = Severity::kUnknown;
  std::string fixed_version;
  std::vector<std::string> vulnerable_versions;
  std::vector<std::string> patched_versions;
  AdvisoryStatus status = AdvisoryStatus::kUnknown;
};

// The stored bytes: trivy-db's optimize() re-marshals every advisory through map[string]any,
// so keys come out sorted and numbers as float64 (trivy-db.md §2.5).
std::string EncodeAdvisory(const Advisory& advisory);

// types.VulnerabilityDetail: what one source says about one vulnerability (build-time only).
// Our readers fill the v3 score and `severity`; the other CVSS fields exist so that details
// from any trivy-db source normalise exactly as upstream (vulnerability_value.h).
struct VulnerabilityDetail {
  double cvss_score = 0;  // CVSS v2
  std::string cvss_vector;
  double cvss_score_v3 = 0;
  std::string cvss_vector_v3;
  double cvss_score_v40 = 0;
  std::string cvss_vector_v40;
  Severity severity = Severity::kUnknown;
  Severity severity_v3 = Severity::kUnknown;
  Severity severity_v40 = Severity::kUnknown;
  std::vector<std::string> cwe_ids;
  std::vector<std::string> references;
  std::string title;
  std::string description;
  std::string published_date;      // Go RFC 3339 text, empty when absent
  std::string last_modified_date;  // Go RFC 3339 text, empty when absent
};

// Canonical bytes of a detail (struct order), used to compare competing details.
std::string EncodeDetail(const VulnerabilityDetail& detail);

// types.DataSource, stored under data-source/<platform>.
struct DataSource {
  std::string id;
  std::string name;
  std::string url;
};

std::string EncodeDataSource(const DataSource& source);

}  // namespace ec::trivy
