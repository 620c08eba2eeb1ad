#include "evidence/detect.h"

#include "evidence/json_fields.h"

namespace ec::evidence {
namespace {

bool Mentions(const json::Json& context, std::string_view needle) {
  if (context.is_string()) return AsString(context).find(needle) != std::string_view::npos;
  if (context.is_array()) {
    for (const auto& item : context) {
      if (AsString(item).find(needle) != std::string_view::npos) return true;
    }
  }
  return false;
}

bool IsCycloneDxVex(const json::Json& doc) {
  const json::Json& vulns = ArrayField(doc, "vulnerabilities");
  if (vulns.empty()) return false;
  for (const auto& v : vulns) {
    if (!StringField(ObjectField(v, "analysis"), "state").empty()) return true;
  }
  return ArrayField(doc, "components").empty();
}

}  // namespace

Result<DocumentFormat> DetectFormat(const json::Json& doc, std::string_view what) {
  if (doc.is_object()) {
    const json::Json* document = Field(doc, "document");
    if (document && Field(*document, "csaf_version")) {
      return StringField(*document, "category") == "csaf_vex" ? DocumentFormat::kCsafVex
                                                                : DocumentFormat::kCsaf;
    }
    const json::Json* context = Field(doc, "@context");
    // go-vex writes merged documents with an empty "@context".
    const json::Json* statements = Field(doc, "statements");
    if (context && statements &&
        (Mentions(*context, "openvex") ||
         (context->is_string() && AsString(*context).empty() && statements->is_array()))) {
      return DocumentFormat::kOpenVex;
    }
    if (StringField(doc, "bomFormat") == "CycloneDX") {
      return IsCycloneDxVex(doc) ? DocumentFormat::kCycloneDxVex : DocumentFormat::kCycloneDx;
    }
    std::string_view spdx_version = StringField(doc, "spdxVersion");
    if (spdx_version.substr(0, 6) == "SPDX-2") return DocumentFormat::kSpdx;
    if (spdx_version.substr(0, 6) == "SPDX-3" ||
        (context && Mentions(*context, "spdx.org/rdf/3"))) {
      return InvalidArgument(
          StrCat(what, ": SPDX 3.0 JSON-LD is not supported; want SPDX 2.x JSON"));
    }
    if (!StringField(doc, "id").empty() && !document &&
        (Field(doc, "affected") || Field(doc, "modified") || Field(doc, "schema_version"))) {
      return DocumentFormat::kOsv;
    }
  }
  return InvalidArgument(StrCat(what,
                                ": not a recognised evidence document (want OSV, CSAF, "
                                "OpenVEX, CycloneDX or SPDX JSON)"));
}

}  // namespace ec::evidence
