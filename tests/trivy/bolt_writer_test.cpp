#include "trivy/bolt_writer.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "support/test_support.h"
#include "trivy/bolt_reader.h"
#include "trivy/trivy_test_support.h"

// Every shape written here is also saved to $EC_BOLT_FIXTURE_DIR when it is set, so that
// conformance/trivy/bolt_check.sh can run bbolt itself over the same files. Names starting
// with "trivy" follow the Trivy DB layout (trivy-db.md §2) and are checked with -trivy.

namespace ec::trivy {
namespace {

using ec::testing::ReadFile;
using ec::testing::TempDir;
using testing::ParseBolt;
using testing::ParsedBolt;
using testing::TreeDiff;

void SaveFixture(const std::string& name, const BucketTree& tree,
                 const BoltWriteOptions& options = {}) {
  const char* dir = std::getenv("EC_BOLT_FIXTURE_DIR");
  if (dir == nullptr || *dir == '\0') return;
  std::filesystem::create_directories(dir);
  REQUIRE_OK(WriteBoltFile(tree, std::filesystem::path(dir) / (name + ".db"), options));
}

// Writes `tree`, parses the file back, and checks that every key and value returned.
ParsedBolt RoundTrip(const BucketTree& tree, const BoltWriteOptions& options = {},
                     std::string* bytes_out = nullptr) {
  TempDir dir;
  REQUIRE_OK(WriteBoltFile(tree, dir / "out.db", options));
  std::string bytes = ReadFile(dir / "out.db");
  ParsedBolt parsed = ParseBolt(bytes);
  REQUIRE(parsed.meta[0].page_size == options.page_size);
  REQUIRE(TreeDiff(tree, parsed.tree) == "");
  if (bytes_out) *bytes_out = std::move(bytes);
  return parsed;
}

std::string Key(const char* prefix, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%07d", prefix, i);
  return buf;
}

// A Trivy-shaped tree (trivy-db.md §2.1, §2.2): `vulns` vulnerability records; OS,
// language, Red Hat and Rocky buckets with `packages` packages each.
BucketTree TrivyTree(int vulns, int packages) {
  BucketTree root;
  BucketTree& vuln = root.Bucket("vulnerability");
  for (int i = 0; i < vulns; ++i) {
    std::string id = Key("CVE-2024-", i);
    vuln.values[id] = StrCat(
        R"({"Title":"flaw )", i, R"(","Description":"A long description of flaw )", i,
        R"( \u003cscript\u003e","Severity":"HIGH","CweIDs":["CWE-79"],)",
        R"("VendorSeverity":{"ghsa":2,"nvd":3},"CVSS":{"nvd":{"V3Vector":"CVSS:3.1/AV:N/AC:L/)",
        R"(PR:N/UI:N/S:U/C:H/I:H/A:H","V3Score":9.8}},"References":["https://example.com/)", i,
        R"("],"PublishedDate":"2024-01-02T03:04:05Z","LastModifiedDate":"2024-02-03T04:05:06Z"})");
  }
  BucketTree& ds = root.Bucket("data-source");
  ds.values["alpine 3.18"] = R"({"ID":"alpine","Name":"Alpine Secdb","URL":"https://secdb.alpinelinux.org/"})";
  ds.values["npm::GitHub Security Advisory npm"] =
      R"({"ID":"ghsa","Name":"GitHub Security Advisory npm","URL":"https://github.com/advisories?query=type%3Areviewed+ecosystem%3Anpm"})";
  ds.values["Red Hat"] = R"({"ID":"redhat","Name":"Red Hat OVAL v2","URL":"https://www.redhat.com/security/data/oval/v2/"})";
  ds.values["rocky 9"] = R"({"ID":"rocky","Name":"Rocky Linux updateinfo","URL":"https://download.rockylinux.org/pub/rocky/"})";
  for (int p = 0; p < packages; ++p) {
    std::string pkg = Key("pkg-", p);
    std::string cve = Key("CVE-2024-", p % (vulns > 0 ? vulns : 1));
    root.Bucket("alpine 3.18").Bucket(pkg).values[cve] = R"({"FixedVersion":"1.2.3-r0"})";
    BucketTree& npm = root.Bucket("npm::GitHub Security Advisory npm").Bucket(pkg);
    npm.values[cve] = R"({"PatchedVersions":["1.2.5"],"VulnerableVersions":["\u003e=1.2.0, \u003c1.2.5"]})";
    npm.values[Key("GHSA-xxxx-", p)] = R"({"VendorIDs":["GHSA-1"],"VulnerableVersions":["\u003c0.1"],"Status":3})";
    root.Bucket("Red Hat").Bucket(pkg).values[cve] =
        R"({"Entries":[{"FixedVersion":"1:3.0.7-1.el9","Cves":[{"ID":"CVE-2024-0000001","Severity":3}],"Arches":["x86_64"],"Status":3,"Affected":[0,1]}]})";
    root.Bucket("rocky 9").Bucket(pkg).values[cve] =
        R"({"FixedVersion":"5.1.8-9.el9","Entries":[{"FixedVersion":"5.1.8-9.el9","Arches":["x86_64"],"VendorIDs":["RLSA-2024:1"]}]})";
  }
  BucketTree& cpe = root.Bucket("Red Hat CPE");
  cpe.Bucket("repository").values["rhel-9-for-x86_64-baseos-rpms"] = "[0,1]";
  cpe.Bucket("nvr").values["openssl-3.0.7-1.el9"] = "[0]";
  cpe.Bucket("cpe").values["0"] = R"("cpe:/o:redhat:enterprise_linux:9::baseos")";
  cpe.Bucket("cpe").values["1"] = R"("cpe:/a:redhat:enterprise_linux:9::appstream")";
  return root;
}

}  // namespace

