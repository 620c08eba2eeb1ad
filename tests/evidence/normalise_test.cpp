// Normalisation of real advisories, VEX documents and SBOMs from the shared data set. Expected
// values were read from the files themselves.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "evidence/normalise.h"
#include "evidence/osv_normaliser.h"
#include "evidence/openvex_normaliser.h"
#include "support/test_support.h"

namespace ec::evidence {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

using ::ec::testing::ReadFile;

fs::path DataDir() { return fs::path(EC_SHARED_DATA_DIR); }

// Normalises a shared-data file, named by its path under the data directory.
NormalisedDocument Load(const std::string& relative) {
  fs::path path = DataDir() / relative;
  INFO(path.string());
  REQUIRE(fs::is_regular_file(path));
  auto doc = Normalise(ReadFile(path), relative);
  REQUIRE_OK(doc);
  return std::move(doc).value();
}

// Normalises `bytes`, which must be refused as invalid; returns the message.
std::string RefusalOf(std::string_view bytes, const std::string& name) {
  auto r = Normalise(bytes, name);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  return r.status().message();
}

// The document-level fields of a normalised document.
void CheckDocument(const NormalisedDocument& doc, DocumentFormat format, SourceKind kind,
                   const std::string& id, const std::string& modified) {
  CHECK(doc.format == format);
  CHECK(doc.kind == kind);
  CHECK(doc.id == id);
  CHECK(doc.modified == modified);
}

// A copy, so that Only(Load(…)) does not refer into a destroyed document.
Record Only(const NormalisedDocument& doc) {
  REQUIRE(doc.records.size() == 1);
  return doc.records[0];
}

const Record& FindRecord(const NormalisedDocument& doc,
                         const std::function<bool(const Record&)>& match) {
  auto it = std::find_if(doc.records.begin(), doc.records.end(), match);
  REQUIRE(it != doc.records.end());
  return *it;
}

std::size_t CountIf(const NormalisedDocument& doc,
                    const std::function<bool(const Record&)>& match) {
  return static_cast<std::size_t>(std::count_if(doc.records.begin(), doc.records.end(), match));
}

// ---- OSV ----

TEST_CASE("OSV: Go advisory with a zeroed modified time uses published", "[evidence]") {
  auto doc = Load("golang-vulndb/data/osv/GO-2020-0001.json");
  CheckDocument(doc, DocumentFormat::kOsv, SourceKind::kAdvisory, "GO-2020-0001",
                "2021-04-14T20:04:52Z");
  const Record& r = Only(doc);
  CHECK(r.kind == SourceKind::kAdvisory);
  CHECK(r.vulnerability == "GO-2020-0001");
  CHECK(r.aliases == Strings{"CVE-2020-36567", "GHSA-6vm3-jj99-7229"});
  CHECK(r.purl == "pkg:golang/github.com/gin-gonic/gin");
  CHECK(r.ecosystem == "golang");
  CHECK(r.package == "github.com/gin-gonic/gin");
  CHECK(r.version.empty());
  CHECK(r.fixed_versions == Strings{"1.6.0"});
  CHECK(r.severity.empty());
  CHECK(r.vex_status.empty());
  CHECK(r.summary == "Arbitrary log line injection in github.com/gin-gonic/gin");
}

TEST_CASE("OSV: both Go times zeroed leaves modified unknown", "[evidence]") {
  auto doc = Load("golang-vulndb/data/osv/GO-2022-0231.json");
  CHECK(doc.modified.empty());
  CHECK(Only(doc).modified.empty());
  CHECK(Only(doc).fixed_versions == Strings{"1.8.6"});
}

TEST_CASE("OSV: one record per affected module, sorted by purl", "[evidence]") {
  auto doc = Load("golang-vulndb/data/osv/GO-2020-0032.json");
  REQUIRE(doc.records.size() == 3);
  CHECK(doc.records[0].purl == "pkg:golang/github.com/goadesign/goa");
  CHECK(doc.records[1].purl == "pkg:golang/goa.design/goa");
  CHECK(doc.records[2].purl == "pkg:golang/goa.design/goa/v3");
  CHECK(doc.records[2].fixed_versions == Strings{"3.0.9"});
}

TEST_CASE("OSV: a withdrawn advisory still gives its record", "[evidence]") {
  const Record& r = Only(Load("golang-vulndb/data/osv/GO-2022-0617.json"));
  CHECK(r.purl == "pkg:golang/k8s.io/kubernetes");
  CHECK_THAT(r.summary, Catch::StartsWith("WITHDRAWN:"));
}

TEST_CASE("OSV: PSF advisory without a package gives one record with no purl", "[evidence]") {
  const Record& r = Only(Load("psf-advisory-database/advisories/python/PSF-2007-1.json"));
  CHECK(r.vulnerability == "PSF-2007-1");
  CHECK(r.purl.empty());
  CHECK(r.package.empty());
  CHECK(r.fixed_versions.empty());  // GIT commits are not versions
  CHECK(r.aliases == Strings{"CVE-2007-4965"});
  CHECK(r.modified == "2018-10-15T20:57:01Z");
}

TEST_CASE("OSV: Bitnami severity comes from the CVSS vector inside affected[]", "[evidence]") {
  const Record& r = Only(Load("bitnami-vulndb/data/apache/BIT-apache-2020-11984.json"));
  CHECK(r.purl == "pkg:bitnami/apache");
  CHECK(r.ecosystem == "bitnami");
  CHECK(r.severity == "critical");  // CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H = 9.8
  CHECK(r.fixed_versions == Strings{"2.4.44"});
  CHECK(r.modified == "2025-04-03T14:40:37Z");  // ".652Z" dropped
  CHECK(r.summary ==
        "Apache HTTP server 2.4.32 to 2.4.44 mod_proxy_uwsgi info disclosure and possible RCE");
}

TEST_CASE("OSV: Drupal ecosystem with a registry suffix builds a composer purl", "[evidence]") {
  const Record& r =
      Only(Load("drupal-advisory-database/advisories/access_code/DRUPAL-CONTRIB-2025-028.json"));
  CHECK(r.purl == "pkg:composer/drupal/access_code");
  CHECK(r.ecosystem == "composer");
  CHECK(r.package == "drupal/access_code");
  CHECK(r.fixed_versions == Strings{"2.0.4"});
  CHECK(r.aliases == Strings{"CVE-2025-3129"});
}

TEST_CASE("OSV: RustSec and Haskell advisories", "[evidence]") {
  const Record& rust = Only(Load("rustsec-advisory-db/crates/RUSTSEC-2016-0001.json"));
  CHECK(rust.purl == "pkg:cargo/openssl");
  CHECK(rust.severity == "high");  // CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H = 8.1
  CHECK(rust.fixed_versions == Strings{"0.9.0"});
  CHECK(rust.aliases == Strings{"CVE-2016-10931", "GHSA-34p9-f4q3-c4r7"});

  const Record& hs = Only(Load("haskell-security-advisories/2023/HSEC-2023-0001.json"));
  CHECK(hs.purl == "pkg:hackage/aeson");
  CHECK(hs.ecosystem == "hackage");
  CHECK(hs.fixed_versions == Strings{"2.0.1.0"});
}

TEST_CASE("OSV: an invalid CVSS vector is skipped, the next valid one is used", "[evidence]") {
  const std::string dir = "dependency-track/vuln-data-source/osv/src/test/resources/";
  const Record& r = Only(Load(dir + "osv-vulnerability-invalid-cvss.json"));
  CHECK(r.vulnerability == "GHSA-77rv-6vfw-x4gc");
  // "CVSS:3.1/AV:N/AC:L" is skipped; CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H = 7.2.
  CHECK(r.severity == "high");
  CHECK(r.purl.empty());

  const Record& exact = Only(Load(dir + "osv-vulnerability-exact-version.json"));
  CHECK(exact.purl == "pkg:npm/yandex-yt-yson-bindings");
  CHECK(exact.version == "103.99.99");
}

TEST_CASE("OSV: the normaliser refuses a document without an id", "[evidence]") {
  auto doc = json::Parse(R"({"modified":"2024-01-01T00:00:00Z","affected":[]})", "x");
  REQUIRE_OK(doc);
  auto r = NormaliseOsv(*doc, "bad.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().message() == "bad.json: OSV \"id\": got nothing, want a non-empty string");
}

// ---- CSAF ----

TEST_CASE("CSAF: CISA ICS advisory", "[evidence]") {
  auto doc = Load("cisa-csaf/csaf_files/OT/white/2024/icsa-24-004-01.json");
  CheckDocument(doc, DocumentFormat::kCsaf, SourceKind::kAdvisory, "ICSA-24-004-01",
                "2024-01-04T07:00:00Z");
  REQUIRE(doc.records.size() == 2);
  const Record& curl = doc.records[0];
  CHECK(curl.vulnerability == "CVE-2023-38545");
  CHECK(curl.package ==
        "Rockwell Automation Factory Talk Activation Manager: "
        "<V4.00_Utilizes_Wibu-Systems_CodeMeter_7.60c");
  CHECK(curl.purl.empty());
  CHECK(curl.version.empty());  // a product_version_range is not a version
  CHECK(curl.vex_status == "affected");
  CHECK(curl.severity == "critical");
  CHECK(doc.records[1].vulnerability == "CVE-2023-3935");
  CHECK(doc.records[1].severity == "high");
}

TEST_CASE("CSAF VEX: CISA IT advisory with fixed products", "[evidence]") {
  auto doc = Load("cisa-csaf/csaf_files/IT/white/2024/va-24-201-01.json");
  CHECK(doc.format == DocumentFormat::kCsafVex);
  CHECK(doc.kind == SourceKind::kVex);
  CHECK(doc.records.size() == 11);
  const Record& fixed = FindRecord(doc, [](const Record& r) {
    return r.vulnerability == "CVE-2023-45195" && r.vex_status == "fixed";
  });
  CHECK(fixed.package == "AdminerEvo 4.8.4");
  CHECK(fixed.version == "4.8.4");
  CHECK(fixed.fixed_versions == Strings{"4.8.4"});
  CHECK(fixed.summary == "Adminer and AdminerEvo SSRF");
}

TEST_CASE("CSAF VEX: Red Hat relationship resolves to the component purl", "[evidence]") {
  auto doc = Load("claircore/rhel/vex/testdata/cve-2024-24786-simple.json");
  CHECK(doc.id == "CVE-2024-24786");
  CHECK(doc.modified == "2025-08-13T15:14:45Z");  // from "+00:00"
  const Record& r = Only(doc);
  CHECK(r.kind == SourceKind::kVex);
  CHECK(r.purl == "pkg:rpm/redhat/cri-tools@1.29.0-3.1.el9?arch=aarch64");
  CHECK(r.ecosystem == "rpm");
  CHECK(r.package ==
        "cri-tools-0:1.29.0-3.1.el9.aarch64 as a component of Red Hat OpenShift Container "
        "Platform 4.16");
  CHECK(r.version == "1.29.0-3.1.el9");
  CHECK(r.vex_status == "fixed");
  CHECK(r.fixed_versions == Strings{"1.29.0-3.1.el9"});
  CHECK(r.severity == "medium");
}

TEST_CASE("CSAF VEX: a full Red Hat VEX document (2.9 MB)", "[evidence]") {
  auto doc = Load("claircore/rhel/vex/testdata/cve-2022-38752.json");
  CHECK(doc.id == "CVE-2022-38752");
  CHECK(doc.modified == "2024-08-01T23:24:30Z");
  // 2,416 product statuses; products Red Hat names identically collapse to 1,598 records.
  CHECK(doc.records.size() == 1598);
  CHECK(CountIf(doc, [](const Record& r) { return r.vex_status == "not_affected"; }) == 1535);
  CHECK(CountIf(doc, [](const Record& r) { return r.vex_status == "affected"; }) == 35);
  CHECK(CountIf(doc, [](const Record& r) { return r.vex_status == "fixed"; }) == 28);
  CHECK(CountIf(doc, [](const Record& r) {
          return r.vex_status == "not_affected" &&
                 r.justification == "vulnerable_code_not_present";
        }) == 1535);
  CHECK(CountIf(doc, [](const Record& r) { return r.severity == "medium"; }) == 1598);
  CHECK(CountIf(doc, [](const Record& r) { return !r.purl.empty(); }) == 1560);
  // A product_version branch named like its product is not a version.
  const Record& eap6 = FindRecord(doc, [](const Record& r) {
    return r.package == "eap6-snakeyaml as a component of Red Hat JBoss Enterprise Application "
                        "Platform 6";
  });
  CHECK(eap6.vex_status == "affected");
  CHECK(eap6.version.empty());
}

TEST_CASE("CSAF: 2.0 VEX use case and 2.1 metrics", "[evidence]") {
  const Record& na =
      Only(Load("oasis-csaf/csaf_2.0/examples/csaf/csaf_vex/2022-evd-uc-01-na-001.json"));
  CHECK(na.vulnerability == "CVE-2021-44228");
  CHECK(na.package == "Example Company ABC 4.2");
  CHECK(na.version == "4.2");
  CHECK(na.vex_status == "not_affected");

  auto cisco = Load("oasis-csaf/csaf_2.1/examples/csaf/cisco-sa-20180328-smi2.json");
  CHECK(cisco.records.size() == 259);
  const Record& r = FindRecord(cisco, [](const Record& x) {
    return x.package == "Cisco IOS 12.2SE 12.2(55)SE";
  });
  CHECK(r.version == "12.2(55)SE");  // the service_pack branch
  CHECK(r.severity == "critical");   // metrics[].content.cvss_v3
  CHECK(r.aliases == Strings{"CSCvg76186"});
  CHECK(r.vex_status == "affected");
}

TEST_CASE("CSAF: Red Hat deletion markers are not CSAF documents", "[evidence]") {
  const fs::path marker = DataDir() / "claircore/rhel/vex/testdata/delete_CVE-2023-0030.json";
  CHECK_THAT(RefusalOf(ReadFile(marker), "delete_CVE-2023-0030.json"),
             Catch::StartsWith("delete_CVE-2023-0030.json: not a recognised"));
}

// ---- OpenVEX ----

TEST_CASE("OpenVEX 0.2.0: statements × products and subcomponents", "[evidence]") {
  auto doc = Load("openvex-go-vex/pkg/vex/testdata/v0.2.0.json");
  CHECK(doc.format == DocumentFormat::kOpenVex);
  CHECK(doc.kind == SourceKind::kVex);
  CHECK(doc.modified == "2023-07-18T00:28:47Z");  // 2023-07-17T18:28:47.696004345-06:00
  CHECK(doc.records.size() == 15);  // 5 statements × (1 image + 2 subcomponents)
  const Record& r = FindRecord(doc, [](const Record& x) {
    return x.vulnerability == "CVE-2023-3446" && x.purl == "pkg:apk/alpine/libssl3@3.0.8-r3";
  });
  CHECK(r.vex_status == "not_affected");
  CHECK(r.justification == "vulnerable_code_not_present");
  CHECK(r.summary == "affected functions were removed before packaging");
  CHECK(r.package == "libssl3");
  CHECK(r.version == "3.0.8-r3");
  CHECK(r.ecosystem == "apk");
  CHECK(CountIf(doc, [](const Record& x) { return x.ecosystem == "oci"; }) == 5);
}

TEST_CASE("OpenVEX 0.0.1: string products and statement timestamps", "[evidence]") {
  auto doc = Load("openvex-go-vex/pkg/vex/testdata/v0.0.1.json");
  REQUIRE(doc.records.size() == 2);
  CHECK(doc.records[0].purl == "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7");
  CHECK(doc.records[1].purl == "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64");
  CHECK(doc.records[0].vex_status == "fixed");
  CHECK(doc.records[0].modified == "2023-01-09T00:02:03Z");

  auto statement_time = Load("openvex-go-vex/pkg/vex/testdata/v001-1.vex.json");
  CHECK(statement_time.modified.empty());
  CHECK(Only(statement_time).modified == "2022-12-22T21:36:43Z");  // 16:36:43-05:00
  CHECK(Only(statement_time).vex_status == "under_investigation");
}

TEST_CASE("OpenVEX: go-vex merged document with an empty @context", "[evidence]") {
  const Record& r =
      Only(Load("guac/internal/testing/testdata/exampledata/open-vex-affected.json"));
  CHECK(r.vulnerability == "CVE-1234-5678");
  CHECK(r.purl == "pkg:apk/wolfi/bash@1.0.0");
  CHECK(r.vex_status == "affected");
  CHECK(r.summary == "This is a test action statement");
}

TEST_CASE("OpenVEX: statements must be an array", "[evidence]") {
  auto doc = json::Parse(R"({"@context":"https://openvex.dev/ns/v0.2.0","statements":{}})", "x");
  REQUIRE_OK(doc);
  auto r = NormaliseOpenVex(*doc, "v.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "v.json: OpenVEX \"statements\": got object, want an array");
}

// ---- CycloneDX ----

TEST_CASE("CycloneDX VEX: affects ref resolves to metadata.component", "[evidence]") {
  auto doc = Load("cyclonedx-bom-examples/VEX/Use-Cases/Case-1/vex.json");
  CHECK(doc.format == DocumentFormat::kCycloneDxVex);
  const Record& r = Only(doc);
  CHECK(r.vulnerability == "CVE-2020-25649");
  CHECK(r.package == "Acme Product");
  CHECK(r.version == "2.4.0");
  CHECK(r.vex_status == "not_affected");
  CHECK(r.justification == "code_not_reachable");
  CHECK(r.severity == "high");  // the first rating (NVD)
  CHECK(r.modified == "2022-01-13T00:00:00Z");
}

TEST_CASE("CycloneDX VEX: CISA use case 1 analysis states", "[evidence]") {
  const std::string dir = "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-1/";
  CHECK(Only(Load(dir + "vex-affected.json")).vex_status == "affected");
  CHECK(Only(Load(dir + "vex-fixed.json")).vex_status == "fixed");
  CHECK(Only(Load(dir + "vex-under_investigation.json")).vex_status == "under_investigation");
  const Record& na = Only(Load(dir + "vex-not_affected.json"));
  CHECK(na.vex_status == "not_affected");
  CHECK(na.justification == "code_not_present");
  CHECK(na.package == "ABC");
  CHECK(na.version == "4.2");
}

TEST_CASE("CycloneDX VEX: BOM-Links", "[evidence]") {
  // A link whose fragment is a purl.
  const Record& purl = Only(Load("cyclonedx-bom-examples/VEX/vex.json"));
  CHECK(purl.purl == "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar");
  CHECK(purl.package == "com.fasterxml.jackson.core:jackson-databind");
  CHECK(purl.version == "2.10.0");
  CHECK(purl.aliases == Strings{"SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302"});

  // Links into other BOMs stay as they are.
  auto other = Load("cyclonedx-bom-examples/VEX/Use-Cases/Case-6/vex.json");
  REQUIRE(other.records.size() == 3);
  CHECK(other.records[0].package ==
        "urn:cdx:240b5b0b-917d-4f48-816c-97e1944d8079/1#acme-product-3");

  // A link to this document's own serial number resolves; false_positive → not_affected.
  auto self = Load("guac/internal/testing/testdata/exampledata/cyclonedx-vex-false-positive.json");
  const Record& resolved =
      FindRecord(self, [](const Record& r) { return r.vulnerability == "CVE-2024-0002"; });
  CHECK(resolved.package == "test-app-2");
  CHECK(resolved.version == "1.0.0");
  CHECK(resolved.vex_status == "not_affected");
}

TEST_CASE("CycloneDX VEX: resolved_with_pedigree is fixed", "[evidence]") {
  auto doc =
      Load("guac/internal/testing/testdata/exampledata/cyclonedx-vex-resolved-with-pedigree.json");
  REQUIRE(doc.records.size() == 2);
  CHECK(doc.records[0].vex_status == "fixed");
  CHECK(doc.records[0].severity == "high");
}

TEST_CASE("CycloneDX SBOM: keycloak components", "[evidence]") {
  auto doc = Load("cyclonedx-bom-examples/SBOM/keycloak-10.0.2/bom.json");
  CheckDocument(doc, DocumentFormat::kCycloneDx, SourceKind::kSbom,
                "urn:uuid:411dafd2-c29f-491a-97d7-e97de5bc2289", "2020-08-02T21:21:17Z");
  CHECK(doc.records.size() == 903);
  const Record& first = doc.records[0];
  CHECK(first.kind == SourceKind::kSbom);
  CHECK(first.vulnerability.empty());
  CHECK(first.purl == "pkg:maven/antlr/antlr@2.7.7?type=jar");
  CHECK(first.package == "antlr:antlr");
  CHECK(first.version == "2.7.7");
  CHECK(first.ecosystem == "maven");
}

TEST_CASE("CycloneDX SBOM: nested components are records too", "[evidence]") {
  auto doc = Load("cyclonedx-bom-examples/SBOM/juice-shop/via_npm/bare/bom.1.4.json");
  // 1,115 components at up to three levels; 978 distinct.
  CHECK(doc.records.size() == 978);
  const Record& nested =
      FindRecord(doc, [](const Record& r) { return r.purl == "pkg:npm/semver@6.3.0"; });
  CHECK(nested.package == "semver");
  CHECK(nested.version == "6.3.0");
  CHECK(nested.ecosystem == "npm");
}

TEST_CASE("CycloneDX: nesting deeper than the limit is refused", "[evidence]") {
  std::string text = R"({"bomFormat":"CycloneDX","specVersion":"1.5","components":[)";
  for (int i = 0; i < 100; ++i) text += R"({"name":"c","components":[)";
  for (int i = 0; i < 100; ++i) text += "]}";
  text += "]}";
  CHECK(RefusalOf(text, "deep.json") ==
        "deep.json: CycloneDX components nest deeper than 64 levels");
}

// ---- SPDX ----

TEST_CASE("SPDX 2.3: packages with purls", "[evidence]") {
  auto doc = Load("spdx-examples/software/example11/spdx2.3/sbom.spdx.json");
  CheckDocument(doc, DocumentFormat::kSpdx, SourceKind::kSbom,
                "https://spdx.org/spdxdocs/k8s-releng-bom-7c6a33ab-bd76-4b06-b291-a850e0815b07",
                "2022-11-03T07:10:10Z");
  REQUIRE(doc.records.size() == 4);
  CHECK(doc.records[0].purl == "pkg:cargo/hyper@0.14");
  CHECK(doc.records[0].package == "hyper");
  CHECK(doc.records[0].version == "0.14");
  CHECK(doc.records[2].purl == "pkg:cargo/tokio@1.19.2");
  CHECK(doc.records[2].version == "1.19.2");
  // versionInfo wins over the purl's version.
  CHECK(doc.records[3].purl == "pkg:deb/debian/libselinux1-dev@3.1-3?arch=s390x");
  CHECK(doc.records[3].package == "hello-server-src");
  CHECK(doc.records[3].version == "0.1.0");
}

TEST_CASE("SPDX: syft image SBOM from guac", "[evidence]") {
  auto doc = Load("guac/internal/testing/testdata/exampledata/alpine-spdx.json");
  CHECK(doc.records.size() == 14);
  const Record& r = FindRecord(doc, [](const Record& x) { return x.package == "alpine-keys"; });
  CHECK(r.ecosystem == "alpine");
  CHECK(r.version == "2.4-r1");
}

TEST_CASE("SPDX 3.0 JSON-LD is refused with its own message", "[evidence]") {
  const std::string name = "spdx-examples/software/example11/spdx3.0/sbom.spdx3.json";
  CHECK(RefusalOf(ReadFile(DataDir() / name), name) ==
        name + ": SPDX 3.0 JSON-LD is not supported; want SPDX 2.x JSON");
}

// ---- Errors, limits, determinism ----

TEST_CASE("An unknown document gets the exact error", "[evidence]") {
  for (const char* text : {R"({"hello":"world"})", "[1,2,3]", "42", R"({"id":"X-1"})"}) {
    CHECK(RefusalOf(text, "mystery.json") ==
          "mystery.json: not a recognised evidence document (want OSV, CSAF, OpenVEX, CycloneDX "
          "or SPDX JSON)");
  }
}

TEST_CASE("Invalid JSON and oversized documents are refused before normalising", "[evidence]") {
  CHECK_THAT(RefusalOf("{\"id\": ", "broken.json"),
             Catch::StartsWith("broken.json: not valid JSON"));

  std::string huge(kMaxDocumentBytes + 1, ' ');
  CHECK(RefusalOf(huge, "huge.json") ==
        "huge.json: got 67108865 bytes, want at most 67108864 for an evidence document");
}

TEST_CASE("Output is sorted, duplicate-free and identical across runs", "[evidence]") {
  const fs::path path =
      DataDir() / "oasis-csaf/csaf_2.0/examples/csaf/cisco-sa-20180328-smi2.json";
  const std::string bytes = ReadFile(path);
  auto a = Normalise(bytes, "cisco");
  auto b = Normalise(bytes, "cisco");
  REQUIRE_OK(a);
  REQUIRE_OK(b);
  REQUIRE(a->records.size() == b->records.size());
  for (std::size_t i = 0; i < a->records.size(); ++i) {
    CHECK(RecordToJson(a->records[i]) == RecordToJson(b->records[i]));
  }
  auto key = [](const Record& r) {
    return std::tie(r.vulnerability, r.purl, r.package, r.version, r.vex_status);
  };
  for (std::size_t i = 1; i < a->records.size(); ++i) {
    CHECK(key(a->records[i - 1]) <= key(a->records[i]));
    CHECK_FALSE(RecordToJson(a->records[i - 1]) == RecordToJson(a->records[i]));
  }
}

// ---- Sweeps over whole folders ----

struct SweepResult {
  std::size_t ok = 0;
  std::vector<Status> failures;
};

SweepResult Sweep(const std::string& folder, std::size_t limit = SIZE_MAX) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(DataDir() / folder)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.size() > limit) files.resize(limit);
  SweepResult result;
  for (const auto& file : files) {
    const std::string name = fs::relative(file, DataDir()).string();
    auto doc = Normalise(ReadFile(file), name);
    if (doc.ok()) {
      ++result.ok;
      continue;
    }
    // A failure must be a clear InvalidArgument naming its file.
    CHECK(doc.status().code() == Code::kInvalidArgument);
    CHECK_THAT(doc.status().message(), Catch::StartsWith(name + ": "));
    result.failures.push_back(doc.status());
  }
  return result;
}

