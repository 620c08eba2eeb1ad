// Reading one evidence document: parse, detect the format, normalise into records.
#pragma once

#include <string_view>

#include "evidence/normalise_common.h"  // kMaxDocumentBytes, kMaxRecordsPerDocument
#include "evidence/record.h"
#include "json/parse.h"
#include "status.h"

namespace ec::evidence {

// Parses `bytes` once (json::Parse), detects the format (DetectFormat) and normalises it.
// `what` names the document in every error. InvalidArgument for a document over
// kMaxDocumentBytes, invalid JSON, an unrecognised format, or more than
// kMaxRecordsPerDocument records.
Result<NormalisedDocument> Normalise(std::string_view bytes, std::string_view what);

// The same for an already parsed document.
Result<NormalisedDocument> NormaliseJson(const json::Json& doc, std::string_view what);

}  // namespace ec::evidence
