#include <catch2/catch.hpp>

#include "trivy/sources/osv_range.h"
#include "trivy/sources/versions.h"

namespace ec::trivy {
namespace {

int Pep(std::string_view a, std::string_view b) {
  auto va = Pep440Version::Parse(a);
  auto vb = Pep440Version::Parse(b);
  INFO(a << " vs " << b);
  REQUIRE(va);
  REQUIRE(vb);
  return Compare(*va, *vb);
}

int Gen(std::string_view a, std::string_view b) {
  auto va = GenericVersion::Parse(a);
  auto vb = GenericVersion::Parse(b);
  INFO(a << " vs " << b);
  REQUIRE(va);
  REQUIRE(vb);
  return Compare(*va, *vb);
}

TEST_CASE("PEP 440 versions order as pypa/packaging orders them", "[trivy][versions]") {
  // The ordering example of PEP 440's "Summary of permitted suffixes and relative ordering".
  const char* ordered[] = {"1.dev0",  "1.0.dev456", "1.0a1",     "1.0a2.dev456", "1.0a12.dev456",
                           "1.0a12",  "1.0b1.dev456", "1.0b2",   "1.0b2.post345.dev456",
                           "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5",
                           "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15",
                           "1.1.dev1"};
  for (std::size_t i = 0; i + 1 < std::size(ordered); ++i) {
    CHECK(Pep(ordered[i], ordered[i + 1]) < 0);
    CHECK(Pep(ordered[i + 1], ordered[i]) > 0);
  }
  CHECK(Pep("1.0", "1.0.0") == 0);
  CHECK(Pep("1.0c1", "1.0rc1") == 0);
  CHECK(Pep("1.0-1", "1.0.post1") == 0);
  CHECK(Pep("v1.0ALPHA", "1.0a0") == 0);
  CHECK(Pep("1!0.1", "2.0") > 0);
  CHECK(Pep("20210101", "3.0") > 0);
  CHECK_FALSE(Pep440Version::Parse("1.0-foo"));
  CHECK_FALSE(Pep440Version::Parse("abc"));
}

TEST_CASE("Generic versions order numerically with pre-releases first", "[trivy][versions]") {
  CHECK(Gen("1.10.0", "1.9.9") > 0);
  CHECK(Gen("1.2", "1.2.0") == 0);
  CHECK(Gen("v1.2.3", "1.2.3") == 0);
  CHECK(Gen("1.22.0-0", "1.22.0") < 0);
  CHECK(Gen("1.0.0-alpha", "1.0.0-alpha.1") < 0);
  CHECK(Gen("1.0.0-alpha.1", "1.0.0-alpha.beta") < 0);
  CHECK(Gen("1.0.0-beta.2", "1.0.0-beta.11") < 0);
  CHECK(Gen("1.0.0-rc.1", "1.0.0") < 0);
  CHECK(Gen("1.0.0+build.5", "1.0.0") == 0);
  CHECK(Gen("3.1.1-canary.20211030", "3.1.1") < 0);
  CHECK_FALSE(GenericVersion::Parse("latest"));
}

TEST_CASE("OSV ranges print the constraint trivy-db stores", "[trivy][versions]") {
  CHECK(OsvVersionRange{"1.2.0", "1.2.5", false}.String() == ">=1.2.0, <1.2.5");
  CHECK(OsvVersionRange{"0", "1.2.3", false}.String() == "<1.2.3");
  CHECK(OsvVersionRange{"0", "3.8.4", true}.String() == "<=3.8.4");
  CHECK(OsvVersionRange{"1.13.2", "1.13.2", true}.String() == "=1.13.2");
  CHECK(OsvVersionRange{"2.0", "", false}.String() == ">=2.0");
  CHECK(OsvVersionRange{"0", "", false}.String() == ">=0");
}

TEST_CASE("OSV ranges contain versions per ecosystem", "[trivy][versions]") {
  OsvVersionRange below{"0", "3.1.0", false};
  // PEP 440: "<3.1.0" excludes pre-releases of 3.1.0 itself (so trivy-db lists them as "=").
  CHECK(below.Contains(VersionScheme::kPep440, "3.0.9"));
  CHECK_FALSE(below.Contains(VersionScheme::kPep440, "3.1.0rc1"));
  CHECK(below.Contains(VersionScheme::kPep440, "3.0.0rc1"));
  CHECK(below.Contains(VersionScheme::kPep440, "3.0.9+local"));
  CHECK_FALSE(below.Contains(VersionScheme::kPep440, "not a version"));
  // The generic comparer has no such rule.
  CHECK(below.Contains(VersionScheme::kGeneric, "3.1.0-rc1"));
  OsvVersionRange exact{"1.13.2", "1.13.2", true};
  CHECK(exact.Contains(VersionScheme::kGeneric, "1.13.2"));
  CHECK_FALSE(exact.Contains(VersionScheme::kGeneric, "1.13.3"));
  OsvVersionRange open{"4.0", "", false};
  CHECK(open.Contains(VersionScheme::kPep440, "5.1"));
  CHECK_FALSE(open.Contains(VersionScheme::kPep440, "3.9"));
}

TEST_CASE("Natural order compares digit runs numerically", "[trivy][versions]") {
  CHECK(CompareNatural("1.10-r0", "1.9-r0") > 0);
  CHECK(CompareNatural("2.9.3-r0", "2.9.3-r1") < 0);
  CHECK(CompareNatural("1.1.1d-r0", "1.1.1c-r3") > 0);
  CHECK(CompareNatural("1.0", "1.0") == 0);
}

}  // namespace
}  // namespace ec::trivy
