// The evidence store and ingest: byte-exact raw documents, per-tenant rows, rejection of bad
// documents without losing the rest, selectors.
#include "evidence/evidence_store.h"

#include "evidence/ingest.h"
#include "evidence/selectors.h"
#include "support/test_support.h"

namespace ec::evidence {
namespace {

namespace fs = std::filesystem;
using ec::testing::ReadFile;
using ec::testing::TempDir;
using ec::testing::WriteFile;

fs::path DataFile(const std::string& relative) {
  fs::path p = fs::path(EC_SHARED_DATA_DIR) / relative;
  INFO(p);
  REQUIRE(fs::exists(p));
  return p;
}

// Three real documents, one of each kind, copied into `dir`.
void CopyEvidence(const fs::path& dir) {
  fs::create_directories(dir);
  fs::copy_file(DataFile("golang-vulndb/data/osv/GO-2022-0229.json"), dir / "GO-2022-0229.json");
  fs::copy_file(DataFile("cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.3.json"), dir / "laravel.json");
  fs::copy_file(DataFile("openvex-go-vex/pkg/vex/testdata/v001-1.vex.json"), dir / "vex.json");
}

TEST_CASE("ingest keeps raw documents byte-exact and records per tenant") {
  TempDir tmp;
  CopyEvidence(tmp / "in");
  auto store = EvidenceStore::Open(tmp / "store");
  REQUIRE_OK(store);
  auto report = IngestPaths(**store, {tmp / "in"}, {"acme", 2});
  REQUIRE_OK(report);
  CHECK(report->files == 3);
  CHECK(report->added == 3);
  CHECK(report->rejected == 0);
  CHECK(report->records > 3);

  auto docs = (*store)->Documents("acme");
  REQUIRE_OK(docs);
  REQUIRE(docs->size() == 3);
  // Ordered by kind, then id: advisory, sbom, vex.
  CHECK((*docs)[0].kind == "advisory");
  CHECK((*docs)[0].id == "GO-2022-0229");
  CHECK((*docs)[1].kind == "sbom");
  CHECK((*docs)[2].kind == "vex");
  const std::string bytes = ReadFile(tmp / "in" / "GO-2022-0229.json");
  auto raw = (*store)->ReadRaw(oci::Digest::OfBytes(bytes));
  REQUIRE_OK(raw);
  CHECK(*raw == bytes);
  CHECK((*docs)[0].digest == oci::Digest::OfBytes(bytes).str());

  SECTION("ingesting again changes nothing") {
    auto again = IngestPaths(**store, {tmp / "in"}, {"acme", 1});
    REQUIRE_OK(again);
    CHECK(again->added == 0);
    CHECK(again->unchanged == 3);
  }
  SECTION("another tenant does not see them") {
    auto other = (*store)->Documents("other");
    REQUIRE_OK(other);
    CHECK(other->empty());
    int records = 0;
    REQUIRE_OK((*store)->ForEachRecord("other", [&](const StoredRecord&) { ++records; return OkStatus(); }));
    CHECK(records == 0);
  }
  SECTION("a damaged blob is reported, not served") {
    WriteFile((*store)->RawPath(oci::Digest::OfBytes(bytes)), "tampered");
    auto damaged = (*store)->ReadRaw(oci::Digest::OfBytes(bytes));
    REQUIRE(damaged.status().code() == Code::kDataLoss);
    CHECK(damaged.status().message().find("the store is damaged") != std::string::npos);
  }
}

TEST_CASE("a bad document is rejected with its file and the rest go in") {
  TempDir tmp;
  CopyEvidence(tmp / "in");
  WriteFile(tmp / "in" / "bad.json", R"({"hello":"world"})");
  WriteFile(tmp / "in" / "broken.json", R"({"id": )");
  auto store = EvidenceStore::Open(tmp / "store");
  REQUIRE_OK(store);
  auto report = IngestPaths(**store, {tmp / "in"}, {"acme", 2});
  REQUIRE_OK(report);
  CHECK(report->added == 3);
  CHECK(report->rejected == 2);
  REQUIRE(report->rejections.size() == 2);
  CHECK(report->rejections[0].rfind((tmp / "in" / "bad.json").string() + ": ", 0) == 0);
  CHECK(report->rejections[0].find("not a recognised evidence document") != std::string::npos);
  CHECK(report->rejections[1].rfind((tmp / "in" / "broken.json").string() + ": ", 0) == 0);
}

TEST_CASE("a missing input fails before anything is stored") {
  TempDir tmp;
  CopyEvidence(tmp / "in");
  auto store = EvidenceStore::Open(tmp / "store");
  REQUIRE_OK(store);
  auto report = IngestPaths(**store, {tmp / "in", tmp / "nope"}, {"acme", 1});
  REQUIRE(report.status().code() == Code::kInvalidArgument);
  CHECK(report.status().message() == StrCat("ingest ", (tmp / "nope").string(), ": no such file or directory"));
  auto docs = (*store)->Documents("acme");
  REQUIRE_OK(docs);
  CHECK(docs->empty());
}

TEST_CASE("the store refuses a directory that holds something else") {
  TempDir tmp;
  WriteFile(tmp / "x" / "file.txt", "mine");
  auto store = EvidenceStore::Open(tmp / "x");
  REQUIRE(store.status().code() == Code::kFailedPrecondition);
  CHECK(store.status().message().find("holds no evidence.db") != std::string::npos);
}

TEST_CASE("selectors are validated and put in canonical order") {
  Selectors s;
  s.tenant = "acme";
  s.kinds = {"vex", "advisory", "vex"};
  s.ecosystems = {"NPM", "pypi"};
  REQUIRE_OK(NormaliseSelectors(s));
  CHECK(s.kinds == std::vector<std::string>{"advisory", "vex"});
  CHECK(s.ecosystems == std::vector<std::string>{"npm", "pypi"});
  CHECK(json::Compact(SelectorsToJson(s)) == R"({"ecosystems":["npm","pypi"],"kinds":["advisory","vex"],"tenant":"acme"})");

  Selectors bad;
  bad.tenant = "Acme";
  CHECK(NormaliseSelectors(bad).message() == "tenant \"Acme\": want 1-63 characters of a-z, 0-9 and inner '-'");
  bad.tenant = "acme";
  bad.kinds = {"sboms"};
  CHECK(NormaliseSelectors(bad).message() == "--kind \"sboms\": want advisory, vex or sbom");
  bad.kinds = {};
  bad.min_severity = "urgent";
  CHECK(NormaliseSelectors(bad).message() == "--severity \"urgent\": want critical, high, medium, low or none");
  bad.min_severity = "";
  bad.modified_since = "2024-01-01";
  CHECK(NormaliseSelectors(bad).message() ==
        "--modified-since \"2024-01-01\": want RFC 3339 UTC like 2024-01-31T00:00:00Z");
  bad.modified_since = "2024-02-01T00:00:00Z";
  bad.modified_until = "2024-01-01T00:00:00Z";
  CHECK(NormaliseSelectors(bad).message() ==
        "--modified-until 2024-01-01T00:00:00Z is not after --modified-since 2024-02-01T00:00:00Z: the window is empty");
  bad.modified_since = "";
  bad.modified_until = "";
  bad.purl_globs = {"npm/*"};
  CHECK(NormaliseSelectors(bad).message() ==
        "--purl \"npm/*\": want a purl pattern starting with pkg: (e.g. pkg:npm/*)");
}

TEST_CASE("records in scope") {
  Record r;
  r.kind = SourceKind::kAdvisory;
  r.vulnerability = "GHSA-aaaa-bbbb-cccc";
  r.aliases = {"CVE-2024-1"};
  r.purl = "pkg:npm/lodash@4.17.20";
  r.ecosystem = "npm";
  r.severity = "high";
  r.modified = "2024-05-01T00:00:00Z";
  auto with = [](auto edit) {
    Selectors s;
    s.tenant = "acme";
    edit(s);
    REQUIRE_OK(NormaliseSelectors(s));
    return s;
  };
  CHECK(RecordInScope(with([](Selectors&) {}), r));
  CHECK(RecordInScope(with([](Selectors& s) { s.vulnerabilities = {"CVE-2024-1"}; }), r));  // alias
  CHECK_FALSE(RecordInScope(with([](Selectors& s) { s.vulnerabilities = {"CVE-2024-2"}; }), r));
  CHECK(RecordInScope(with([](Selectors& s) { s.purl_globs = {"pkg:npm/lodash@*"}; }), r));
  CHECK_FALSE(RecordInScope(with([](Selectors& s) { s.purl_globs = {"pkg:pypi/*"}; }), r));
  CHECK(RecordInScope(with([](Selectors& s) { s.min_severity = "medium"; }), r));
  CHECK_FALSE(RecordInScope(with([](Selectors& s) { s.min_severity = "critical"; }), r));
  CHECK(RecordInScope(with([](Selectors& s) { s.modified_since = "2024-05-01T00:00:00Z"; }), r));
  CHECK_FALSE(RecordInScope(with([](Selectors& s) { s.modified_since = "2024-05-01T00:00:01Z"; }), r));
  CHECK_FALSE(RecordInScope(with([](Selectors& s) { s.kinds = {"sbom"}; }), r));
  CHECK_FALSE(RecordInScope(with([](Selectors& s) { s.ecosystems = {"pypi"}; }), r));
  CHECK(RecordInScope(with([](Selectors& s) { s.modified_until = "2024-05-01T00:00:01Z"; }), r));
  CHECK_FALSE(RecordInScope(with([](Selectors& s) { s.modified_until = "2024-05-01T00:00:00Z"; }), r));
  r.modified.clear();
  CHECK_FALSE(RecordInScope(with([](Selectors& s) { s.modified_since = "2000-01-01T00:00:00Z"; }), r));
}

}  // namespace
}  // namespace ec::evidence
