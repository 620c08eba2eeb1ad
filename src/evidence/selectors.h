// Scope selectors: which of a tenant's evidence an export takes. Every field narrows; an
// empty field does not. Selectors are validated once (Validate) and then written into the
// export's manifest.json as given, so a rerun with the same selectors is recognisable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "evidence/record.h"
#include "json/parse.h"
#include "status.h"

namespace ec::evidence {

struct Selectors {
  std::string tenant;                         // required: a slug ([a-z0-9-], 1–63)
  std::vector<std::string> kinds;             // advisory | vex | sbom
  std::vector<std::string> ecosystems;        // purl types: npm, pypi, golang, maven, …
  std::vector<std::string> purl_globs;        // GlobMatch patterns (* and ?) over the whole purl
  std::vector<std::string> vulnerabilities;   // ids, matched against the id and its aliases
  std::string modified_since;                 // RFC 3339 UTC; records without a time fail it
  std::string modified_until;                 // RFC 3339 UTC, exclusive; likewise
  std::string min_severity;                   // critical | high | medium | low | none
};

// Checks every field and puts list fields in sorted, unique order (so that the same scope
// always gives the same manifest). Errors name the selector: `--severity "urgent": want
// critical, high, medium, low or none`.
Status NormaliseSelectors(Selectors& selectors);

// The canonical JSON form written into manifest.json (only the fields that are set).
json::Json SelectorsToJson(const Selectors& selectors);

// True when `record` is in scope (the tenant is checked by the store's query, not here).
bool RecordInScope(const Selectors& selectors, const Record& record);

// True when a selector works on records (so a document with no records is out of scope).
bool HasRecordSelectors(const Selectors& selectors);

// Severity rank: none 0 … critical 4; -1 for "" or unknown words.
int SeverityRank(std::string_view severity);

// Tenant names: [a-z0-9] and inner '-', at most 63 characters.
Status ValidateTenant(std::string_view tenant);

}  // namespace ec::evidence