TEST_CASE("Sweep: every evidence example normalises or fails clearly", "[evidence][sweep]") {
  struct Folder {
    const char* path;
    std::size_t limit;
    std::size_t min_ok;
  };
  const Folder folders[] = {
      {"cyclonedx-bom-examples", SIZE_MAX, 58},
      {"openvex-vexctl/examples/openvex", SIZE_MAX, 3},
      {"oasis-csaf/csaf_2.0/examples", SIZE_MAX, 19},
      {"oasis-csaf/csaf_2.1/examples", SIZE_MAX, 23},
      {"golang-vulndb/data/osv", 200, 200},
      {"guac/internal/testing/testdata/exampledata", SIZE_MAX, 24},
  };
  for (const auto& folder : folders) {
    INFO(folder.path);
    SweepResult result = Sweep(folder.path, folder.limit);
    for (const auto& failure : result.failures) UNSCOPED_INFO(failure.message());
    CHECK(result.ok >= folder.min_ok);
    CHECK(result.failures.empty());
  }
}

TEST_CASE("Sweep: SPDX examples fail only on SPDX 3.0", "[evidence][sweep]") {
  SweepResult result = Sweep("spdx-examples");
  CHECK(result.ok == 18);
  CHECK(result.failures.size() == 26);
  for (const auto& failure : result.failures) {
    CHECK_THAT(failure.message(),
               Catch::EndsWith(": SPDX 3.0 JSON-LD is not supported; want SPDX 2.x JSON"));
  }
}

}  // namespace
}  // namespace ec::evidence
