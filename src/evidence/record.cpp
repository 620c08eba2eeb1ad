#include "evidence/record.h"

namespace ec::evidence {

const char* SourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::kAdvisory: return "advisory";
    case SourceKind::kVex: return "vex";
    case SourceKind::kSbom: return "sbom";
  }
  return "advisory";  // unreachable: every enumerator is handled above
}

const char* DocumentFormatName(DocumentFormat format) {
  switch (format) {
    case DocumentFormat::kOsv: return "osv";
    case DocumentFormat::kCsaf: return "csaf";
    case DocumentFormat::kCsafVex: return "csaf-vex";
    case DocumentFormat::kOpenVex: return "openvex";
    case DocumentFormat::kCycloneDxVex: return "cyclonedx-vex";
    case DocumentFormat::kCycloneDx: return "cyclonedx";
    case DocumentFormat::kSpdx: return "spdx";
  }
  return "osv";  // unreachable
}

json::Json RecordToJson(const Record& r) {
  json::Json j = json::Json::object();
  j["kind"] = SourceKindName(r.kind);
  auto put = [&j](const char* key, const std::string& value) {
    if (!value.empty()) j[key] = value;
  };
  auto put_list = [&j](const char* key, const std::vector<std::string>& values) {
    if (!values.empty()) j[key] = values;
  };
  put("vulnerability", r.vulnerability);
  put_list("aliases", r.aliases);
  put("purl", r.purl);
  put("ecosystem", r.ecosystem);
  put("package", r.package);
  put("version", r.version);
  put("severity", r.severity);
  put("vexStatus", r.vex_status);
  put("justification", r.justification);
  put_list("fixedVersions", r.fixed_versions);
  put("modified", r.modified);
  put("summary", r.summary);
  return j;
}

}  // namespace ec::evidence
