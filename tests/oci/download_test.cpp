// DownloadBlob: verified, atomic, and resumed from the partial file a broken run leaves.
#include <catch2/catch.hpp>

#include "oci/download.h"
#include "oci/media_types.h"
#include "oci/memory_target.h"
#include "support/test_support.h"

namespace ec::oci {
using namespace ec::testing;

namespace {

// Serves a blob but breaks the stream after `break_after` bytes, and records FetchFrom offsets.
class BreakingTarget final : public Target {
 public:
  explicit BreakingTarget(Target& inner) : inner_(inner) {}
  std::string Name() const override { return "breaking"; }
  Result<std::unique_ptr<Reader>> Fetch(const Descriptor& desc) override { return FetchFrom(desc, 0); }
  Result<std::unique_ptr<Reader>> FetchFrom(const Descriptor& desc, std::int64_t offset) override {
    offsets.push_back(offset);
    std::string bytes = FetchAll(inner_, desc).substr(static_cast<std::size_t>(offset));
    if (break_after >= 0) {
      bytes.resize(static_cast<std::size_t>(break_after));
      return std::unique_ptr<Reader>(new BrokenReader(std::move(bytes)));
    }
    return std::unique_ptr<Reader>(new StringReader(std::move(bytes)));
  }
  Result<bool> Exists(const Descriptor& d) override { return inner_.Exists(d); }
  Result<Descriptor> Stat(const Digest& d) override { return inner_.Stat(d); }
  Status Push(const Descriptor& d, Reader& r) override { return inner_.Push(d, r); }
  Result<Descriptor> Resolve(std::string_view r) override { return inner_.Resolve(r); }
  Status Tag(const Descriptor& d, std::string_view t) override { return inner_.Tag(d, t); }

  std::int64_t break_after = -1;
  std::vector<std::int64_t> offsets;

 private:
  // Yields its bytes, then fails like a reset connection.
  class BrokenReader final : public Reader {
   public:
    explicit BrokenReader(std::string bytes) : inner_(std::move(bytes)) {}
    Result<std::size_t> Read(std::span<char> buf) override {
      EC_ASSIGN_OR_RETURN(std::size_t n, inner_.Read(buf));
      if (n == 0) return Unavailable("breaking: connection reset");
      return n;
    }
   private:
    StringReader inner_;
  };
  Target& inner_;
};

}  // namespace

TEST_CASE("DownloadBlob resumes from the partial file a broken run left", "[oci][download]") {
  TempDir dir;
  MemoryTarget mem;
  std::string bytes = RandomBytes(1, 3'000'000);
  Descriptor d = DescriptorOf(kOciLayerTar, bytes);
  REQUIRE_OK(PushBytes(mem, d, bytes));
  BreakingTarget src(mem);
  const auto dest = dir / "layer.tar";

  src.break_after = 1'000'000;
  Status broken = DownloadBlob(src, d, dest);
  CHECK(broken.code() == Code::kUnavailable);
  CHECK_FALSE(std::filesystem::exists(dest));
  CHECK(std::filesystem::file_size(PartialPathFor(dest)) == 1'000'000);

  src.break_after = -1;
  std::int64_t reported = 0;
  REQUIRE_OK(DownloadBlob(src, d, dest, [&](std::int64_t n) { reported += n; }));
  CHECK(src.offsets == std::vector<std::int64_t>{0, 1'000'000});
  CHECK(ReadFile(dest) == bytes);
  CHECK(reported == d.size);
  CHECK_FALSE(std::filesystem::exists(PartialPathFor(dest)));
}

TEST_CASE("DownloadBlob drops a partial file whose bytes are wrong", "[oci][download]") {
  TempDir dir;
  MemoryTarget mem;
  std::string bytes = RandomBytes(2, 50'000);
  Descriptor d = DescriptorOf(kOciLayerTar, bytes);
  REQUIRE_OK(PushBytes(mem, d, bytes));
  const auto dest = dir / "layer.tar";
  WriteFile(dest, "the previous file");
  WriteFile(PartialPathFor(dest), std::string(1000, 'x'));

  Status s = DownloadBlob(mem, d, dest);
  CHECK(s.code() == Code::kDataLoss);
  CHECK_THAT(s.message(), Catch::StartsWith(StrCat("download ", d.digest.str(), " from memory to ")));
  CHECK_THAT(s.message(), Catch::Contains(StrCat(", want ", d.digest.str())));
  CHECK(ReadFile(dest) == "the previous file");
  CHECK_FALSE(std::filesystem::exists(PartialPathFor(dest)));
  // The next run starts over and succeeds.
  REQUIRE_OK(DownloadBlob(mem, d, dest));
  CHECK(ReadFile(dest) == bytes);
}

}  // namespace ec::oci
