#include "trivy/sources/trivy_types.h"

#include "trivy/sources/go_json.h"

namespace ec::trivy {
namespace {

std::string EncodeStrings(const std::vector<std::string>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += ',';
    gojson::AppendString(out, values[i]);
  }
  out += ']';
  return out;
}

}  // namespace

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kUnknown: return "UNKNOWN";
    case Severity::kLow: return "LOW";
    case Severity::kMedium: return "MEDIUM";
    case Severity::kHigh: return "HIGH";
    case Severity::kCritical: return "CRITICAL";
  }
  return "UNKNOWN";
}

Severity SeverityFromScore(double score) {
  if (score >= 9.0) return Severity::kCritical;
  if (score >= 7.0) return Severity::kHigh;
  if (score >= 4.0) return Severity::kMedium;
  if (score > 0.0) return Severity::kLow;
  return Severity::kUnknown;
}

std::string EncodeAdvisory(const Advisory& a) {
  // Bytewise-sorted key order of the fields we fill: Arches, FixedVersion, OSes,
  // PatchedVersions, Severity, Status, VendorIDs, VulnerableVersions.
  gojson::ObjectWriter w;
  if (!a.arches.empty()) w.Raw("Arches", EncodeStrings(a.arches));
  if (!a.fixed_version.empty()) w.String("FixedVersion", a.fixed_version);
  if (!a.oses.empty()) w.Raw("OSes", EncodeStrings(a.oses));
  if (!a.patched_versions.empty()) w.Raw("PatchedVersions", EncodeStrings(a.patched_versions));
  if (a.severity != Severity::kUnknown) w.Int("Severity", static_cast<int>(a.severity));
  if (a.status != AdvisoryStatus::kUnknown) w.Int("Status", static_cast<int>(a.status));
  if (!a.vendor_ids.empty()) w.Raw("VendorIDs", EncodeStrings(a.vendor_ids));
  if (!a.vulnerable_versions.empty()) {
    w.Raw("VulnerableVersions", EncodeStrings(a.vulnerable_versions));
  }
  return w.Finish();
}

std::string EncodeDetail(const VulnerabilityDetail& d) {
  gojson::ObjectWriter w;
  if (d.cvss_score != 0) w.Float("CvssScore", d.cvss_score);
  if (!d.cvss_vector.empty()) w.String("CvssVector", d.cvss_vector);
  if (d.cvss_score_v3 != 0) w.Float("CvssScoreV3", d.cvss_score_v3);
  if (!d.cvss_vector_v3.empty()) w.String("CvssVectorV3", d.cvss_vector_v3);
  if (d.cvss_score_v40 != 0) w.Float("CvssScoreV40", d.cvss_score_v40);
  if (!d.cvss_vector_v40.empty()) w.String("CvssVectorV40", d.cvss_vector_v40);
  if (d.severity != Severity::kUnknown) w.Int("Severity", static_cast<int>(d.severity));
  if (d.severity_v3 != Severity::kUnknown) w.Int("SeverityV3", static_cast<int>(d.severity_v3));
  if (d.severity_v40 != Severity::kUnknown) w.Int("SeverityV40", static_cast<int>(d.severity_v40));
  if (!d.cwe_ids.empty()) w.Raw("CweIDs", EncodeStrings(d.cwe_ids));
  if (!d.references.empty()) w.Raw("References", EncodeStrings(d.references));
  if (!d.title.empty()) w.String("Title", d.title);
  if (!d.description.empty()) w.String("Description", d.description);
  if (!d.published_date.empty()) w.String("PublishedDate", d.published_date);
  if (!d.last_modified_date.empty()) w.String("LastModifiedDate", d.last_modified_date);
  return w.Finish();
}

std::string EncodeDataSource(const DataSource& s) {
  gojson::ObjectWriter w;
  if (!s.id.empty()) w.String("ID", s.id);
  if (!s.name.empty()) w.String("Name", s.name);
  if (!s.url.empty()) w.String("URL", s.url);
  return w.Finish();
}

}  // namespace ec::trivy
