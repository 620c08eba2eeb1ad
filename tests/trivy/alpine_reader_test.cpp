// Alpine secdb (YAML from alpine-secdb, JSON from claircore and trivy-db's vuln-list
// fixture) turned into `alpine <version>` buckets.
#include <catch2/catch.hpp>

#include "trivy/advisory_loader.h"
#include "trivy_test_support.h"

namespace ec::trivy {
namespace {

using testing::Data;
using testing::Load;
using testing::ValueAt;

TEST_CASE("trivy-db's alpine fixture gives its expected values", "[trivy][alpine]") {
  BucketTree db = Load({Data("trivy-db/pkg/vulnsrc/alpine/testdata/happy")});
  const std::string fixed_293 = R"({"FixedVersion":"2.9.3-r0"})";
  // upstream alpine_test.go
  CHECK(ValueAt(db, {"alpine 3.12", "ansible", "CVE-2019-14904"}) == fixed_293);
  CHECK(ValueAt(db, {"alpine 3.12", "ansible", "CVE-2019-14905"}) == fixed_293);
  CHECK(ValueAt(db, {"alpine 3.12", "ansible", "CVE-2020-1737"}) == R"({"FixedVersion":"2.9.6-r0"})");
  // "CVE-2024-22195 GHSA-h5c8-rqwp-cp95" → the CVE; "(+ regression fix)" is ignored; a lone
  // GHSA ID is used when there is no CVE.
  CHECK(ValueAt(db, {"alpine 3.12", "ansible", "CVE-2024-22195"}) == fixed_293);
  CHECK(ValueAt(db, {"alpine 3.12", "ansible", "CVE-2017-2616"}) == fixed_293);
  CHECK(ValueAt(db, {"alpine 3.12", "ansible", "GHSA-f7r5-w49x-gxm3"}) == fixed_293);
  CHECK(ValueAt(db, {"alpine 3.12", "ansible", "GHSA-h6cc-rc6q-23j4"}) == fixed_293);
  CHECK_FALSE(ValueAt(db, {"alpine 3.12", "ansible", "GHSA-h5c8-rqwp-cp95"}));
  CHECK(db.buckets.at("alpine 3.12").buckets.at("ansible").values.size() == 7);
  // Alpine writes no vulnerability details, so no vulnerability values — but the bucket.
  CHECK(db.buckets.at("vulnerability").values.empty());
}

TEST_CASE("alpine-secdb YAML loads into alpine <major.minor> buckets", "[trivy][alpine]") {
  LoadReport report;
  BucketTree db = Load({Data("alpine-secdb")}, &report);
  CHECK(report.documents == 18);
  CHECK(report.skipped == 0);
  CHECK(report.formats.at("alpine-secdb") == 18);
  // Also in trivy's integration fixture (fixtures/db/alpine.yaml) for alpine 3.9.
  CHECK(ValueAt(db, {"alpine 3.9", "openssl", "CVE-2019-1549"}) == R"({"FixedVersion":"1.1.1d-r0"})");
  CHECK(ValueAt(db, {"alpine 3.10", "openssl", "CVE-2019-1549"}) == R"({"FixedVersion":"1.1.1d-r0"})");
  CHECK(ValueAt(db, {"data-source", "alpine 3.9"}) ==
        R"({"ID":"alpine","Name":"Alpine Secdb","URL":"https://secdb.alpinelinux.org/"})");
  // Irregular IDs: CVE_ is read as CVE-, suffixes after a space dropped.
  CHECK(ValueAt(db, {"alpine 3.10", "openjdk7", "CVE-2019-2426"}) == R"({"FixedVersion":"7.211.2.6.17-r0"})");
  CHECK(ValueAt(db, {"alpine 3.10", "sdl2_image", "CVE-2019-5060"}) == R"({"FixedVersion":"2.0.5-r0"})");
  CHECK(ValueAt(db, {"alpine 3.10", "rsync", "CVE-2017-17434-1"}) == R"({"FixedVersion":"3.1.2-r7"})");
  // An ID listed under two fixed versions keeps the higher one.
  CHECK(ValueAt(db, {"alpine 3.6", "bind", "CVE-2017-3145"}) == R"({"FixedVersion":"9.11.3-r0"})");
  CHECK(ValueAt(db, {"alpine 3.4", "openssl", "CVE-2017-3738"}) == R"({"FixedVersion":"1.0.2o-r0"})");
  CHECK(ValueAt(db, {"alpine 3.9", "wireshark", "CVE-2017-15191"}) == R"({"FixedVersion":"2.4.2-r0"})");
  CHECK(ValueAt(db, {"alpine 3.10", "exim", "CVE-2018-6789"}) == R"({"FixedVersion":"4.91-r0"})");
}

TEST_CASE("An Alpine secdb with null packages loads with no advisories", "[trivy][alpine]") {
  LoadReport report;
  BucketTree db = Load({Data("alpine-secdb/v3.3/community.yaml")}, &report);
  CHECK(report.documents == 1);
  CHECK(report.advisories == 0);
  CHECK(testing::CountValues(db) == 0);
  CHECK(db.buckets.count("vulnerability") == 1);
}

TEST_CASE("The secdb JSON extract agrees with the YAML of the same release", "[trivy][alpine]") {
  BucketTree from_json = Load({Data("claircore/alpine/testdata/fetch/v3.10/community.json")});
  BucketTree from_yaml = Load({Data("alpine-secdb/v3.10/community.yaml")});
  const auto& json_bucket = from_json.buckets.at("alpine 3.10");
  REQUIRE(json_bucket.buckets.size() >= 3);
  std::size_t compared = 0;
  for (const auto& [package, ids] : json_bucket.buckets) {
    for (const auto& [id, value] : ids.values) {
      INFO(package << "/" << id);
      CHECK(ValueAt(from_yaml, {"alpine 3.10", package, id}) == value);
      ++compared;
    }
  }
  CHECK(compared == 9);
  CHECK(ValueAt(from_json, {"alpine 3.10", "botan", "CVE-2018-20187"}) == R"({"FixedVersion":"2.9.0-r0"})");
}

TEST_CASE("A secdb document with a malformed package is skipped whole", "[trivy][alpine]") {
  testing::TempDir dir;
  auto path = dir.path() / "main.yaml";
  testing::WriteText(path,
                     "distroversion: v3.18\nreponame: main\npackages:\n"
                     "  - pkg:\n      name: ok\n      secfixes:\n        1.0-r0: [CVE-2020-1]\n"
                     "  - pkg:\n      name: bad\n      secfixes: [CVE-2020-2]\n");
  LoadReport report;
  BucketTree db = Load({path}, &report);
  CHECK(report.skipped == 1);
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0] == path.string() + ": package bad: secfixes is not a mapping");
  CHECK(testing::CountValues(db) == 0);
}

}  // namespace
}  // namespace ec::trivy
