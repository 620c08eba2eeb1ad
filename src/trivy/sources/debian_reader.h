// Stages the Debian security tracker JSON (https://security-tracker.debian.org/tracker/data/json:
// {package: {ID: {description, scope, debianbug, releases: {codename: {status,
// repositories, fixed_version, urgency, nodsa, nodsa_reason}}}}}) into `debian <major>`
// buckets, with the value semantics of trivy-db's debian source (trivy-db.md §2.2-2.4):
//   resolved, fixed_version "0"           → not affected: nothing stored
//   resolved, fixed_version V             → {"FixedVersion": V}
//   open                                  → {"Severity": urgency, "Status": S} with
//       S = 5 will_not_fix when nodsa_reason is "ignored", 6 fix_deferred when
//       "postponed", 7 end_of_life when the urgency is "end-of-life", else 2 affected
//   undetermined, or any other status     → nothing stored
// Urgency → severity: unimportant / low* → LOW, medium* → MEDIUM, high* → HIGH, anything
// else (not yet assigned, end-of-life) → UNKNOWN (not written).
// Codenames map to major versions (bookworm → 12, …); sid, experimental and unknown
// codenames are dropped. The vulnerability detail for source "debian" carries the
// tracker's description and, as Severity, the urgency of the sid entry (else the highest
// urgency of any release). data-source: {"ID":"debian","Name":"Debian Security Tracker",
// "URL":"https://salsa.debian.org/security-tracker-team/security-tracker"}.
// A malformed package or ID entry is reported as a problem and skipped; the rest of the
// document still loads.
#pragma once

#include "json/parse.h"
#include "status.h"
#include "trivy/sources/reader.h"

namespace ec::trivy {

bool LooksLikeDebianTracker(const json::Json& document);

Result<DocumentOutcome> ReadDebianTracker(const json::Json& document, Staging& staging);

}  // namespace ec::trivy