TEST_CASE("WriteBoltFile writes an empty tree exactly as bbolt initialises a file",
          "[trivy][bolt]") {
  std::string bytes;
  ParsedBolt db = RoundTrip(BucketTree{}, {}, &bytes);
  REQUIRE(bytes.size() == 4 * 4096);
  // Vectors from trivy-db pkg/db/testdata/normal.db (trivy-db.md §3.3).
  REQUIRE(db.meta[0].root == 3);
  REQUIRE(db.meta[0].freelist == 2);
  REQUIRE(db.meta[0].pgid == 4);
  REQUIRE(db.meta[0].txid == 0);
  REQUIRE(db.meta[1].txid == 1);
  REQUIRE(db.meta[0].checksum == 0x07516e114689fdeeull);
  REQUIRE(db.meta[1].checksum == 0x264c351a5179480full);
  std::filesystem::path normal = testing::Data("trivy-db/pkg/db/testdata/normal.db");
  if (std::filesystem::exists(normal)) REQUIRE(bytes == ReadFile(normal));
  SaveFixture("empty", BucketTree{});
}

TEST_CASE("WriteBoltFile stores a small bucket inline in the root leaf", "[trivy][bolt]") {
  BucketTree tree;
  tree.Bucket("vulnerability").values["CVE-2024-0001"] = R"({"Title":"x","Severity":"LOW"})";
  ParsedBolt db = RoundTrip(tree);
  REQUIRE(db.pages == 4);
  REQUIRE(db.inline_buckets == 1);
  REQUIRE(db.page_buckets == 1);  // the root bucket
  SaveFixture("trivy-one-bucket", tree);
}

TEST_CASE("WriteBoltFile writes nested buckets in the Trivy layout", "[trivy][bolt]") {
  BucketTree tree = TrivyTree(20, 30);
  tree.Bucket("vulnerability");  // already there; Trivy needs it even when empty
  ParsedBolt db = RoundTrip(tree);
  REQUIRE(db.root_order.front() == "Red Hat");  // uppercase sorts before lowercase
  REQUIRE(db.inline_buckets > 100);             // the package buckets
  REQUIRE(db.page_buckets > 3);                 // platforms outgrow a quarter page
  SaveFixture("trivy-small", tree);

  BucketTree empty_nested;
  empty_nested.Bucket("a").Bucket("b").Bucket("c");
  empty_nested.Bucket("vulnerability");
  ParsedBolt e = RoundTrip(empty_nested);
  REQUIRE(e.inline_buckets == 2);  // c (empty) and vulnerability; a and b hold buckets
  SaveFixture("nested-empty", empty_nested);
}

