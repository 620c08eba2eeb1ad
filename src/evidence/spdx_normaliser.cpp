#include "evidence/spdx_normaliser.h"

#include <exception>

#include "evidence/json_fields.h"
#include "evidence/normalise_common.h"
#include "evidence/time_utc.h"

namespace ec::evidence {
namespace {

std::string_view PackagePurl(const json::Json& package) {
  for (const auto& ref : ArrayField(package, "externalRefs")) {
    std::string_view category = StringField(ref, "referenceCategory");
    if ((category == "PACKAGE-MANAGER" || category == "PACKAGE_MANAGER") &&
        StringField(ref, "referenceType") == "purl") {
      std::string_view locator = StringField(ref, "referenceLocator");
      if (!locator.empty()) return locator;
    }
  }
  return "";
}

Result<NormalisedDocument> NormaliseImpl(const json::Json& doc, std::string_view what) {
  NormalisedDocument out;
  out.format = DocumentFormat::kSpdx;
  out.kind = SourceKind::kSbom;
  out.id = StringField(doc, "documentNamespace");
  out.modified = NormaliseTime(StringField(ObjectField(doc, "creationInfo"), "created"));
  for (const auto& package : ArrayField(doc, "packages")) {
    if (!package.is_object()) continue;
    if (RecordsFull(out)) return TooManyRecords(what);
    Record r;
    r.kind = SourceKind::kSbom;
    // Early SPDX 2.2 JSON writers used "packageName" / "packageVersion".
    r.package = StringField(package, "name");
    if (r.package.empty()) r.package = StringField(package, "packageName");
    r.version = StringField(package, "versionInfo");
    if (r.version.empty()) r.version = StringField(package, "packageVersion");
    std::string_view purl = PackagePurl(package);
    if (!purl.empty()) SetPurl(r, purl);
    r.modified = out.modified;
    out.records.push_back(std::move(r));
  }
  EC_RETURN_IF_ERROR(FinishDocument(out, what));
  return out;
}

}  // namespace

Result<NormalisedDocument> NormaliseSpdx(const json::Json& doc, std::string_view what) {
  try {
    return NormaliseImpl(doc, what);
  } catch (const std::exception& e) {  // only allocation failures are expected here
    return Internal(StrCat(what, ": normalising SPDX: ", e.what()));
  }
}

}  // namespace ec::evidence
