// CVSS v3.0 / v3.1 vector parsing and scoring, as trivy-db uses it for OSV severities:
// the stored score is the *environmental* score (pandatix/go-cvss EnvironmentalScore()),
// which equals the temporal score when no environmental metric is set and the base score
// when no temporal metric is set either — except that CVSS 3.1 computes the modified
// impact of a scope-changed vector with its own formula, so for a few S:C vectors the
// environmental score differs from the base score by 0.1 (CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/
// C:H/I:H/A:H: base 9.6, stored 9.7); we reproduce that. Both versions use the v3.1 Roundup,
// as go-cvss does.
#pragma once

#include <string_view>

#include "status.h"

namespace ec::trivy {

// Score of a "CVSS:3.0/…" or "CVSS:3.1/…" vector. Every base metric must be present once;
// temporal and environmental metrics are optional ("X" = not defined). Errors name the
// offending metric.
Result<double> CvssV3Score(std::string_view vector);

}  // namespace ec::trivy
