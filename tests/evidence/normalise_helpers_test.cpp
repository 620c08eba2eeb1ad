// The small pieces under the normalisers: CVSS bands, timestamps, purls, format detection and
// the record's JSON form.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "evidence/cvss_severity.h"
#include "evidence/detect.h"
#include "evidence/purl.h"
#include "evidence/record.h"
#include "evidence/time_utc.h"
#include "support/test_support.h"

namespace ec::evidence {
namespace {

double Score(std::string_view vector) {
  auto score = CvssV3BaseScore(vector);
  REQUIRE_OK(score);
  return *score;
}

TEST_CASE("CVSS v3 base scores", "[evidence]") {
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == Approx(9.8));
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H") == Approx(9.6));
  CHECK(Score("CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H") == Approx(7.2));
  CHECK(Score("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H") == Approx(8.1));
  CHECK(Score("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H") == Approx(5.9));
  CHECK(Score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N") == Approx(3.3));
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N") == Approx(0.0));
  // Temporal / environmental metrics are accepted and do not change the base score.
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/MAV:L") == Approx(9.8));
}

TEST_CASE("Bad CVSS vectors are refused with the reason", "[evidence]") {
  auto missing = CvssV3BaseScore("CVSS:3.1/AV:N/AC:L");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Code::kInvalidArgument);
  CHECK(missing.status().message() ==
        "CVSS vector \"CVSS:3.1/AV:N/AC:L\": missing base metric PR");
  auto value = CvssV3BaseScore("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  REQUIRE_FALSE(value.ok());
  CHECK_THAT(value.status().message(), Catch::EndsWith("got AV:Q, want one of NALP"));
  CHECK_FALSE(CvssV3BaseScore("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").ok());
  CHECK_FALSE(CvssV3BaseScore("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H").ok());
  CHECK_FALSE(CvssV3BaseScore("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").ok());
  CHECK_FALSE(CvssV3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/").ok());
  CHECK_FALSE(CvssV3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y").ok());
  CHECK(SeverityFromCvssV3("CVSS:3.1/AV:N/AC:L") == "");
}

TEST_CASE("Severity bands and words", "[evidence]") {
  CHECK(SeverityFromScore(0) == "none");
  CHECK(SeverityFromScore(3.9) == "low");
  CHECK(SeverityFromScore(4.0) == "medium");
  CHECK(SeverityFromScore(7.0) == "high");
  CHECK(SeverityFromScore(9.0) == "critical");
  CHECK(SeverityFromScore(10.5) == "");
  CHECK(SeverityFromV2Score(9.3) == "high");
  CHECK(SeverityFromWord("MODERATE") == "medium");
  CHECK(SeverityFromWord("Important") == "high");
  CHECK(SeverityFromWord("Critical") == "critical");
  CHECK(SeverityFromWord("info") == "none");
  CHECK(SeverityFromWord("Class with vulnerable code was removed") == "");
}

TEST_CASE("Timestamps normalise to RFC 3339 UTC seconds", "[evidence]") {
  CHECK(NormaliseTime("2023-01-08T18:02:03.647787998-06:00") == "2023-01-09T00:02:03Z");
  CHECK(NormaliseTime("2024-08-01T23:24:30+00:00") == "2024-08-01T23:24:30Z");
  CHECK(NormaliseTime("2020-12-31T23:30:00-01:00") == "2021-01-01T00:30:00Z");
  CHECK(NormaliseTime("2021-03-01T04:00:00+0530") == "2021-02-28T22:30:00Z");
  CHECK(NormaliseTime("2025-04-03T14:40:37.652Z") == "2025-04-03T14:40:37Z");
  CHECK(NormaliseTime("2024-03-05") == "2024-03-05T00:00:00Z");
  CHECK(NormaliseTime("2024-03-05T10:11:12") == "2024-03-05T10:11:12Z");
  CHECK(NormaliseTime("0001-01-01T00:00:00Z") == "");
  CHECK(NormaliseTime("2023-02-29T00:00:00Z") == "");
  CHECK(NormaliseTime("2023-01-01T25:00:00Z") == "");
  CHECK(NormaliseTime("2023-01-01T00:00:00Zjunk") == "");
  CHECK(NormaliseTime("yesterday") == "");
  CHECK(NormaliseTime("") == "");
}

TEST_CASE("Purls built from OSV ecosystems", "[evidence]") {
  CHECK(BuildPurl("npm", "@angular/core") == "pkg:npm/%40angular/core");
  CHECK(BuildPurl("npm", "lodash") == "pkg:npm/lodash");
  CHECK(BuildPurl("PyPI", "Django_Rest") == "pkg:pypi/django-rest");
  CHECK(BuildPurl("Go", "github.com/gin-gonic/gin") == "pkg:golang/github.com/gin-gonic/gin");
  CHECK(BuildPurl("crates.io", "openssl") == "pkg:cargo/openssl");
  CHECK(BuildPurl("Maven", "org.apache.logging.log4j:log4j-core") ==
        "pkg:maven/org.apache.logging.log4j/log4j-core");
  CHECK(BuildPurl("Maven", "no-group") == "");
  CHECK(BuildPurl("RubyGems", "rails") == "pkg:gem/rails");
  CHECK(BuildPurl("NuGet", "Newtonsoft.Json") == "pkg:nuget/Newtonsoft.Json");
  CHECK(BuildPurl("Packagist:https://packages.drupal.org/8", "drupal/core") ==
        "pkg:composer/drupal/core");
  CHECK(BuildPurl("Hex", "plug") == "pkg:hex/plug");
  CHECK(BuildPurl("Pub", "http") == "pkg:pub/http");
  CHECK(BuildPurl("Hackage", "aeson") == "pkg:hackage/aeson");
  CHECK(BuildPurl("Debian:11", "openssl") == "pkg:deb/debian/openssl");
  CHECK(BuildPurl("GHC", "ghc") == "");
  CHECK(BuildPurl("", "x") == "");
}

TEST_CASE("Purls parsed into parts and package names", "[evidence]") {
  auto npm = ParsePurl("pkg:npm/%40angular/core@1.2.3?x=y#sub/path");
  REQUIRE(npm);
  CHECK(npm->type == "npm");
  CHECK(npm->namespace_ == "@angular");
  CHECK(npm->name == "core");
  CHECK(npm->version == "1.2.3");
  CHECK(PackageNameFromPurl(*npm) == "@angular/core");

  auto scoped = ParsePurl("pkg:npm/@angular/core");
  REQUIRE(scoped);
  CHECK(scoped->version.empty());
  CHECK(scoped->namespace_ == "@angular");

  auto maven = ParsePurl("pkg:maven/org.example/lib@1.0?type=jar");
  REQUIRE(maven);
  CHECK(PackageNameFromPurl(*maven) == "org.example:lib");
  auto deb = ParsePurl("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64");
  REQUIRE(deb);
  CHECK(PackageNameFromPurl(*deb) == "openssl");
  CHECK(deb->version == "3.0.11-1~deb12u2");
  auto oci = ParsePurl("pkg:oci/alpine@sha256%3A124c");
  REQUIRE(oci);
  CHECK(oci->version == "sha256:124c");

  CHECK_FALSE(ParsePurl("npm/lodash"));
  CHECK_FALSE(ParsePurl("pkg:npm"));
  CHECK_FALSE(ParsePurl("pkg:golang/@?type=module"));
}

DocumentFormat Detect(const char* text) {
  auto doc = json::Parse(text, "t");
  REQUIRE_OK(doc);
  auto format = DetectFormat(*doc, "t");
  REQUIRE_OK(format);
  return *format;
}

TEST_CASE("Format detection rules", "[evidence]") {
  CHECK(Detect(R"({"id":"GHSA-x","affected":[]})") == DocumentFormat::kOsv);
  CHECK(Detect(R"({"id":"GHSA-x","schema_version":"1.6.0"})") == DocumentFormat::kOsv);
  CHECK(Detect(R"({"document":{"csaf_version":"2.0","category":"csaf_vex"}})") ==
        DocumentFormat::kCsafVex);
  CHECK(Detect(R"({"document":{"csaf_version":"2.0","category":"csaf_base"}})") ==
        DocumentFormat::kCsaf);
  CHECK(Detect(R"({"@context":"https://openvex.dev/ns/v0.2.0","statements":[]})") ==
        DocumentFormat::kOpenVex);
  CHECK(Detect(R"({"bomFormat":"CycloneDX","components":[{"name":"a"}]})") ==
        DocumentFormat::kCycloneDx);
  // Vulnerabilities without analysis beside components: an SBOM (a VDR-style listing).
  CHECK(Detect(R"({"bomFormat":"CycloneDX","components":[{"name":"a"}],
                   "vulnerabilities":[{"id":"CVE-1"}]})") == DocumentFormat::kCycloneDx);
  CHECK(Detect(R"({"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-1"}]})") ==
        DocumentFormat::kCycloneDxVex);
  CHECK(Detect(R"({"bomFormat":"CycloneDX","components":[{"name":"a"}],
                   "vulnerabilities":[{"id":"CVE-1","analysis":{"state":"in_triage"}}]})") ==
        DocumentFormat::kCycloneDxVex);
  CHECK(Detect(R"({"spdxVersion":"SPDX-2.3","packages":[]})") == DocumentFormat::kSpdx);

  auto spdx3 = json::Parse(R"({"spdxVersion":"SPDX-3.0"})", "t");
  REQUIRE_OK(spdx3);
  auto r = DetectFormat(*spdx3, "s.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "s.json: SPDX 3.0 JSON-LD is not supported; want SPDX 2.x JSON");
  // An OSV-looking document inside a CSAF-like wrapper is not OSV.
  auto wrapped = json::Parse(R"({"id":"X","modified":"2024-01-01","document":{}})", "t");
  REQUIRE_OK(wrapped);
  CHECK_FALSE(DetectFormat(*wrapped, "w").ok());
}

TEST_CASE("Record names and JSON form", "[evidence]") {
  CHECK(std::string(SourceKindName(SourceKind::kAdvisory)) == "advisory");
  CHECK(std::string(SourceKindName(SourceKind::kVex)) == "vex");
  CHECK(std::string(SourceKindName(SourceKind::kSbom)) == "sbom");
  CHECK(std::string(DocumentFormatName(DocumentFormat::kOsv)) == "osv");
  CHECK(std::string(DocumentFormatName(DocumentFormat::kCsaf)) == "csaf");
  CHECK(std::string(DocumentFormatName(DocumentFormat::kCsafVex)) == "csaf-vex");
  CHECK(std::string(DocumentFormatName(DocumentFormat::kOpenVex)) == "openvex");
  CHECK(std::string(DocumentFormatName(DocumentFormat::kCycloneDxVex)) == "cyclonedx-vex");
  CHECK(std::string(DocumentFormatName(DocumentFormat::kCycloneDx)) == "cyclonedx");
  CHECK(std::string(DocumentFormatName(DocumentFormat::kSpdx)) == "spdx");

  Record r;
  r.kind = SourceKind::kVex;
  r.vulnerability = "CVE-2023-3446";
  r.purl = "pkg:apk/alpine/libssl3@3.0.8-r3";
  r.vex_status = "not_affected";
  r.justification = "vulnerable_code_not_present";
  r.fixed_versions = {"1.0"};
  CHECK(json::Compact(RecordToJson(r)) ==
        R"({"fixedVersions":["1.0"],"justification":"vulnerable_code_not_present",)"
        R"("kind":"vex","purl":"pkg:apk/alpine/libssl3@3.0.8-r3","vexStatus":"not_affected",)"
        R"("vulnerability":"CVE-2023-3446"})");
  CHECK(json::Compact(RecordToJson(Record{})) == R"({"kind":"advisory"})");
}

}  // namespace
}  // namespace ec::evidence
