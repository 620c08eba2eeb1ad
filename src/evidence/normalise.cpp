#include "evidence/normalise.h"

#include <exception>

#include "evidence/csaf_normaliser.h"
#include "evidence/cyclonedx_normaliser.h"
#include "evidence/detect.h"
#include "evidence/openvex_normaliser.h"
#include "evidence/osv_normaliser.h"
#include "evidence/spdx_normaliser.h"

namespace ec::evidence {

Result<NormalisedDocument> NormaliseJson(const json::Json& doc, std::string_view what) {
  EC_ASSIGN_OR_RETURN(DocumentFormat format, DetectFormat(doc, what));
  switch (format) {
    case DocumentFormat::kOsv: return NormaliseOsv(doc, what);
    case DocumentFormat::kCsaf:
    case DocumentFormat::kCsafVex: return NormaliseCsaf(doc, what);
    case DocumentFormat::kOpenVex: return NormaliseOpenVex(doc, what);
    case DocumentFormat::kCycloneDxVex: return NormaliseCycloneDxVex(doc, what);
    case DocumentFormat::kCycloneDx: return NormaliseCycloneDxSbom(doc, what);
    case DocumentFormat::kSpdx: return NormaliseSpdx(doc, what);
  }
  return Internal(StrCat(what, ": unhandled document format"));
}

Result<NormalisedDocument> Normalise(std::string_view bytes, std::string_view what) {
  if (bytes.size() > kMaxDocumentBytes) {
    return InvalidArgument(StrCat(what, ": got ", bytes.size(), " bytes, want at most ",
                                  kMaxDocumentBytes, " for an evidence document"));
  }
  Result<json::Json> doc = Status(Code::kInternal, "not parsed");
  try {
    doc = json::Parse(bytes, what);  // catches syntax errors; allocation failure still throws
  } catch (const std::exception& e) {
    return Internal(StrCat(what, ": parsing JSON: ", e.what()));
  }
  if (!doc.ok()) return doc.status();
  return NormaliseJson(*doc, what);
}

}  // namespace ec::evidence
