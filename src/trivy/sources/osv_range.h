// One OSV version range as trivy-db models it (vulnsrc/osv/range.go; trivy-db.md §2.2):
// opened by an `introduced` event, closed by `fixed` (exclusive) or `last_affected`
// (inclusive). String() gives the stored constraint text:
//   introduced 1.2.0, fixed 1.2.5        → ">=1.2.0, <1.2.5"
//   introduced 0, fixed 1.2.3            → "<1.2.3"      (">=0" is dropped)
//   introduced 1.0, last_affected 1.0    → "=1.0"
//   introduced 1.0, last_affected 2.0    → ">=1.0, <=2.0"
//   introduced 1.0 only                  → ">=1.0"
#pragma once

#include <string>
#include <string_view>

namespace ec::trivy {

enum class VersionScheme { kPep440, kGeneric };

// PyPI → PEP 440; every other ecosystem → the generic comparer (see versions.h).
VersionScheme SchemeForEcosystem(std::string_view osv_ecosystem);

struct OsvVersionRange {
  std::string from;
  std::string to;
  bool to_included = false;

  std::string String() const;
  // Whether `version` satisfies String() under `scheme`. A bound or version that does not
  // parse makes the answer false, as trivy-db's comparers log and return false.
  bool Contains(VersionScheme scheme, std::string_view version) const;
};

}  // namespace ec::trivy
