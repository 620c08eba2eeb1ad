#include <catch2/catch.hpp>

#include "oci/archive_target.h"
#include "oci/copy.h"
#include "oci/layout_target.h"
#include "oci/media_types.h"
#include "oci/memory_target.h"
#include "support/test_support.h"

namespace ec::oci {
using namespace ec::testing;

namespace {

// A source whose blob reads can be corrupted or failed, to prove the destination stays clean.
class FaultyTarget final : public Target {
 public:
  explicit FaultyTarget(Target& inner) : inner_(inner) {}
  std::string Name() const override { return "faulty"; }
  Result<std::unique_ptr<Reader>> Fetch(const Descriptor& desc) override {
    if (corrupt_ && desc.digest == *corrupt_) {
      std::string bytes = FetchAll(inner_, desc);
      bytes[bytes.size() / 2] ^= 0x40;
      return std::unique_ptr<Reader>(new StringReader(bytes));
    }
    if (missing_ && desc.digest == *missing_) return NotFound("faulty: blob " + desc.digest.str() + " not found");
    if (!IsManifestType(desc.media_type) && transient_failures_ > 0) {
      --transient_failures_;
      return Unavailable("faulty: connection reset");
    }
    return inner_.Fetch(desc);
  }
  Result<bool> Exists(const Descriptor& d) override { return inner_.Exists(d); }
  Result<Descriptor> Stat(const Digest& d) override { return inner_.Stat(d); }
  Status Push(const Descriptor& d, Reader& r) override { return inner_.Push(d, r); }
  Result<Descriptor> Resolve(std::string_view r) override { return inner_.Resolve(r); }
  Status Tag(const Descriptor& d, std::string_view t) override { return inner_.Tag(d, t); }
  Result<std::vector<Descriptor>> Referrers(const Descriptor& s, std::string_view t) override {
    return inner_.Referrers(s, t);
  }
  std::optional<Digest> corrupt_;
  std::optional<Digest> missing_;
  int transient_failures_ = 0;  // blob fetches that fail with kUnavailable first

 private:
  Target& inner_;
};

std::vector<std::pair<std::string, std::string>> kPlatforms = {{"linux", "amd64"}, {"linux", "arm64"}};

}  // namespace

TEST_CASE("CopyGraph copies an image with its config and layers", "[oci][copy]") {
  MemoryTarget src, dst;
  TestImage img = PushRandomImage(src, 1, 3);
  auto report = CopyGraph(src, dst, img.manifest);
  REQUIRE(report.ok());
  CHECK(report->blobs_copied == 4);
  CHECK(report->manifests_copied == 1);
  CHECK(report->bytes_copied == 3000 + img.config.size);
  for (const auto& l : img.layers) CHECK(FetchAll(dst, l) == FetchAll(src, l));
  CHECK(FetchAll(dst, img.manifest) == img.manifest_bytes);
}

TEST_CASE("CopyGraph copies an index with every platform manifest", "[oci][copy]") {
  MemoryTarget src, dst;
  std::vector<TestImage> imgs = {PushRandomImage(src, 1), PushRandomImage(src, 2, 2, 1000, "linux", "arm64")};
  Descriptor index = PushIndex(src, imgs, kPlatforms);
  auto report = CopyGraph(src, dst, index);
  REQUIRE(report.ok());
  CHECK(report->manifests_copied == 3);
  CHECK(report->blobs_copied == 6);
  CHECK(dst.BlobCount() == src.BlobCount());
}

TEST_CASE("CopyGraph with a platform copies only that manifest", "[oci][copy]") {
  MemoryTarget src, dst;
  std::vector<TestImage> imgs = {PushRandomImage(src, 1), PushRandomImage(src, 2, 2, 1000, "linux", "arm64")};
  Descriptor index = PushIndex(src, imgs, kPlatforms);
  CopyOptions options;
  options.platform = Platform{"linux", "arm64", "", ""};
  auto report = CopyGraph(src, dst, index, options);
  REQUIRE(report.ok());
  CHECK(report->root.digest == imgs[1].manifest.digest);
  CHECK(*dst.Exists(imgs[1].manifest));
  CHECK_FALSE(*dst.Exists(imgs[0].manifest));
  CHECK_FALSE(*dst.Exists(index));
  options.platform = Platform{"windows", "amd64", "", ""};
  auto none = CopyGraph(src, dst, index, options);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message() == "select platform windows/amd64: no manifest for it in index " +
                                       index.digest.str() + "; available: linux/amd64, linux/arm64");
}

TEST_CASE("CopyGraph skips what the destination already holds", "[oci][copy]") {
  MemoryTarget src, dst;
  TestImage img = PushRandomImage(src, 1, 3);
  REQUIRE(CopyGraph(src, dst, img.manifest).ok());
  int pushes = dst.push_count();
  auto again = CopyGraph(src, dst, img.manifest);
  REQUIRE(again.ok());
  CHECK(dst.push_count() == pushes);
  CHECK(again->manifests_skipped == 1);
  CHECK(again->blobs_copied == 0);
  // A second image sharing the config and three layers: only the new layer moves.
  TestImage img2 = PushRandomImage(src, 1, 4);  // same seed: same config, first three layers equal
  auto third = CopyGraph(src, dst, img2.manifest);
  REQUIRE(third.ok());
  CHECK(third->blobs_skipped == 4);
  CHECK(third->blobs_copied == 1);
  CHECK(third->manifests_copied == 1);
}

