// OSV documents from shared/data (GHSA, Go vulndb, Bitnami, PyPA YAML, RustSec, Drupal)
// turned into Trivy buckets. Expected values marked "upstream" are trivy-db's own test
// expectations for the same input files (pkg/vulnsrc/<src>/<src>_test.go at a0049d7a),
// re-encoded as optimize() stores them (sorted keys, HTML-escaped); the others follow from
// trivy-db.md §2 and are pinned here byte for byte.
#include <catch2/catch.hpp>

#include "trivy/advisory_loader.h"
#include "trivy_test_support.h"

namespace ec::trivy {
namespace {

using testing::Data;
using testing::Load;
using testing::ValueAt;

TEST_CASE("Bitnami OSV documents give trivy-db's bitnami values", "[trivy][osv][bitnami]") {
  BucketTree db = Load({Data("trivy-db/pkg/vulnsrc/bitnami/testdata/happy")});
  const std::string bucket = "bitnami::Bitnami Vulnerability Database";
  // upstream
  CHECK(ValueAt(db, {"data-source", bucket}) ==
        R"({"ID":"bitnami","Name":"Bitnami Vulnerability Database","URL":"https://github.com/bitnami/vulndb"})");
  CHECK(ValueAt(db, {bucket, "activemq", "CVE-2020-11998"}) ==
        R"({"VendorIDs":["BIT-2020-11998"],"VulnerableVersions":["=5.15.12"]})");
  CHECK(ValueAt(db, {bucket, "envoy", "CVE-2020-12603"}) ==
        R"({"PatchedVersions":["1.12.4"],"VendorIDs":["BIT-2020-12603"],)"
        R"("VulnerableVersions":["\u003c1.12.4","=1.13.2","=1.14.2"]})");
  CHECK(ValueAt(db, {bucket, "php", "CVE-2020-7059"}) ==
        R"({"PatchedVersions":["7.2.27","7.3.14","7.4.2"],"VendorIDs":["BIT-2020-7059"],)"
        R"("VulnerableVersions":["\u003e=7.2.0, \u003c7.2.27","\u003e=7.3.0, \u003c7.3.14","\u003e=7.4.0, \u003c7.4.2"]})");
  // Severity "High" and the CVSS of affected[].severity.
  CHECK(ValueAt(db, {"vulnerability", "CVE-2020-12603"}) ==
        R"({"Description":"Envoy version 1.14.2, 1.13.2, 1.12.4 or earlier may consume excessive amounts )"
        R"(of memory when proxying HTTP/2 requests or responses with many small (i.e. 1 byte) data frames.",)"
        R"("Severity":"HIGH","VendorSeverity":{"bitnami":3},)"
        R"("CVSS":{"bitnami":{"V3Vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H","V3Score":7.5}},)"
        R"("References":["https://github.com/envoyproxy/envoy-setec/issues/80",)"
        R"("https://github.com/envoyproxy/envoy/security/advisories/GHSA-pc38-4q6c-85p6"]})");
}

TEST_CASE("GHSA documents in OSV form fill the GitHub Security Advisory buckets", "[trivy][osv][ghsa]") {
  LoadReport report;
  BucketTree db = Load({Data("trivy-db/pkg/vulnsrc/ghsa/testdata/happy/ghsa")}, &report);
  CHECK(report.documents == 10);
  CHECK(report.skipped == 0);

  CHECK(ValueAt(db, {"data-source", "composer::GitHub Security Advisory Composer"}) ==
        R"({"ID":"ghsa","Name":"GitHub Security Advisory Composer",)"
        R"("URL":"https://github.com/advisories?query=type%3Areviewed+ecosystem%3Acomposer"})");
  // The same package in two `affected` entries accumulates both ranges.
  CHECK(ValueAt(db, {"composer::GitHub Security Advisory Composer", "contao/core-bundle", "CVE-2019-19745"}) ==
        R"({"PatchedVersions":["4.4.46","4.8.6"],"VendorIDs":["GHSA-wjx8-cgrm-hh8p"],)"
        R"("VulnerableVersions":["\u003e=4.0.0, \u003c4.4.46","\u003e=4.5.0, \u003c4.8.6"]})");
  CHECK(ValueAt(db, {"vulnerability", "CVE-2019-19745"}) ==
        R"({"Title":"Unrestricted file uploads in Contao","Description":"### Impact\n\nA back end user with )"
        R"(access to the form generator can upload arbitrary files and execute them on the server.\n\n### )"
        R"(Patches\n\nUpdate to Contao 4.4.46 or 4.8.6.\n\n### Workarounds\n\nConfigure your web server so it )"
        R"(does not execute PHP files and other scripts in the Contao file upload directory.\n\n### )"
        R"(References\n\nhttps://contao.org/en/security-advisories/unrestricted-file-uploads\n\n### For more )"
        R"(information\n\nIf you have any questions or comments about this advisory, open an issue in )"
        R"([contao/contao](https://github.com/contao/contao/issues/new/choose).\n","Severity":"HIGH",)"
        R"("VendorSeverity":{"ghsa":3},)"
        R"("CVSS":{"ghsa":{"V3Vector":"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H","V3Score":8.8}},)"
        R"("References":["https://contao.org/en/news.html",)"
        R"("https://contao.org/en/security-advisories/unrestricted-file-uploads.html",)"
        R"("https://github.com/FriendsOfPHP/security-advisories/blob/master/contao/core-bundle/CVE-2019-19745.yaml",)"
        R"("https://github.com/contao/contao",)"
        R"("https://github.com/contao/contao/security/advisories/GHSA-wjx8-cgrm-hh8p",)"
        R"("https://nvd.nist.gov/vuln/detail/CVE-2019-19745"]})");
  // last_known_affected_version_range closes an open range; a range with an upper bound
  // is left alone.
  CHECK(ValueAt(db, {"maven::GitHub Security Advisory Maven", "com.baomidou:mybatis-plus", "CVE-2023-25330"}) ==
        R"({"VendorIDs":["GHSA-32qq-m9fh-f74w"],"VulnerableVersions":["\u003e=0, \u003c3.5.3.1"]})");
  CHECK(ValueAt(db, {"npm::GitHub Security Advisory npm", "formidable", "CVE-2025-46653"}) ==
        R"({"PatchedVersions":["3.5.3"],"VendorIDs":["GHSA-75v8-2h7p-7m2m"],)"
        R"("VulnerableVersions":["\u003e=3.1.1-canary.20211030, \u003c3.5.3","\u003e=2.1.0, \u003c2.1.3"]})");
  // NuGet: lower-case name plus the original spelling.
  const std::string nuget = R"({"PatchedVersions":["9.0.6"],"VendorIDs":["GHSA-266m-wp2v-x7mq"],)"
                            R"("VulnerableVersions":["\u003e=9.0.0, \u003c9.0.6"]})";
  CHECK(ValueAt(db, {"nuget::GitHub Security Advisory NuGet", "microsoft.netcore.app.runtime.linux-arm", "CVE-2025-30399"}) == nuget);
  CHECK(ValueAt(db, {"nuget::GitHub Security Advisory NuGet", "Microsoft.NetCore.App.Runtime.linux-arm", "CVE-2025-30399"}) == nuget);
  // Swift package names lose "https://" and ".git".
  CHECK(ValueAt(db, {"swift::GitHub Security Advisory Swift", "github.com/apple/swift-nio", "CVE-2022-3215"}));
  CHECK(ValueAt(db, {"cargo::GitHub Security Advisory Rust", "sized-chunks", "CVE-2020-25792"}) ==
        R"({"PatchedVersions":["0.6.3"],"VendorIDs":["GHSA-mp6f-p9gp-vpj9"],"VulnerableVersions":["\u003c0.6.3"]})");
  // Go: modules stay, golang.org/x/* and standard-library paths are left to govulndb.
  CHECK(ValueAt(db, {"go::GitHub Security Advisory Go", "github.com/aws/aws-sdk-go", "CVE-2020-8911"}));
  CHECK_FALSE(ValueAt(db, {"go::GitHub Security Advisory Go", "golang.org/x/crypto", "CVE-2024-45337"}));
  CHECK_FALSE(ValueAt(db, {"go::GitHub Security Advisory Go", "net/http", "CVE-2023-45288"}));
  CHECK(report.dropped.at("ghsa: Go stdlib / golang.org/x package left to govulndb") == 2);
}

TEST_CASE("Go vulndb keeps stdlib and golang.org/x modules with their platforms", "[trivy][osv][govulndb]") {
  LoadReport report;
  BucketTree db = Load({Data("trivy-db/pkg/vulnsrc/govulndb/testdata/happy")}, &report);
  const std::string bucket = "go::The Go Vulnerability Database";
  CHECK(ValueAt(db, {"data-source", bucket}) ==
        R"({"ID":"govulndb","Name":"The Go Vulnerability Database","URL":"https://pkg.go.dev/vuln/"})");
  CHECK(ValueAt(db, {bucket, "stdlib", "CVE-2023-45288"}) ==
        R"({"Arches":["amd64","ppc64le"],"OSes":["windows"],"PatchedVersions":["1.21.9","1.22.2"],)"
        R"("VendorIDs":["GHSA-4v7x-pqxf-cx7m","GO-2024-2687"],)"
        R"("VulnerableVersions":["\u003c1.21.9","\u003e=1.22.0-0, \u003c1.22.2"]})");
  CHECK(ValueAt(db, {bucket, "golang.org/x/net", "CVE-2023-45288"}) ==
        R"({"PatchedVersions":["0.23.0"],"VendorIDs":["GHSA-4v7x-pqxf-cx7m","GO-2024-2687"],)"
        R"("VulnerableVersions":["\u003c0.23.0"]})");
  CHECK(ValueAt(db, {bucket, "golang.org/x/crypto", "CVE-2025-22869"}));
  // GO-2024-2683 only affects github.com/hashicorp/consul: GHSA's business.
  CHECK_FALSE(ValueAt(db, {bucket, "github.com/hashicorp/consul", "CVE-2021-41803"}));
  CHECK(report.dropped.at("govulndb: module left to ghsa (not stdlib / golang.org/x)") == 1);
  // Go vulndb has zeroed timestamps and no severity: a plain detail.
  CHECK(ValueAt(db, {"vulnerability", "CVE-2025-22869"}) ==
        R"({"Title":"Potential denial of service in golang.org/x/crypto","Description":"SSH servers which )"
        R"(implement file transfer protocols are vulnerable to a denial of service attack from clients which )"
        R"(complete the key exchange slowly, or not at all, causing pending content to be read into memory, )"
        R"(but never transmitted.","Severity":"UNKNOWN","References":["https://go.dev/cl/652135",)"
        R"("https://pkg.go.dev/vuln/GO-2025-3487"]})");
}

TEST_CASE("A Go vulnerability is either GHSA's or Go vulndb's, never both", "[trivy][osv]") {
  // GHSA-4v7x-pqxf-cx7m (net/http) is dropped as standard library, so CVE-2023-45288 keeps
  // only Go vulndb's detail even with both databases loaded.
  BucketTree db = Load({Data("trivy-db/pkg/vulnsrc/govulndb/testdata/happy"),
                        Data("trivy-db/pkg/vulnsrc/ghsa/testdata/happy/ghsa")});
  auto value = ValueAt(db, {"vulnerability", "CVE-2023-45288"});
  REQUIRE(value);
  CHECK_THAT(*value, Catch::StartsWith(R"({"Title":"HTTP/2 CONTINUATION flood in net/http",)"));
  CHECK_THAT(*value, Catch::EndsWith(R"("Severity":"UNKNOWN","References":["https://go.dev/cl/576155",)"
                                     R"("https://go.dev/issue/65051","https://groups.google.com/g/golang-announce/c/YgW0sx8mN3M",)"
                                     R"("https://pkg.go.dev/vuln/GO-2024-2687"]})"));
}

TEST_CASE("Details of one ID from several sources merge in source precedence", "[trivy][osv]") {
  testing::TempDir dir;
  // GHSA (precedence 20) and the PyPA osv source (23) describe the same CVE.
  testing::WriteText(dir.path() / "ghsa.json",
                     R"({"id":"GHSA-aaaa-aaaa-aaaa","aliases":["CVE-2031-1"],"summary":"from ghsa",)"
                     R"("severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],)"
                     R"("database_specific":{"severity":"MODERATE"},)"
                     R"("references":[{"url":"https://b.example/x"}],)"
                     R"("affected":[{"package":{"ecosystem":"PyPI","name":"p"},"ranges":[{"type":"ECOSYSTEM",)"
                     R"("events":[{"introduced":"0"},{"fixed":"1"}]}]}]})");
  testing::WriteText(dir.path() / "pysec.yaml",
                     "id: PYSEC-2031-1\naliases: [CVE-2031-1]\nsummary: from pysec\ndetails: long text\n"
                     "references:\n- url: https://a.example/y\n- url: https://b.example/x\n"
                     "affected:\n- package: {name: p, ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n"
                     "    events: [{introduced: '0'}, {fixed: '1'}]\n");
  BucketTree db = Load({dir.path()});
  CHECK(ValueAt(db, {"vulnerability", "CVE-2031-1"}) ==
        R"({"Title":"from ghsa","Description":"long text","Severity":"HIGH",)"
        R"("VendorSeverity":{"ghsa":2},)"
        R"("CVSS":{"ghsa":{"V3Vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H","V3Score":7.5}},)"
        R"("References":["https://a.example/y","https://b.example/x"]})");
  CHECK(ValueAt(db, {"pip::GitHub Security Advisory pip", "p", "CVE-2031-1"}));
  CHECK(ValueAt(db, {"pip::Python Packaging Advisory Database", "p", "CVE-2031-1"}));
}

TEST_CASE("PyPA YAML advisories load like their JSON form", "[trivy][osv][yaml]") {
  BucketTree db = Load({Data("pypa-advisory-database/vulns/accesscontrol")});
  const std::string bucket = "pip::Python Packaging Advisory Database";
  CHECK(ValueAt(db, {"data-source", bucket}) ==
        R"({"ID":"osv","Name":"Python Packaging Advisory Database","URL":"https://github.com/pypa/advisory-db"})");
  // Explicit versions inside the ranges are not repeated.
  CHECK(ValueAt(db, {bucket, "accesscontrol", "CVE-2021-32807"}) ==
        R"({"PatchedVersions":["4.3","5.2"],"VendorIDs":["GHSA-qcx9-j53g-ccgf","PYSEC-2021-335"],)"
        R"("VulnerableVersions":["\u003e=4.0, \u003c4.3","\u003e=5.0, \u003c5.2"]})");

  // The same record as YAML and as (hand-converted) JSON.
  testing::TempDir dir;
  testing::WriteText(dir.path() / "a.yaml",
                     "id: PYSEC-0000-1\naliases: [CVE-2000-1]\nmodified: 2021-01-01T00:00:00Z\n"
                     "affected:\n- package: {name: Foo_Bar, ecosystem: PyPI}\n  ranges:\n"
                     "  - type: ECOSYSTEM\n    events: [{introduced: '0'}, {fixed: 1.10}]\n"
                     "  versions: [1.0, 1.10rc1]\n");
  testing::WriteText(dir.path() / "b.json",
                     R"({"id":"PYSEC-0000-1","aliases":["CVE-2000-1"],"modified":"2021-01-01T00:00:00Z",)"
                     R"("affected":[{"package":{"name":"Foo_Bar","ecosystem":"PyPI"},"ranges":[{"type":"ECOSYSTEM",)"
                     R"("events":[{"introduced":"0"},{"fixed":"1.10"}]}],"versions":["1.0","1.10rc1"]}]})");
  BucketTree from_yaml = Load({dir.path() / "a.yaml"});
  BucketTree from_json = Load({dir.path() / "b.json"});
  // `fixed: 1.10` stays "1.10"; 1.10rc1 is a pre-release of the fix, outside "<1.10".
  const std::string expected = R"({"PatchedVersions":["1.10"],"VendorIDs":["PYSEC-0000-1"],)"
                               R"("VulnerableVersions":["\u003c1.10","=1.10rc1"]})";
  CHECK(ValueAt(from_yaml, {bucket, "foo-bar", "CVE-2000-1"}) == expected);
  CHECK(ValueAt(from_json, {bucket, "foo-bar", "CVE-2000-1"}) == expected);
}

TEST_CASE("RustSec and Drupal OSV exports get their own osv buckets", "[trivy][osv]") {
  BucketTree db = Load({Data("rustsec-advisory-db/crates/RUSTSEC-2016-0001.json"),
                        Data("drupal-advisory-database/advisories/access_code")});
  CHECK(ValueAt(db, {"cargo::RustSec Advisory Database", "openssl", "CVE-2016-10931"}) ==
        R"({"PatchedVersions":["0.9.0"],"VendorIDs":["GHSA-34p9-f4q3-c4r7","RUSTSEC-2016-0001"],)"
        R"("VulnerableVersions":["\u003e=0.0.0-0, \u003c0.9.0"]})");
  CHECK(ValueAt(db, {"data-source", "cargo::RustSec Advisory Database"}) ==
        R"({"ID":"osv","Name":"RustSec Advisory Database","URL":"https://github.com/RustSec/advisory-db"})");
  // "Packagist:https://packages.drupal.org/8" is Packagist served from Drupal's repository.
  CHECK(ValueAt(db, {"composer::Drupal Security Advisories", "drupal/access_code", "CVE-2025-3129"}) ==
        R"({"PatchedVersions":["2.0.4"],"VendorIDs":["DRUPAL-CONTRIB-2025-028"],"VulnerableVersions":["\u003c2.0.4"]})");
}

TEST_CASE("Withdrawn OSV records are dropped, unless withdrawn in the future", "[trivy][osv]") {
  LoadReport report;
  BucketTree db = Load({Data("trivy-db/pkg/vulnsrc/osv/testdata/happy")}, &report);
  CHECK(report.dropped.at("withdrawn") == 1);  // PYSEC-2023-73
  CHECK_FALSE(ValueAt(db, {"pip::Python Packaging Advisory Database", "redis", "CVE-2023-31655"}));
  // withdrawn_after_now.json: withdrawn 3001-06-06 (upstream keeps CVE-2013-4251).
  CHECK(ValueAt(db, {"pip::Python Packaging Advisory Database", "scipy", "CVE-2013-4251"}) ==
        R"({"PatchedVersions":["0.12.1"],"VendorIDs":["PYSEC-2019-156"],"VulnerableVersions":["\u003c0.12.1"]})");
  // introduced == last_affected gives "=4.0.1" (upstream: CVE-2023-37276).
  CHECK(ValueAt(db, {"pip::Python Packaging Advisory Database", "aiohttp", "CVE-2023-37276"}) ==
        R"({"VendorIDs":["GHSA-45c4-8wx5-qw6w","PYSEC-2023-120"],"VulnerableVersions":["\u003c=3.8.4","=4.0.1"]})");

  // With a clock past 3001 the future withdrawal applies too.
  BucketTree later;
  LoadOptions options;
  options.now = std::chrono::sys_days(std::chrono::year(3002) / 1 / 1);
  REQUIRE(LoadAdvisories({Data("trivy-db/pkg/vulnsrc/osv/testdata/happy")}, later, options).ok());
  CHECK_FALSE(ValueAt(later, {"pip::Python Packaging Advisory Database", "scipy", "CVE-2013-4251"}));
}

TEST_CASE("OSV records that trivy-db rejects are skipped with the reason", "[trivy][osv]") {
  LoadReport report;
  BucketTree db = Load({Data("dependency-track/vuln-data-source/osv/src/test/resources/osv-vulnerability-invalid-cvss.json"),
                        Data("haskell-security-advisories")}, &report);
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0] ==
        Data("dependency-track/vuln-data-source/osv/src/test/resources/osv-vulnerability-invalid-cvss.json").string() +
            R"(: severity: CVSS vector "CVSS:3.1/AV:N/AC:L": missing base metric PR)");
  // Hackage has no Trivy bucket: the documents load but store nothing.
  CHECK(report.dropped.at("unsupported ecosystem Hackage") > 0);
  CHECK(db.buckets.count("vulnerability") == 1);
  CHECK(db.buckets.at("vulnerability").values.empty());
}

TEST_CASE("GHSA records GitHub has not reviewed are dropped", "[trivy][osv][ghsa]") {
  testing::TempDir dir;
  testing::WriteText(dir.path() / "GHSA-xxxx-xxxx-xxxx.json",
                     R"({"id":"GHSA-xxxx-xxxx-xxxx","database_specific":{"github_reviewed":false},)"
                     R"("affected":[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"SEMVER",)"
                     R"("events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]})");
  LoadReport report;
  BucketTree db = Load({dir.path()}, &report);
  CHECK(report.dropped.at("GHSA advisory not reviewed by GitHub") == 1);
  CHECK(testing::CountValues(db) == 0);
}

TEST_CASE("A GHSA-only ID keeps GHSA's dates and every CVE alias gets its advisory", "[trivy][osv][ghsa]") {
  testing::TempDir dir;
  testing::WriteText(dir.path() / "a.json",
                     R"({"id":"GHSA-aaaa-bbbb-cccc","modified":"2024-02-03T04:05:06.700Z",)"
                     R"("published":"2024-01-02T03:04:05Z","summary":"x <y> & z",)"
                     R"("database_specific":{"severity":"CRITICAL"},)"
                     R"("affected":[{"package":{"ecosystem":"PyPI","name":"Some_Pkg"},"ranges":[{"type":"ECOSYSTEM",)"
                     R"("events":[{"introduced":"1.0"}]}],"database_specific":{"last_known_affected_version_range":"<= 1.4"}}]})");
  testing::WriteText(dir.path() / "b.json",
                     R"({"id":"GHSA-dddd-eeee-ffff","aliases":["CVE-2001-1","CVE-2001-2"],)"
                     R"("affected":[{"package":{"ecosystem":"crates.io","name":"Foo"},"ranges":[{"type":"SEMVER",)"
                     R"("events":[{"introduced":"0"},{"fixed":"0.2.0"}]}]}]})");
  BucketTree db = Load({dir.path()});
  CHECK(ValueAt(db, {"pip::GitHub Security Advisory pip", "some-pkg", "GHSA-aaaa-bbbb-cccc"}) ==
        R"({"VulnerableVersions":["\u003e=1.0, \u003c=1.4"]})");
  CHECK(ValueAt(db, {"vulnerability", "GHSA-aaaa-bbbb-cccc"}) ==
        R"({"Title":"x \u003cy\u003e \u0026 z","Severity":"CRITICAL","VendorSeverity":{"ghsa":4},)"
        R"("PublishedDate":"2024-01-02T03:04:05Z","LastModifiedDate":"2024-02-03T04:05:06.7Z"})");
  const std::string both = R"({"PatchedVersions":["0.2.0"],"VendorIDs":["GHSA-dddd-eeee-ffff"],"VulnerableVersions":["\u003c0.2.0"]})";
  CHECK(ValueAt(db, {"cargo::GitHub Security Advisory Rust", "foo", "CVE-2001-1"}) == both);
  CHECK(ValueAt(db, {"cargo::GitHub Security Advisory Rust", "foo", "CVE-2001-2"}) == both);
  // CVE IDs take dates from NVD only, which is not among the inputs.
  CHECK(ValueAt(db, {"vulnerability", "CVE-2001-1"}) == R"({"Severity":"UNKNOWN"})");
}

}  // namespace
}  // namespace ec::trivy
