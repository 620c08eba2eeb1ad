// LoadAdvisories as a whole: skipping bad documents with exact messages, limits, and a
// result that does not depend on the order of files or sources.
#include <catch2/catch.hpp>

#include <map>

#include "trivy/advisory_loader.h"
#include "trivy/sources/limits.h"
#include "trivy_test_support.h"

namespace ec::trivy {
namespace {

namespace fs = std::filesystem;
using testing::Data;
using testing::TempDir;
using testing::ValueAt;
using testing::WriteText;

void Flatten(const BucketTree& tree, const std::string& prefix, std::map<std::string, std::string>& out) {
  for (const auto& [key, value] : tree.values) out[prefix + key] = value;
  for (const auto& [key, child] : tree.buckets) {
    out[prefix + key + "/"] = "<bucket>";
    Flatten(child, prefix + key + "/", out);
  }
}

std::map<std::string, std::string> Flat(const BucketTree& tree) {
  std::map<std::string, std::string> out;
  Flatten(tree, "", out);
  return out;
}

LoadReport MustLoad(const std::vector<fs::path>& sources, BucketTree& db) {
  auto r = LoadAdvisories(sources, db);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

std::string Osv(const std::string& id, const std::string& alias, const std::string& modified,
                const std::string& fixed, const std::string& summary) {
  return R"({"id":")" + id + R"(","aliases":[")" + alias + R"("],"modified":")" + modified +
         R"(","summary":")" + summary +
         R"(","affected":[{"package":{"ecosystem":"PyPI","name":"pkg"},"ranges":[{"type":"ECOSYSTEM",)"
         R"("events":[{"introduced":"0"},{"fixed":")" + fixed + R"("}]}]}]})";
}

TEST_CASE("The vulnerability bucket exists even when nothing was loaded", "[trivy][loader]") {
  TempDir dir;
  BucketTree db;
  LoadReport report = MustLoad({dir.path()}, db);
  CHECK(report.documents == 0);
  CHECK(report.skipped == 0);
  REQUIRE(db.buckets.count("vulnerability") == 1);
  CHECK(db.buckets.at("vulnerability").empty());
  CHECK(db.buckets.size() == 1);
}

TEST_CASE("Malformed documents are skipped with the file and the reason", "[trivy][loader]") {
  fs::path sad = Data("trivy-db/pkg/vulnsrc/osv/testdata/sad/vuln-list/osv/python/PYSEC-2005-1.json");
  fs::path podspec = Data("trivy-db/pkg/vulnsrc/ghsa/testdata/happy/cocoapods-specs/Specs/e/8/6/SwiftNIO/2.40.0/SwiftNIO.podspec.json");
  fs::path good = Data("trivy-db/pkg/vulnsrc/bitnami/testdata/happy/bitnami-vulndb/data/envoy/BIT-2020-12603.json");
  TempDir dir;
  fs::path bad_yaml = dir.path() / "bad.yaml";
  WriteText(bad_yaml, "id: [unclosed\n");
  fs::path bad_field = dir.path() / "field.json";
  WriteText(bad_field, R"({"id":"GHSA-1","affected":[{"package":{"name":"x","ecosystem":"npm"},"ranges":"SEMVER"}]})");
  fs::path bad_time = dir.path() / "time.json";
  WriteText(bad_time, R"({"id":"GHSA-2","modified":"yesterday"})");

  BucketTree db;
  LoadReport report = MustLoad({sad, podspec, good, bad_yaml, bad_field, bad_time}, db);
  CHECK(report.documents == 1);
  CHECK(report.skipped == 5);
  REQUIRE(report.problems.size() == 5);
  // Problems come in path order; find each by file.
  std::map<std::string, std::string> by_file;
  for (const auto& p : report.problems) by_file[p.substr(0, p.find(": "))] = p;
  CHECK(by_file[sad.string()] ==
        sad.string() + ": not valid JSON: parse error at line 9, column 14: syntax error while parsing "
                       "object - unexpected string literal; expected '}'");
  CHECK(by_file[podspec.string()] ==
        podspec.string() + ": not a recognised advisory document (OSV, Alpine secdb, Debian security tracker or "
                           "Node.js Security WG)");
  CHECK_THAT(by_file[bad_yaml.string()], Catch::StartsWith(bad_yaml.string() + ": not valid YAML: "));
  CHECK(by_file[bad_field.string()] == bad_field.string() + ": affected[0].ranges: not an array");
  CHECK(by_file[bad_time.string()] == bad_time.string() + R"(: modified: "yesterday" is not an RFC 3339 time)");
  // The good document still loaded.
  CHECK(ValueAt(db, {"bitnami::Bitnami Vulnerability Database", "envoy", "CVE-2020-12603"}));
}

TEST_CASE("Oversized, deeply nested and exploding documents are refused", "[trivy][loader][limits]") {
  TempDir dir;
  fs::path big = dir.path() / "big.json";
  WriteText(big, "");
  fs::resize_file(big, kMaxAdvisoryFileBytes + 1);  // sparse: costs no disk
  fs::path deep = dir.path() / "deep.json";
  WriteText(deep, std::string(65, '[') + std::string(65, ']'));
  fs::path deep_yaml = dir.path() / "deep.yaml";
  WriteText(deep_yaml, "a: " + std::string(70, '[') + std::string(70, ']') + "\n");
  fs::path bomb = dir.path() / "bomb.yaml";
  std::string yaml = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 7; ++i) {
    std::string prev = "*l" + std::to_string(i - 1);
    yaml += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + prev;
    for (int j = 1; j < 10; ++j) yaml += ", " + prev;
    yaml += "]\n";
  }
  WriteText(bomb, yaml);

  BucketTree db;
  LoadReport report = MustLoad({dir.path()}, db);
  CHECK(report.skipped == 4);
  std::map<std::string, std::string> by_file;
  for (const auto& p : report.problems) by_file[p.substr(0, p.find(": "))] = p;
  CHECK(by_file[big.string()] == big.string() + ": file is 134217729 bytes, larger than the 134217728-byte limit");
  CHECK(by_file[deep.string()] == deep.string() + ": nesting deeper than 64 levels");
  CHECK(by_file[deep_yaml.string()] == deep_yaml.string() + ": nesting deeper than 64 levels");
  CHECK(by_file[bomb.string()] == bomb.string() + ": more than 4194304 nodes");
}

TEST_CASE("A missing source is an error, not a skipped document", "[trivy][loader]") {
  BucketTree db;
  auto r = LoadAdvisories({"/nonexistent/advisories"}, db);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kNotFound);
  CHECK(r.status().message() == "/nonexistent/advisories: advisory source does not exist");
}

TEST_CASE("Directories are walked for JSON and YAML only, hidden entries skipped, files once", "[trivy][loader]") {
  TempDir dir;
  WriteText(dir.path() / "a" / "one.json", Osv("PYSEC-1", "CVE-2030-1", "2024-01-01T00:00:00Z", "1.0", "a"));
  WriteText(dir.path() / "a" / "notes.txt", "not an advisory");
  WriteText(dir.path() / ".git" / "two.json", "{broken");
  WriteText(dir.path() / "a" / ".hidden.json", "{broken");
  BucketTree db;
  // The directory and a file inside it: the file is read once.
  LoadReport report = MustLoad({dir.path(), dir.path() / "a" / "one.json"}, db);
  CHECK(report.documents == 1);
  CHECK(report.skipped == 0);
  CHECK(ValueAt(db, {"pip::Python Packaging Advisory Database", "pkg", "CVE-2030-1"}));
}

TEST_CASE("Conflicting documents resolve by content, not by file order", "[trivy][loader][determinism]") {
  // Same CVE, package and bucket from two records: the later `modified` wins.
  const std::string newer = Osv("PYSEC-2", "CVE-2030-9", "2024-06-01T00:00:00Z", "2.0", "newer");
  const std::string older = Osv("PYSEC-1", "CVE-2030-9", "2024-01-01T00:00:00+01:00", "1.0", "older");
  // Alpine has no timestamps: the greater value bytes win.
  const std::string alpine_a = "distroversion: v3.18\npackages:\n- pkg: {name: z, secfixes: {1.0-r0: [CVE-2030-8]}}\n";
  const std::string alpine_b = "distroversion: v3.18\npackages:\n- pkg: {name: z, secfixes: {2.0-r0: [CVE-2030-8]}}\n";

  TempDir one, two;
  WriteText(one.path() / "1.json", newer);
  WriteText(one.path() / "2.json", older);
  WriteText(one.path() / "3.yaml", alpine_a);
  WriteText(one.path() / "4.yaml", alpine_b);
  WriteText(two.path() / "1.json", older);  // reversed reading order
  WriteText(two.path() / "2.json", newer);
  WriteText(two.path() / "3.yaml", alpine_b);
  WriteText(two.path() / "4.yaml", alpine_a);
  BucketTree a, b;
  MustLoad({one.path()}, a);
  MustLoad({two.path()}, b);
  CHECK(Flat(a) == Flat(b));
  CHECK(ValueAt(a, {"pip::Python Packaging Advisory Database", "pkg", "CVE-2030-9"}) ==
        R"({"PatchedVersions":["2.0"],"VendorIDs":["PYSEC-2"],"VulnerableVersions":["\u003c2.0"]})");
  CHECK(ValueAt(a, {"vulnerability", "CVE-2030-9"}) == R"({"Title":"newer","Severity":"UNKNOWN"})");
  CHECK(ValueAt(a, {"alpine 3.18", "z", "CVE-2030-8"}) == R"({"FixedVersion":"2.0-r0"})");
}

TEST_CASE("Real data loads into the same tree whatever the source order", "[trivy][loader][determinism]") {
  std::vector<fs::path> sources = {
      Data("trivy-db/pkg/vulnsrc/bitnami/testdata/happy"), Data("trivy-db/pkg/vulnsrc/ghsa/testdata/happy/ghsa"),
      Data("trivy-db/pkg/vulnsrc/govulndb/testdata/happy"), Data("alpine-secdb/v3.10"),
      Data("osv.dev/vulnfeeds/test_data/debian/debian_security_tracker_mock.json"),
      Data("pypa-advisory-database/vulns/django")};
  BucketTree forward, backward;
  LoadReport r1 = MustLoad(sources, forward);
  std::vector<fs::path> reversed(sources.rbegin(), sources.rend());
  LoadReport r2 = MustLoad(reversed, backward);
  CHECK(Flat(forward) == Flat(backward));
  CHECK(r1.problems == r2.problems);
  CHECK(r1.documents == r2.documents);
  CHECK(r1.advisories == r2.advisories);
  CHECK(r1.advisories > 1000);

  // Loading into a tree that already has the result changes nothing.
  LoadReport r3 = MustLoad(sources, forward);
  CHECK(Flat(forward) == Flat(backward));
  CHECK(r3.advisories == r1.advisories);
}

}  // namespace
}  // namespace ec::trivy
