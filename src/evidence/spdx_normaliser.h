// SPDX 2.x JSON SBOMs into one record per package.
#pragma once

#include <string_view>

#include "evidence/record.h"
#include "json/parse.h"
#include "status.h"

namespace ec::evidence {

// Each packages[] entry: package "name", version "versionInfo" (else the purl's), purl the
// first externalRefs entry of category PACKAGE-MANAGER (or PACKAGE_MANAGER) and type "purl",
// ecosystem the purl type. The document id is "documentNamespace"; modified is
// creationInfo.created.
Result<NormalisedDocument> NormaliseSpdx(const json::Json& doc, std::string_view what);

}  // namespace ec::evidence
