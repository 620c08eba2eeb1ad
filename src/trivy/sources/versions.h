// Version parsing and ordering for the ecosystems OSV ranges use. trivy-db needs them for
// one decision only: whether an explicit `affected[].versions` entry already lies inside
// the ranges (then it is not added again as "=<version>").
//   Pep440Version: PyPI, PEP 440 (epoch, release, pre/post/dev, local) ordered as
//                  pypa/packaging and aquasecurity/go-pep440-version order them.
//   GenericVersion: every other ecosystem — `v`? N(.N)* with an optional pre-release
//                  (after `-`, `.`, `_` or directly after the digits) and `+build`, ordered
//                  like semver (numeric segments zero-padded; a pre-release sorts before the
//                  release; identifiers numeric < alphanumeric). This approximates the
//                  semver / npm / go-version / gem / maven comparers trivy-db uses.
// Numbers of any length are compared exactly (as digit strings).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ec::trivy {

// Compares two non-negative decimal digit strings numerically.
int CompareNumeric(std::string_view a, std::string_view b);

struct Pep440Version {
  std::string epoch = "0";
  std::vector<std::string> release;  // digit strings, as written
  // Pre-release: label "a", "b" or "rc" and number; empty label = none.
  std::string pre_label;
  std::string pre_number;
  std::optional<std::string> post;   // number
  std::optional<std::string> dev;    // number
  std::vector<std::string> local;    // lower-cased segments

  static std::optional<Pep440Version> Parse(std::string_view text);
  bool IsPreRelease() const { return !pre_label.empty() || dev.has_value(); }
  bool IsPostRelease() const { return post.has_value(); }
  // The same version without its local segment.
  Pep440Version Public() const;
  // epoch + release only.
  Pep440Version Base() const;
};

// <0, 0, >0 like strcmp, in PEP 440 order (local segments included).
int Compare(const Pep440Version& a, const Pep440Version& b);

struct GenericVersion {
  std::vector<std::string> release;
  std::vector<std::string> pre;  // identifiers; empty = release version

  static std::optional<GenericVersion> Parse(std::string_view text);
};

int Compare(const GenericVersion& a, const GenericVersion& b);

// "Natural" order for distribution version strings (Alpine apk): runs of digits compare
// numerically, other runs bytewise. Used only to pick one fixed version deterministically.
int CompareNatural(std::string_view a, std::string_view b);

}  // namespace ec::trivy
