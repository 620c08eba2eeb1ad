#include <catch2/catch.hpp>

#include "oci/archive_target.h"
#include "oci/media_types.h"
#include "oci/memory_target.h"
#include "oci/layout_index.h"
#include "oci/tar.h"
#include "support/test_support.h"

namespace ec::oci {
using namespace ec::testing;

namespace {

std::unique_ptr<ArchiveTarget> OpenArchive(const std::filesystem::path& file, bool create) {
  auto r = ArchiveTarget::Open(file, {.create = create, .compression = std::nullopt});
  INFO(r.status().message());
  REQUIRE(r.ok());
  return std::move(r).value();
}

int CountEntries(const std::filesystem::path& dir) {
  int n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("ArchiveTarget writes zstd for .tar.zst and reads it back", "[oci][archive]") {
  TempDir dir;
  TestImage img;
  {
    auto t = OpenArchive(dir / "a.tar.zst", true);
    img = PushRandomImage(*t, 1, 2, 100000);
    REQUIRE_OK(t->Tag(img.manifest, "v1"));
    REQUIRE_OK(t->Commit());
  }
  CHECK(*DetectTarCompression(dir / "a.tar.zst") == TarCompression::kZstd);
  CHECK(CountEntries(dir.path()) == 1);  // no work directory left behind
  auto t = OpenArchive(dir / "a.tar.zst", false);
  CHECK(t->compression() == TarCompression::kZstd);
  auto root = t->Resolve("v1");
  REQUIRE(root.ok());
  CHECK(root->digest == img.manifest.digest);
  CHECK(FetchAll(*t, img.layers[1]) == RandomBytes(1001, 100000));
}

TEST_CASE("ArchiveTarget adds to an existing archive and keeps what it held", "[oci][archive]") {
  TempDir dir;
  TestImage first;
  {
    auto t = OpenArchive(dir / "a.tar", true);
    first = PushRandomImage(*t, 1);
    REQUIRE_OK(t->Tag(first.manifest, "one"));
    REQUIRE_OK(t->Commit());
  }
  {
    auto t = OpenArchive(dir / "a.tar", false);
    TestImage second = PushRandomImage(*t, 2);
    REQUIRE_OK(t->Tag(second.manifest, "two"));
    REQUIRE_OK(t->Commit());
  }
  auto t = OpenArchive(dir / "a.tar", false);
  CHECK(*t->ListTags() == std::vector<std::string>{"one", "two"});
  CHECK(FetchAll(*t, first.layers[0]) == RandomBytes(1000, 1000));
  auto index = TarIndex::Build(dir / "a.tar");
  REQUIRE(index.ok());
  CHECK(index->Find("oci-layout"));
  CHECK(index->Find("blobs/sha256/" + first.manifest.digest.hex()));
}

TEST_CASE("ArchiveTarget refuses a truncated archive and names it", "[oci][archive]") {
  TempDir dir;
  {
    auto t = OpenArchive(dir / "a.tar", true);
    TestImage img = PushRandomImage(*t, 1, 2, 200000);
    REQUIRE_OK(t->Tag(img.manifest, "v1"));
    REQUIRE_OK(t->Commit());
  }
  std::filesystem::resize_file(dir / "a.tar", std::filesystem::file_size(dir / "a.tar") / 2);
  auto r = ArchiveTarget::Open(dir / "a.tar");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kDataLoss);
  CHECK_THAT(r.status().message(),
             Catch::StartsWith("archive " + (dir / "a.tar").string() + ": truncated or corrupt: "));
}

TEST_CASE("ArchiveTarget refuses tars that are not OCI archives", "[oci][archive]") {
  TempDir dir;
  std::vector<TarWriteEntry> no_layout = {{"index.json", std::string("{}"), {}, 0, 0}};
  REQUIRE_OK(WriteDeterministicTar(dir / "a.tar", no_layout, TarCompression::kNone));
  CHECK(ArchiveTarget::Open(dir / "a.tar").status().message() ==
        "open oci-archive:" + (dir / "a.tar").string() + ": not an OCI archive (no oci-layout entry)");
  std::vector<TarWriteEntry> bad_blob = {
      {"oci-layout", std::string(kOciLayoutMarker), {}, 0, 0},
      {"index.json", std::string("{}"), {}, 0, 0},
      {"blobs/sha256/not-a-digest", std::string("x"), {}, 0, 0}};
  REQUIRE_OK(WriteDeterministicTar(dir / "b.tar", bad_blob, TarCompression::kNone));
  CHECK(ArchiveTarget::Open(dir / "b.tar").status().message() ==
        "open oci-archive:" + (dir / "b.tar").string() +
            ": entry \"blobs/sha256/not-a-digest\" is not a blob name; want blobs/ALGORITHM/HEX");
}

TEST_CASE("ArchiveTarget detects a blob whose bytes were altered inside the tar", "[oci][archive]") {
  TempDir dir;
  TestImage img;
  {
    auto t = OpenArchive(dir / "a.tar", true);
    img = PushRandomImage(*t, 1, 1, 5000);
    REQUIRE_OK(t->Tag(img.manifest, "v1"));
    REQUIRE_OK(t->Commit());
  }
  auto index = TarIndex::Build(dir / "a.tar");
  REQUIRE(index.ok());
  auto loc = index->Find("blobs/sha256/" + img.layers[0].digest.hex());
  REQUIRE(loc);
  std::string bytes = ReadFile(dir / "a.tar");
  bytes[static_cast<std::size_t>(loc->offset + 100)] ^= 1;
  WriteFile(dir / "a.tar", bytes);
  auto t = OpenArchive(dir / "a.tar", false);
  auto r = FetchVerified(*t, img.layers[0], 1 << 20);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kDataLoss);
  CHECK_THAT(r.status().message(), Catch::Contains("digest mismatch after 5000 bytes"));
}

TEST_CASE("ArchiveTarget writes the same bytes in one pass, staged, or with a missed announcement",
          "[oci][archive]") {
  TempDir dir;
  MemoryTarget src;
  TestImage img = PushRandomImage(src, 1, 3, 70000);
  Descriptor sig = PushReferrer(src, img.manifest, "application/vnd.example.sig", 3);
  std::vector<Descriptor> all = img.layers;
  all.push_back(img.config);
  all.push_back(img.manifest);
  all.push_back(EmptyDescriptor());
  auto sig_manifest = FetchManifest(src, sig);
  REQUIRE(sig_manifest.ok());
  const Manifest& sig_view = sig_manifest->manifest;
  all.insert(all.end(), sig_view.layers.begin(), sig_view.layers.end());
  all.push_back(sig);
  auto write = [&](const std::string& name, bool prepare, bool announce_extra) {
    auto t = OpenArchive(dir / name, true);
    std::vector<Descriptor> announced = all;
    if (announce_extra) announced.push_back(DescriptorOf(kOctetStream, "never pushed"));
    if (prepare) REQUIRE_OK(t->Prepare(announced));
    for (const auto& d : all) REQUIRE_OK(PushBytes(*t, d, FetchAll(src, d)));
    REQUIRE_OK(t->Tag(img.manifest, "v1"));
    REQUIRE_OK(t->Commit());
    return ReadFile(dir / name);
  };
  std::string one_pass = write("direct.tar", true, false);
  std::string staged = write("staged.tar", false, false);
  std::string missed = write("missed.tar", true, true);
  CHECK(one_pass == staged);
  CHECK(missed == staged);
  auto t = OpenArchive(dir / "direct.tar", false);
  CHECK(t->Referrers(img.manifest, "")->size() == 1);
  CHECK(FetchAll(*t, img.layers[2]) == FetchAll(src, img.layers[2]));
  CHECK(CountEntries(dir.path()) == 3);  // no temporary files left
}

}  // namespace ec::oci
