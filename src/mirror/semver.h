// Semantic versions (semver.org 2.0.0) and the ranges mirror specs select tags with. Tags are
// often "v1.2.3": a leading "v" is accepted. Ranges are space-separated comparators that must
// all hold ("AND"), alternatives joined by "||":
//   >=1.2.0 <2.0.0   exact comparators: = > >= < <=
//   1.2.3            exactly that version
//   ^1.2.3           >=1.2.3 <2.0.0 (^0.2.3: <0.3.0; ^0.0.3: <0.0.4)
//   ~1.2.3           >=1.2.3 <1.3.0
//   1.x, 1.2.*, *    wildcards
// Pre-releases only match a comparator naming the same major.minor.patch with a pre-release
// (npm's rule), so ">=1.0.0" does not pull in "2.0.0-rc.1".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace ec::mirror {

struct Version {
  std::uint64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers; empty: a release

  // "1.2.3", "v1.2.3", "1.2.3-rc.1+build.5" (build metadata is ignored); nullopt otherwise.
  static std::optional<Version> Parse(std::string_view text);
  // semver precedence: -1, 0, 1.
  friend int Compare(const Version& a, const Version& b);
};

class VersionRange {
 public:
  // Errors name the range and the bad part: `semver range ">=1.x.3": bad version "1.x.3"`.
  static Result<VersionRange> Parse(std::string_view text);
  bool Contains(const Version& v) const;

 private:
  struct Comparator {
    enum class Op { kEq, kLt, kLe, kGt, kGe } op;
    Version version;
  };
  std::vector<std::vector<Comparator>> alternatives_;  // OR of ANDs
};

}  // namespace ec::mirror
