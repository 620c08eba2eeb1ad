// OSV JSON (schema 1.x: GHSA, Go, PyPI, RustSec, Bitnami, Drupal, PSF, Haskell …) into
// advisory records, one per affected package.
#pragma once

#include <string_view>

#include "evidence/record.h"
#include "json/parse.h"
#include "status.h"

namespace ec::evidence {

// One record per distinct affected package (entries naming the same package are merged):
//   purl       affected[].package.purl, else built from ecosystem + name (BuildPurl); an
//              entry without a package (PSF's CPython GIT ranges) gives an empty purl, and
//              an advisory without affected[] gives one record with no package;
//   version    the single entry of affected[].versions[], if exactly one;
//   fixed      "fixed" events of non-GIT ranges (GIT ones are commits, not versions);
//   severity   a CVSS v3 vector in affected[].severity, else in the top-level severity, else
//              the words in affected[].database_specific / ecosystem_specific.severity or
//              the top-level database_specific.severity ("MODERATE" → "medium");
//   modified   "modified", or "published" when modified is unknown (Go's zero time);
//   summary    "summary", else the first line of "details".
// Withdrawn advisories still give records (policy decides). InvalidArgument when "id" is not
// a string.
Result<NormalisedDocument> NormaliseOsv(const json::Json& doc, std::string_view what);

}  // namespace ec::evidence
