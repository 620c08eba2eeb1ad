// The source-independent half of trivy-db's OSV import (vulnsrc/osv/osv.go parseAffected):
// turns one OSV record into one advisory per (ecosystem, package, vulnerability ID).
//   - IDs: if the record or its aliases include CVE IDs, those are the vulnerability IDs and
//     every other ID becomes a VendorID; otherwise the record's own ID is used and its
//     aliases are the VendorIDs.
//   - Ranges: GIT ranges are ignored; each `introduced` opens a range (osv_range.h); every
//     `fixed` is also a patched version. Explicit `versions[]` outside all ranges are added
//     as "=<version>".
//   - The same package listed in several `affected` entries accumulates its ranges.
//   - CVSS: the first CVSS_V3 entry of the record's `severity`, replaced by an `affected`
//     entry's own CVSS_V3 from that entry on (as trivy-db's loop does).
// Deviation from trivy-db, on purpose: trivy-db keys its accumulator by package only, so a
// record with two CVE aliases stores the first CVE with every range twice and drops the
// second CVE; here each (package, ID) pair gets its own advisory.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "status.h"
#include "trivy/sources/osv_entry.h"

namespace ec::trivy {

struct OsvAdvisory {
  std::string ecosystem;     // Trivy slug
  std::string package;       // normalised name
  std::string raw_package;   // as written in the record
  std::string vuln_id;
  std::vector<std::string> vendor_ids;
  std::vector<std::string> vulnerable_versions;
  std::vector<std::string> patched_versions;
  std::vector<std::string> oses;
  std::vector<std::string> arches;
  double cvss_score_v3 = 0;
  std::string cvss_vector_v3;
};

// Source-specific step run after each `affected` entry is merged into an advisory
// (trivy-db Transformer.PostParseAffected).
using PostParseHook = std::function<void(OsvAdvisory&, const OsvAffected&)>;

struct ParsedOsv {
  std::vector<OsvAdvisory> advisories;  // in record order
  // Ecosystems of `affected` entries that have no Trivy bucket (each listed once).
  std::vector<std::string> unsupported_ecosystems;
};

// Splits the record's ID and aliases into (vulnerability IDs, vendor IDs).
void GroupVulnerabilityIds(const OsvEntry& entry, std::vector<std::string>& vuln_ids,
                           std::vector<std::string>& vendor_ids);

// Errors: an invalid CVSS v3 vector (trivy-db fails the whole record too).
Result<ParsedOsv> ParseOsvAdvisories(const OsvEntry& entry, const PostParseHook& post_parse);

}  // namespace ec::trivy