TEST_CASE("CopyGraph with referrers copies them recursively", "[oci][copy]") {
  MemoryTarget src, dst;
  TestImage img = PushRandomImage(src, 1);
  Descriptor sig = PushReferrer(src, img.manifest, "application/vnd.example.sig", 1);
  Descriptor sig_of_sig = PushReferrer(src, sig, "application/vnd.example.sig", 2);
  auto plain = CopyGraph(src, dst, img.manifest);
  REQUIRE(plain.ok());
  CHECK_FALSE(*dst.Exists(sig));
  CopyOptions options;
  options.referrers = true;
  auto with = CopyGraph(src, dst, img.manifest, options);
  REQUIRE(with.ok());
  CHECK(with->manifests_skipped == 1);  // the image was there; its referrers were not
  CHECK(*dst.Exists(sig));
  CHECK(*dst.Exists(sig_of_sig));
  CHECK(dst.Referrers(img.manifest, "")->size() == 1);
}

TEST_CASE("CopyGraph stops on a corrupt source blob and leaves no manifest behind", "[oci][copy]") {
  MemoryTarget inner, dst;
  TestImage img = PushRandomImage(inner, 1, 3, 50000);
  FaultyTarget src(inner);
  src.corrupt_ = img.layers[1].digest;
  auto report = CopyGraph(src, dst, img.manifest);
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Code::kDataLoss);
  CHECK_THAT(report.status().message(), Catch::Contains("digest mismatch after 50000 bytes"));
  CHECK_THAT(report.status().message(), Catch::Contains("want " + img.layers[1].digest.str()));
  CHECK_FALSE(*dst.Exists(img.layers[1]));
  CHECK_FALSE(*dst.Exists(img.manifest));
}

TEST_CASE("CopyGraph names a blob the source is missing", "[oci][copy]") {
  MemoryTarget inner, dst;
  TestImage img = PushRandomImage(inner, 1);
  FaultyTarget src(inner);
  src.missing_ = img.layers[0].digest;
  auto report = CopyGraph(src, dst, img.manifest);
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Code::kNotFound);
  CHECK(report.status().message() == "copy from faulty: faulty: blob " + img.layers[0].digest.str() + " not found");
  CHECK_FALSE(*dst.Exists(img.manifest));
}

TEST_CASE("CopyGraph gives byte-identical layouts and archives whatever the concurrency", "[oci][copy]") {
  TempDir dir;
  MemoryTarget src;
  std::vector<TestImage> imgs;
  for (int i = 0; i < 3; ++i) imgs.push_back(PushRandomImage(src, static_cast<std::uint64_t>(i + 1), 4, 20000));
  Descriptor index = PushIndex(src, {imgs[0], imgs[1]}, kPlatforms);
  PushReferrer(src, index, "application/vnd.example.sig", 9);
  std::vector<std::string> archives;
  for (int concurrency : {1, 8}) {
    std::string name = "c" + std::to_string(concurrency);
    auto layout = LayoutTarget::Open(dir / name, {.create = true, .durable = false});
    REQUIRE(layout.ok());
    CopyOptions options;
    options.concurrency = concurrency;
    options.referrers = true;
    REQUIRE(CopyGraph(src, **layout, index, options).ok());
    REQUIRE_OK((*layout)->Tag(index, "v1"));
    REQUIRE_OK((*layout)->Commit());
    auto archive = ArchiveTarget::Open(dir / (name + ".tar"), {.create = true, .compression = std::nullopt});
    REQUIRE(archive.ok());
    REQUIRE(CopyGraph(**layout, **archive, index, options).ok());
    REQUIRE_OK((*archive)->Tag(index, "v1"));
    REQUIRE_OK((*archive)->Commit());
    archives.push_back(ReadFile(dir / (name + ".tar")));
  }
  CHECK(ReadFile(dir / "c1/index.json") == ReadFile(dir / "c8/index.json"));
  CHECK(archives[0] == archives[1]);
}

TEST_CASE("CopyGraph with referrers carries cosign digest tags", "[oci][copy]") {
  MemoryTarget src, dst;
  TestImage img = PushRandomImage(src, 1);
  TestImage sig = PushRandomImage(src, 7, 1, 100);
  std::string tag = "sha256-" + img.manifest.digest.hex() + ".sig";
  REQUIRE_OK(src.Tag(sig.manifest, tag));
  CopyOptions options;
  options.referrers = true;
  auto report = CopyGraph(src, dst, img.manifest, options);
  REQUIRE(report.ok());
  CHECK(report->tags_copied == 1);
  auto moved = dst.Resolve(tag);
  REQUIRE(moved.ok());
  CHECK(moved->digest == sig.manifest.digest);
  MemoryTarget plain;
  REQUIRE(CopyGraph(src, plain, img.manifest).ok());
  CHECK(plain.Resolve(tag).status().code() == Code::kNotFound);
}

TEST_CASE("CopyGraph retries a blob after a transient failure", "[oci][copy]") {
  MemoryTarget inner, dst;
  TestImage img = PushRandomImage(inner, 1);
  FaultyTarget flaky(inner);
  flaky.transient_failures_ = 2;
  CopyOptions options;
  options.concurrency = 1;
  auto report = CopyGraph(flaky, dst, img.manifest, options);
  REQUIRE(report.ok());
  CHECK(flaky.transient_failures_ == 0);
  CHECK(*dst.Exists(img.manifest));
}

}  // namespace ec::oci
