// The policy engine behind the json:policy export profile: advisory records joined with VEX
// statements become findings, a PolicyPack turns each finding into a decision with its
// reasons, and a PolicySnapshot pins which policy and which inputs produced them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "evidence/policy.h"
#include "evidence/record.h"
#include "json/parse.h"

namespace ec::evidence {

struct Finding {
  std::string vulnerability;
  std::string purl;
  std::string package;
  std::string severity;  // "critical" … "none", or "" (unknown)
  std::vector<std::string> fixed_versions;
  std::string vex_status;  // from the chosen VEX statement, or ""
  std::string vex_justification;
  std::vector<std::string> aliases;  // the advisory's; allow/deny globs match these too
};

// One finding per advisory record (exact duplicates, e.g. the same advisory ingested twice,
// collapse to one), sorted by (vulnerability, purl, then every other field).
// A VEX record applies to an advisory record when
//   - their ids meet: the VEX vulnerability or one of its aliases equals (ASCII case folded) the
//     advisory's vulnerability or one of its aliases, and
//   - their products meet: when both carry a purl, the purls are equal once version,
//     qualifiers and subpath are dropped ("pkg:npm/foo@1.2" meets "pkg:npm/foo"); when either
//     lacks one, the package names are equal (and non-empty).
// When several apply, the one chosen is the most recent `modified` (unknown is oldest), then
// by status fixed > not_affected > affected > under_investigation, then by justification.
std::vector<Finding> BuildFindings(const std::vector<Record>& records);

struct Decision {
  Finding finding;
  std::string decision;  // "allow" | "warn" | "deny"
  // Every rule that matched, in precedence order; the first one decided. When none matched,
  // the single reason "no rule matched" (and the decision is allow).
  std::vector<std::string> reasons;
};

// Precedence, first match decides:
//   1. allow-list (purl or vulnerability glob)        → allow
//   2. deny-list  (purl or vulnerability glob)        → deny
//   3. VEX status with a rule in rules.vex            → that rule's action
//   4. severity at or above rules.severityThreshold  → deny
//   5. no fixed version and rules.fixAvailability.noFix → that action
//   6. otherwise                                      → allow
// Reason texts: "allow-list: purl pkg:npm/lodash@* matched", "deny-list: vulnerability
// GHSA-xxxx-* matched" (plus " alias CVE-…" when an alias matched), "vex: not_affected
// (component_not_present)", "severity high >= threshold high", "no fixed version".
// Output is sorted by (vulnerability, purl, then every other field): the same for any order of
// `findings`.
std::vector<Decision> Evaluate(const PolicyPack& pack, const std::vector<Finding>& findings);

// {vulnerability, aliases, purl, package, severity, fixedVersions, vexStatus,
// vexJustification, decision, reasons}; empty strings and lists are omitted except
// vulnerability, decision and reasons.
json::Json DecisionToJson(const Decision& decision);

struct PolicySnapshot {
  std::string policy_version;  // the policy commit id (40 hex)
  std::string policy_digest;   // "sha256:<hex>" of the pack bytes
  std::string inputs_hash;     // see InputsHash
};

// "sha256:<hex>" of the pack bytes as read.
std::string PolicyDigest(std::string_view pack_bytes);
// "sha256:<hex>" over the input documents' digests, sorted, duplicates dropped, joined by "\n"
// (no trailing newline): independent of ingest order.
std::string InputsHash(std::vector<std::string> document_digests);
PolicySnapshot MakePolicySnapshot(std::string policy_commit, std::string_view pack_bytes,
                                  std::vector<std::string> document_digests);

// {policyVersion, policyDigest, inputsHash}.
json::Json SnapshotToJson(const PolicySnapshot& snapshot);

}  // namespace ec::evidence
