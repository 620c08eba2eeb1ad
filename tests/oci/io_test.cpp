#include <catch2/catch.hpp>

#include "oci/io.h"
#include "oci/media_types.h"
#include "support/test_support.h"

namespace ec::oci {
using ec::testing::TempDir;

namespace {
Status Drain(VerifyingReader& r) {
  std::vector<char> buf(7);
  while (true) {
    auto n = r.Read(buf);
    if (!n.ok()) return n.status();
    if (*n == 0) return r.Verify();
  }
}
}  // namespace

TEST_CASE("VerifyingReader passes exact content", "[oci][io]") {
  Descriptor d = DescriptorOf("a/b", "hello world");
  StringReader in("hello world");
  VerifyingReader v(in, d, "test");
  REQUIRE_OK(Drain(v));
}

TEST_CASE("VerifyingReader reports a short stream with both sizes", "[oci][io]") {
  Descriptor d = DescriptorOf("a/b", "hello world");
  StringReader in("hello");
  VerifyingReader v(in, d, "fetch from x");
  Status s = Drain(v);
  CHECK(s.code() == Code::kDataLoss);
  CHECK(s.message() == "fetch from x: blob " + d.digest.str() + " is truncated; got 5 bytes, want 11");
}

TEST_CASE("VerifyingReader reports a digest mismatch with both digests", "[oci][io]") {
  Descriptor d = DescriptorOf("a/b", "hello world");
  StringReader in("hello WORLD");
  VerifyingReader v(in, d, "push");
  Status s = Drain(v);
  CHECK(s.code() == Code::kDataLoss);
  CHECK(s.message() == "push: digest mismatch after 11 bytes; got " + Digest::OfBytes("hello WORLD").str() +
                           ", want " + d.digest.str());
}

TEST_CASE("VerifyingReader refuses trailing bytes and never reads past the size", "[oci][io]") {
  Descriptor d = DescriptorOf("a/b", "hello");
  StringReader in("hello!!");
  VerifyingReader v(in, d, "push");
  std::vector<char> buf(100);
  auto n = v.Read(buf);
  REQUIRE(n.ok());
  CHECK(*n == 5);
  Status s = v.Verify();
  CHECK(s.code() == Code::kDataLoss);
  CHECK(s.message() == "push: blob " + d.digest.str() + " has trailing data; got more than 5 bytes, want 5");
}

TEST_CASE("ReadAll stops at its limit", "[oci][io]") {
  StringReader in(std::string(100, 'x'));
  auto r = ReadAll(in, 99, "index.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "index.json: larger than the limit of 99 bytes");
}

TEST_CASE("AtomicFile leaves nothing behind unless committed", "[oci][io]") {
  TempDir dir;
  {
    auto f = AtomicFile::Create(dir / "out");
    REQUIRE(f.ok());
    REQUIRE_OK(f->Write("partial"));
  }
  CHECK(std::filesystem::is_empty(dir.path()));
  auto f = AtomicFile::Create(dir / "out");
  REQUIRE(f.ok());
  REQUIRE_OK(f->Write("complete"));
  REQUIRE_OK(f->Commit());
  CHECK(ec::testing::ReadFile(dir / "out") == "complete");
  int entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);
}

TEST_CASE("FileReader reads a byte range of a file", "[oci][io]") {
  TempDir dir;
  ec::testing::WriteFile(dir / "f", "0123456789");
  auto r = FileReader::Open(dir / "f", 3, 4);
  REQUIRE(r.ok());
  auto all = ReadAll(**r, 100, "f");
  REQUIRE(all.ok());
  CHECK(*all == "3456");
}

}  // namespace ec::oci
