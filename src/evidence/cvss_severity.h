// Severity bands for evidence records: from a CVSS v3.0/v3.1 vector (base score computed
// here), from a stated score, or from a document's own severity word. CVSS v2 and v4 vectors
// are not scored; callers use the document's stated score or word for those.
#pragma once

#include <string_view>

#include "status.h"

namespace ec::evidence {

// Base score of a "CVSS:3.0/…" or "CVSS:3.1/…" vector. Every base metric must appear once;
// temporal and environmental metrics are accepted and ignored. Errors quote the vector and
// name the bad metric.
Result<double> CvssV3BaseScore(std::string_view vector);

// "none" (0.0), "low" (0.1-3.9), "medium" (4.0-6.9), "high" (7.0-8.9), "critical" (9.0-10.0)
// for a CVSS v3/v4 score; "" outside 0-10.
std::string_view SeverityFromScore(double score);

// CVSS v2 has no critical band: "low" (0-3.9), "medium" (4.0-6.9), "high" (7.0-10.0).
std::string_view SeverityFromV2Score(double score);

// The band of a v3 vector, or "" when the vector is not a valid v3.0/v3.1 vector.
std::string_view SeverityFromCvssV3(std::string_view vector);

// A document's severity word, case-insensitive: critical; high / important; medium /
// moderate; low; none / info / informational. Anything else → "".
std::string_view SeverityFromWord(std::string_view word);

}  // namespace ec::evidence
