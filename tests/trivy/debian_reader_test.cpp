// Debian security tracker JSON (osv.dev's mock extract and vunnel's extract) turned into
// `debian <major>` buckets.
#include <catch2/catch.hpp>

#include "trivy/advisory_loader.h"
#include "trivy_test_support.h"

namespace ec::trivy {
namespace {

using testing::Data;
using testing::Load;
using testing::ValueAt;

TEST_CASE("Debian tracker JSON maps releases to debian <major> buckets", "[trivy][debian]") {
  LoadReport report;
  BucketTree db = Load({Data("osv.dev/vulnfeeds/test_data/debian/debian_security_tracker_mock.json")}, &report);
  CHECK(report.formats.at("debian-tracker") == 1);
  CHECK(report.advisories == 8);
  // open + unimportant → affected, LOW.
  for (const char* release : {"debian 10", "debian 11", "debian 12"}) {
    CHECK(ValueAt(db, {release, "apparmor", "CVE-2016-1585"}) == R"({"Severity":1,"Status":2})");
  }
  CHECK(ValueAt(db, {"debian 13", "apparmor", "CVE-2016-1585"}) == R"({"FixedVersion":"3.0.12-1"})");
  CHECK(ValueAt(db, {"debian 12", "apparmor", "CVE-2017-6507"}) == R"({"FixedVersion":"2.11.0-3"})");
  // fixed_version "0" everywhere: not affected, nothing stored at all.
  CHECK_FALSE(ValueAt(db, {"debian 12", "apparmor", "CVE-2014-1424"}));
  CHECK_FALSE(ValueAt(db, {"vulnerability", "CVE-2014-1424"}));
  // Same DataSource as trivy's own fixtures (detector/ospkg/debian/testdata/fixtures/data-source.yaml).
  CHECK(ValueAt(db, {"data-source", "debian 12"}) ==
        R"({"ID":"debian","Name":"Debian Security Tracker",)"
        R"("URL":"https://salsa.debian.org/security-tracker-team/security-tracker"})");
  CHECK(ValueAt(db, {"vulnerability", "CVE-2016-1585"}) ==
        R"({"Description":"In all versions of AppArmor mount rules are accidentally widened when compiled.",)"
        R"("Severity":"LOW","VendorSeverity":{"debian":1}})");
}

TEST_CASE("Debian end-of-life releases and empty release lists", "[trivy][debian]") {
  LoadReport report;
  BucketTree db = Load({Data("vunnel/tests/unit/providers/debian/test-fixtures/input/debian.json")}, &report);
  CHECK(report.skipped == 0);
  CHECK(report.problems.empty());  // chromium-browser CVE-2022-0358 has "releases": []
  CHECK(ValueAt(db, {"debian 10", "chromium", "CVE-2022-0456"}) == R"({"Status":7})");
  CHECK(ValueAt(db, {"debian 11", "chromium", "CVE-2022-0456"}) == R"({"FixedVersion":"98.0.4758.80-1~deb11u1"})");
  CHECK(ValueAt(db, {"debian 8", "prototypejs", "CVE-2008-7220"}) == R"({"FixedVersion":"1.6.0.2-1"})");
  CHECK(ValueAt(db, {"vulnerability", "CVE-2008-7220"}) ==
        R"({"Description":"Unspecified vulnerability in Prototype JavaScript framework (prototypejs) before )"
        R"(1.6.0.2 allows attackers to make \"cross-site ajax requests\" via unknown vectors.",)"
        R"("Severity":"HIGH","VendorSeverity":{"debian":3}})");
}

TEST_CASE("Debian no-DSA reasons become will_not_fix / fix_deferred", "[trivy][debian]") {
  testing::TempDir dir;
  auto path = dir.path() / "tracker.json";
  testing::WriteText(path, R"({
    "pkg": {
      "CVE-2024-1": {"description": "d", "releases": {
        "bookworm": {"status": "open", "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": "ignored"},
        "bullseye": {"status": "open", "urgency": "medium", "nodsa": "", "nodsa_reason": "postponed"},
        "buster": {"status": "open", "urgency": "high", "nodsa": "Minor", "nodsa_reason": ""},
        "trixie": {"status": "undetermined", "urgency": "not yet assigned"},
        "sid": {"status": "open", "urgency": "medium"},
        "experimental": {"status": "open", "urgency": "medium"},
        "hurd": {"status": "open", "urgency": "medium"}}},
      "CVE-2024-2": "not an entry"
    }})");
  LoadReport report;
  BucketTree db = Load({path}, &report);
  CHECK(ValueAt(db, {"debian 12", "pkg", "CVE-2024-1"}) == R"({"Severity":1,"Status":5})");
  CHECK(ValueAt(db, {"debian 11", "pkg", "CVE-2024-1"}) == R"({"Severity":2,"Status":6})");
  CHECK(ValueAt(db, {"debian 10", "pkg", "CVE-2024-1"}) == R"({"Severity":3,"Status":2})");
  CHECK_FALSE(ValueAt(db, {"debian 13", "pkg", "CVE-2024-1"}));
  // The sid urgency is the vulnerability's Debian severity.
  CHECK(ValueAt(db, {"vulnerability", "CVE-2024-1"}) ==
        R"({"Description":"d","Severity":"MEDIUM","VendorSeverity":{"debian":2}})");
  CHECK(report.dropped.at("unknown Debian release hurd") == 1);
  CHECK(report.documents == 1);
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0] == path.string() + ": package pkg CVE-2024-2: not an object");
}

}  // namespace
}  // namespace ec::trivy