TEST_CASE("WriteBoltFile inlines a bucket up to a quarter page and no further",
          "[trivy][bolt]") {
  // Fake page = 16 (header) + 16 (element) + 1 (key) + value bytes.
  BucketTree at_limit;
  at_limit.Bucket("b").values["k"] = std::string(1024 - 33, 'v');
  ParsedBolt a = RoundTrip(at_limit);
  REQUIRE(a.inline_buckets == 1);
  REQUIRE(a.pages == 4);

  BucketTree over;
  over.Bucket("b").values["k"] = std::string(1024 - 32, 'v');
  ParsedBolt o = RoundTrip(over);
  REQUIRE(o.inline_buckets == 0);
  REQUIRE(o.page_buckets == 2);
  REQUIRE(o.pages == 5);

  BucketTree with_child;  // tiny, but a bucket holding a bucket is never inline
  with_child.Bucket("b").Bucket("c").values["k"] = "v";
  ParsedBolt w = RoundTrip(with_child);
  REQUIRE(w.inline_buckets == 1);  // only c
  REQUIRE(w.page_buckets == 2);

  BoltWriteOptions big_pages;
  big_pages.page_size = 16384;  // the limit scales with the page: 4096
  ParsedBolt p = RoundTrip(over, big_pages);
  REQUIRE(p.inline_buckets == 1);
  SaveFixture("inline-limit", at_limit);
  SaveFixture("inline-over", over);
}

TEST_CASE("WriteBoltFile puts values larger than a page on overflow pages", "[trivy][bolt]") {
  BucketTree tree;
  BucketTree& b = tree.Bucket("big");
  b.values["a"] = "small";
  b.values["b"] = ec::testing::RandomBytes(1, 4096 - 16 - 16 - 1 + 1);  // one byte too many
  b.values["c"] = ec::testing::RandomBytes(2, 10000);
  b.values["d"] = "small too";
  b.values["e"] = ec::testing::RandomBytes(3, 1 << 20);
  tree.Bucket("vulnerability").values["CVE-1"] = ec::testing::RandomBytes(4, 5000);
  ParsedBolt db = RoundTrip(tree);
  REQUIRE(db.overflow_pages >= 1 + 2 + 256 + 1);
  SaveFixture("overflow", tree);
}

TEST_CASE("WriteBoltFile builds branch levels for many keys", "[trivy][bolt]") {
  BucketTree tree;
  BucketTree& b = tree.Bucket("many");
  for (int i = 0; i < 100000; ++i) b.values[Key("key-", i)] = Key("value-", i);
  ParsedBolt db = RoundTrip(tree);
  REQUIRE(db.max_depth >= 3);  // leaves, one branch level, a branch root
  REQUIRE(db.leaf_pages > 900);  // 100000 × 40 bytes / 4080

  BoltWriteOptions half;
  half.fill_percent = 50;
  ParsedBolt h = RoundTrip(tree, half);
  REQUIRE(h.leaf_pages > db.leaf_pages * 19 / 10);

  BoltWriteOptions small_pages;
  small_pages.page_size = 1024;
  ParsedBolt s = RoundTrip(tree, small_pages);
  REQUIRE(s.max_depth >= 4);
  SaveFixture("many-keys", tree);
  SaveFixture("many-keys-fill50", tree, half);
  SaveFixture("many-keys-1k-pages", tree, small_pages);
}

TEST_CASE("WriteBoltFile keeps every level shrinking with keys larger than a page",
          "[trivy][bolt]") {
  BucketTree tree;
  BucketTree& b = tree.Bucket("huge-keys");
  for (int i = 0; i < 40; ++i) b.values[Key("k", i) + std::string(20000, 'x')] = "v";
  b.values[std::string(32768, 'z')] = "the longest key bbolt allows";
  ParsedBolt db = RoundTrip(tree);
  REQUIRE(db.branch_pages > 1);
  SaveFixture("huge-keys", tree);
}

TEST_CASE("WriteBoltFile orders binary keys as unsigned bytes", "[trivy][bolt]") {
  BucketTree tree;
  std::vector<std::string> keys = {"\xff\xff", "\xff", "\xfe", std::string("\x80\x00", 2),
                                   "\x80", "\x7f", "a", "A", "\x01", std::string("\x00\x00", 2),
                                   std::string("\x00", 1)};
  for (const std::string& k : keys) {
    tree.Bucket(k).values[k] = k;
    tree.Bucket("flat").values[k] = std::string(300, k[0]);  // not inline
  }
  ParsedBolt db = RoundTrip(tree);
  // Unsigned bytewise: a shorter key before its extensions, 'a' (0x61) before 0x7f before
  // 0x80 (a signed char comparison would put 0x80..0xff first).
  std::vector<std::string> want = {std::string("\x00", 1), std::string("\x00\x00", 2), "\x01",
                                   "A", "a", "flat", "\x7f", "\x80", std::string("\x80\x00", 2),
                                   "\xfe", "\xff", "\xff\xff"};
  REQUIRE(db.root_order == want);
  SaveFixture("binary-keys", tree);
}

