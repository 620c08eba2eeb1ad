#include "trivy/sources/format.h"

#include "trivy/sources/alpine_reader.h"
#include "trivy/sources/debian_reader.h"
#include "trivy/sources/node_reader.h"
#include "trivy/sources/osv_reader.h"

namespace ec::trivy {

AdvisoryFormat DetectFormat(const json::Json& document) {
  if (LooksLikeOsv(document)) return AdvisoryFormat::kOsv;
  if (LooksLikeAlpineSecdb(document)) return AdvisoryFormat::kAlpineSecdb;
  if (LooksLikeNodeSecurityWg(document)) return AdvisoryFormat::kNodeSecurityWg;
  if (LooksLikeDebianTracker(document)) return AdvisoryFormat::kDebianTracker;
  return AdvisoryFormat::kUnknown;
}

std::string_view FormatName(AdvisoryFormat format) {
  switch (format) {
    case AdvisoryFormat::kOsv: return "osv";
    case AdvisoryFormat::kAlpineSecdb: return "alpine-secdb";
    case AdvisoryFormat::kDebianTracker: return "debian-tracker";
    case AdvisoryFormat::kNodeSecurityWg: return "nodejs-security-wg";
    case AdvisoryFormat::kUnknown: break;
  }
  return "unknown";
}

}  // namespace ec::trivy
