// The declarative policy pack: which findings an export allows, warns about or denies. Read
// from YAML (yaml-cpp) or JSON (a document whose first non-blank character is "{"), validated
// strictly: unknown keys, a wrong apiVersion/kind, wrong types and bad enum values are errors
// that name the key path, e.g.
//   rules.severityThreshold: got "urgent", want critical|high|medium|low|none
//
//   apiVersion: export-center/v1            # required, exactly this
//   kind: PolicyPack                         # required, exactly this
//   metadata:
//     name: baseline                         # required, non-empty
//     description: "…"                       # optional
//   rules:                                   # required; every rule below is optional
//     severityThreshold: high   # findings at or above are denied (critical|high|medium|low|
//                               # none); "none" (or absent) turns the rule off; findings of
//                               # unknown severity never reach a threshold
//     vex:                      # decision for findings settled by a VEX status
//       notAffected: allow      # allow | warn | deny; an absent status is no rule
//       fixed: allow
//       underInvestigation: warn
//     fixAvailability:
//       noFix: warn             # decision for findings with no fixed version (allow|warn|deny)
//     allow: {purls: ["pkg:npm/lodash@*"], vulnerabilities: ["CVE-2021-1234"]}
//     deny:  {purls: ["pkg:pypi/insecure-*"], vulnerabilities: ["GHSA-xxxx-*"]}
//
// Globs: "*" matches any run of characters (also none), "?" exactly one; nothing else is
// special. A purl glob must match the whole purl (version, qualifiers and all) and starts with
// "pkg:"; a vulnerability glob matches the id or an alias, ignoring ASCII case.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/glob.h"
#include "status.h"

namespace ec::evidence {

inline constexpr std::string_view kPolicyApiVersion = "export-center/v1";
inline constexpr std::string_view kPolicyKind = "PolicyPack";

enum class Action { kAllow, kWarn, kDeny };
// "allow" | "warn" | "deny".
const char* ActionName(Action action);

// Ordered lowest first so that comparisons read naturally.
enum class Severity { kNone, kLow, kMedium, kHigh, kCritical };
// "none" | "low" | "medium" | "high" | "critical".
const char* SeverityName(Severity severity);
// The Severity for a record's severity word; nullopt for "" (unknown) or anything else.
std::optional<Severity> ParseSeverity(std::string_view word);

struct MatchList {
  std::vector<std::string> purls;            // globs over the whole purl
  std::vector<std::string> vulnerabilities;  // globs over the id and its aliases
};

struct PolicyPack {
  std::string name;
  std::string description;
  // Findings at or above are denied; nullopt when absent or "none".
  std::optional<Severity> severity_threshold;
  // Decisions for VEX statuses; nullopt: no rule for that status.
  std::optional<Action> vex_not_affected;
  std::optional<Action> vex_fixed;
  std::optional<Action> vex_under_investigation;
  std::optional<Action> no_fix;  // fixAvailability.noFix
  MatchList allow;
  MatchList deny;
};

// Parses and validates a pack. `what` names the document in errors ("policy.yaml at commit …").
Result<PolicyPack> ParsePolicyPack(std::string_view bytes, std::string_view what);

// Pack globs are oci::GlobMatch: "*" any run, "?" one character, over the whole text.
using oci::GlobMatch;

}  // namespace ec::evidence