TEST_CASE("WriteBoltFile output is a pure function of the tree", "[trivy][bolt]") {
  BucketTree forward = TrivyTree(300, 200);
  BucketTree backward;  // same content, inserted in reverse order
  for (auto it = forward.buckets.rbegin(); it != forward.buckets.rend(); ++it) {
    BucketTree& dst = backward.Bucket(it->first);
    for (auto v = it->second.values.rbegin(); v != it->second.values.rend(); ++v) {
      dst.values.emplace(v->first, v->second);
    }
    for (auto s = it->second.buckets.rbegin(); s != it->second.buckets.rend(); ++s) {
      dst.buckets.emplace(s->first, s->second);
    }
  }
  std::string a, b, c;
  RoundTrip(forward, {}, &a);
  RoundTrip(forward, {}, &b);
  RoundTrip(backward, {}, &c);
  REQUIRE(a == b);
  REQUIRE(a == c);
  SaveFixture("trivy-medium", forward);
}

TEST_CASE("WriteBoltFile puts txid T on meta page T % 2 and T - 1 on the other",
          "[trivy][bolt]") {
  BucketTree tree;
  tree.Bucket("vulnerability");
  for (std::uint64_t txid : {1u, 2u, 7u, 1000u}) {
    BoltWriteOptions o;
    o.txid = txid;
    ParsedBolt db = RoundTrip(tree, o);
    REQUIRE(db.meta[txid % 2].txid == txid);
    REQUIRE(db.meta[1 - txid % 2].txid == txid - 1);
  }
}

TEST_CASE("WriteBoltFile rejects invalid trees and options and leaves no file",
          "[trivy][bolt]") {
  TempDir dir;
  auto dest = dir / "out.db";
  auto expect_invalid = [&](const BucketTree& tree, const std::string& message,
                            BoltWriteOptions o = {}) {
    Status s = WriteBoltFile(tree, dest, o);
    INFO(s.message());
    REQUIRE(s.code() == Code::kInvalidArgument);
    REQUIRE(s.message().find(message) != std::string::npos);
    REQUIRE(std::filesystem::is_empty(dir.path()));  // no dest, no temporary file
  };
  BucketTree top_value;
  top_value.values["k"] = "v";
  expect_invalid(top_value, "top-level key \"k\" is a value");

  BucketTree empty_key;
  empty_key.Bucket("vulnerability").Bucket("pkg").values[""] = "v";
  expect_invalid(empty_key, "bucket \"vulnerability\"/\"pkg\": empty key");

  BucketTree long_key;
  long_key.Bucket("b").values[std::string(32769, 'k')] = "v";
  expect_invalid(long_key, "has 32769 bytes; the limit is 32768");

  BucketTree both;
  both.Bucket("b").values["x"] = "v";
  both.Bucket("b").Bucket("x");
  expect_invalid(both, "key \"x\" is both a value and a bucket");

  BucketTree binary;
  binary.Bucket(std::string("\xff\x01", 2)).values[""] = "v";
  expect_invalid(binary, "bucket \"\\xff\\x01\": empty key");

  BoltWriteOptions o;
  o.page_size = 3000;
  expect_invalid({}, "page size 3000", o);
  o = {};
  o.txid = 0;
  expect_invalid({}, "txid", o);
  o = {};
  o.fill_percent = 5;
  expect_invalid({}, "fill percent 5", o);

  // A failed write leaves an existing file alone.
  ec::testing::WriteFile(dest, "old");
  REQUIRE(WriteBoltFile(top_value, dest).code() == Code::kInvalidArgument);
  REQUIRE(ReadFile(dest) == "old");
}

TEST_CASE("WriteBoltFile writes a Trivy-shaped DB with large buckets", "[trivy][bolt]") {
  BucketTree tree = TrivyTree(20000, 3000);
  // Some advisories carry long texts, as real NVD descriptions do.
  BucketTree& vuln = tree.Bucket("vulnerability");
  for (int i = 0; i < 300; ++i) {
    vuln.values[Key("CVE-2025-", i)] =
        StrCat(R"({"Title":"long","Description":")", std::string(5000 + 97 * i, 'd'),
               R"(","Severity":"CRITICAL","VendorSeverity":{"nvd":4}})");
  }
  ParsedBolt db = RoundTrip(tree);
  REQUIRE(db.max_depth >= 3);
  REQUIRE(db.overflow_pages >= 300);
  SaveFixture("trivy-large", tree);
}

}  // namespace ec::trivy
