// Node.js Security WG advisories (nodejs/security-wg and trivy-db's node fixtures).
#include <catch2/catch.hpp>

#include "trivy/advisory_loader.h"
#include "trivy_test_support.h"

namespace ec::trivy {
namespace {

using testing::Data;
using testing::ValueAt;

const char kBucket[] = "npm::Node.js Ecosystem Security Working Group";

TEST_CASE("Node.js Security WG npm advisories fill the npm bucket", "[trivy][node]") {
  BucketTree db;
  auto r = LoadAdvisories({Data("nodejs-security-wg/vuln/npm/1.json"),
                           Data("trivy-db/pkg/vulnsrc/node/testdata/happy")},
                          db);
  REQUIRE(r.ok());
  CHECK(r->formats.at("nodejs-security-wg") == 6);
  CHECK(r->dropped.at("nodejs-security-wg: Node.js core advisory (no module)") == 1);
  CHECK(ValueAt(db, {"data-source", kBucket}) ==
        R"({"ID":"nodejs-security-wg","Name":"Node.js Ecosystem Security Working Group",)"
        R"("URL":"https://github.com/nodejs/security-wg"})");
  CHECK(ValueAt(db, {kBucket, "bassmaster", "CVE-2014-7205"}) ==
        R"({"PatchedVersions":["\u003e=1.5.2"],"VulnerableVersions":["\u003c=1.5.1"]})");
  // No CVE: NSWG-ECO-<id>; a null cvss_score gives no severity.
  CHECK(ValueAt(db, {kBucket, "hubl-server", "NSWG-ECO-334"}) ==
        R"({"PatchedVersions":["\u003c0.0.0"],"VulnerableVersions":["\u003c=99.999.99999"]})");
  CHECK_THAT(*ValueAt(db, {"vulnerability", "NSWG-ECO-334"}), Catch::EndsWith(R"(,"Severity":"UNKNOWN"})"));
  // cvss_score 6.5 and "6.5 (High)" both give the score; it is stored as the v2 score, so
  // it yields a vendor severity but no CVSS entry (there is no v2 vector).
  CHECK(ValueAt(db, {"vulnerability", "CVE-2014-7205"}) ==
        R"({"Title":"Arbitrary JavaScript Execution","Description":"A vulnerability exists in bassmaster )"
        R"(\u003c= 1.5.1 that allows for an attacker to provide arbitrary JavaScript that is then executed )"
        R"(server side via eval.","Severity":"MEDIUM","VendorSeverity":{"nodejs-security-wg":2},)"
        R"("References":["https://github.com/hapijs/bassmaster/commit/b751602d8cb7194ee62a61e085069679525138c4",)"
        R"("https://www.npmjs.org/package/bassmaster"]})");
}

TEST_CASE("The real Node.js Security WG tree loads without problems", "[trivy][node]") {
  BucketTree db;
  auto r = LoadAdvisories({Data("nodejs-security-wg/vuln")}, db);
  REQUIRE(r.ok());
  CHECK(r->skipped == 0);
  CHECK(r->problems.empty());
  CHECK(r->formats.at("nodejs-security-wg") == 647);  // 644 advisories + 3 index.json
  CHECK(r->dropped.at("nodejs-security-wg: index file (no module)") == 3);
  CHECK(r->dropped.at("nodejs-security-wg: Node.js core advisory (no module)") == 177);
  CHECK(r->advisories > 400);
}

}  // namespace
}  // namespace ec::trivy
