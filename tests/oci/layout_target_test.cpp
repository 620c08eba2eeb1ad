#include <catch2/catch.hpp>

#include <cstring>

#include "json/parse.h"
#include "oci/layout_target.h"
#include "oci/media_types.h"
#include "support/test_support.h"

namespace ec::oci {
using namespace ec::testing;

namespace {
std::unique_ptr<LayoutTarget> OpenLayout(const std::filesystem::path& dir, bool create) {
  auto r = LayoutTarget::Open(dir, {.create = create, .durable = false});
  INFO(r.status().message());
  REQUIRE(r.ok());
  return std::move(r).value();
}
int CountFiles(const std::filesystem::path& dir) {
  int n = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}
}  // namespace

TEST_CASE("LayoutTarget writes oci-layout, blobs by digest and index.json on Commit", "[oci][layout]") {
  TempDir dir;
  auto t = OpenLayout(dir / "l", true);
  CHECK_FALSE(std::filesystem::exists(dir / "l"));  // nothing until the first push
  TestImage img = PushRandomImage(*t, 1);
  CHECK(ReadFile(dir / "l/oci-layout") == R"({"imageLayoutVersion":"1.0.0"})");
  CHECK(ReadFile(dir / "l/index.json") == R"({"manifests":[],"mediaType":"application/vnd.oci.image.index.v1+json","schemaVersion":2})");
  CHECK(ReadFile(t->BlobPath(img.manifest.digest)) == img.manifest_bytes);
  REQUIRE_OK(t->Tag(img.manifest, "v1"));
  // Tags stay in memory until Commit(): index.json is written once per operation.
  CHECK(ReadFile(dir / "l/index.json").find("ref.name") == std::string::npos);
  REQUIRE_OK(t->Commit());
  auto index = json::Parse(ReadFile(dir / "l/index.json"), "index");
  REQUIRE(index.ok());
  REQUIRE((*index)["manifests"].size() == 1);
  CHECK((*index)["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "v1");
  CHECK((*index)["manifests"][0]["digest"] == img.manifest.digest.str());
}

TEST_CASE("LayoutTarget lists untagged root manifests so they stay reachable", "[oci][layout]") {
  TempDir dir;
  auto t = OpenLayout(dir / "l", true);
  TestImage img = PushRandomImage(*t, 1);
  REQUIRE_OK(t->Tag(img.manifest, "v1"));
  Descriptor sig = PushReferrer(*t, img.manifest, "application/vnd.example.sig", 5);
  REQUIRE_OK(t->Commit());
  auto index = json::Parse(ReadFile(dir / "l/index.json"), "index");
  REQUIRE((*index)["manifests"].size() == 2);
  CHECK((*index)["manifests"][1]["digest"] == sig.digest.str());
  CHECK((*index)["manifests"][1]["artifactType"] == "application/vnd.example.sig");
  CHECK_FALSE((*index)["manifests"][1].contains("annotations"));
}

TEST_CASE("LayoutTarget keeps index.json entries written by other tools", "[oci][layout]") {
  TempDir dir;
  {
    auto t = OpenLayout(dir / "l", true);
    TestImage img = PushRandomImage(*t, 1);
    REQUIRE_OK(t->Commit());
    // Another tool's entry with fields we do not model.
    json::Json entry = img.manifest.ToJson();
    entry["annotations"] = {{"org.opencontainers.image.ref.name", "theirs"}, {"x-tool", "kept"}};
    entry["urls"] = {"https://example.invalid/x"};
    json::Json doc = {{"schemaVersion", 2}, {"manifests", {entry}}};
    WriteFile(dir / "l/index.json", doc.dump());
  }
  auto t = OpenLayout(dir / "l", false);
  TestImage other = PushRandomImage(*t, 2);
  REQUIRE_OK(t->Tag(other.manifest, "ours"));
  REQUIRE_OK(t->Commit());
  auto index = json::Parse(ReadFile(dir / "l/index.json"), "index");
  REQUIRE((*index)["manifests"].size() == 2);
  CHECK((*index)["manifests"][0]["annotations"]["x-tool"] == "kept");
  CHECK((*index)["manifests"][0]["urls"][0] == "https://example.invalid/x");
  CHECK(*t->ListTags() == std::vector<std::string>{"ours", "theirs"});
}

TEST_CASE("LayoutTarget leaves no file behind when a push fails verification", "[oci][layout]") {
  TempDir dir;
  auto t = OpenLayout(dir / "l", true);
  REQUIRE_OK(PushBytes(*t, DescriptorOf(kOctetStream, "first"), "first"));
  int before = CountFiles(dir / "l");
  Descriptor d = DescriptorOf(kOctetStream, std::string(5000, 'a'));
  CHECK(PushBytes(*t, d, std::string(5000, 'b')).code() == Code::kDataLoss);
  CHECK(CountFiles(dir / "l") == before);
  CHECK_FALSE(std::filesystem::exists(t->BlobPath(d.digest)));
}

TEST_CASE("LayoutTarget refuses a manifest that does not parse", "[oci][layout]") {
  TempDir dir;
  auto t = OpenLayout(dir / "l", true);
  Descriptor d = DescriptorOf(kOciManifest, "not json");
  Status s = PushBytes(*t, d, "not json");
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK_THAT(s.message(), Catch::Contains("not valid JSON"));
  CHECK_FALSE(*t->Exists(d));
}

TEST_CASE("LayoutTarget detects a corrupted blob on read", "[oci][layout]") {
  TempDir dir;
  auto t = OpenLayout(dir / "l", true);
  std::string bytes = RandomBytes(4, 10000);
  Descriptor d = DescriptorOf(kOctetStream, bytes);
  REQUIRE_OK(PushBytes(*t, d, bytes));
  bytes[5000] ^= 1;
  WriteFile(t->BlobPath(d.digest), bytes);
  auto r = FetchVerified(*t, d, 1 << 20);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kDataLoss);
  CHECK_THAT(r.status().message(), Catch::StartsWith("fetch from oci:"));
  CHECK_THAT(r.status().message(), Catch::Contains("digest mismatch after 10000 bytes; got sha256:"));
}

TEST_CASE("LayoutTarget::Open explains what is wrong with a directory", "[oci][layout]") {
  TempDir dir;
  auto missing = LayoutTarget::Open(dir / "nope");
  CHECK(missing.status().code() == Code::kNotFound);
  CHECK(missing.status().message() == "open oci:" + (dir / "nope").string() + ": no such directory");
  std::filesystem::create_directories(dir / "empty");
  auto empty = LayoutTarget::Open(dir / "empty");
  CHECK(empty.status().message() ==
        "open oci:" + (dir / "empty").string() + ": not an OCI image layout (no oci-layout file)");
  WriteFile(dir / "v2/oci-layout", R"({"imageLayoutVersion":"2.0.0"})");
  auto v2 = LayoutTarget::Open(dir / "v2");
  CHECK(v2.status().message() ==
        "oci:" + (dir / "v2").string() + ": unsupported imageLayoutVersion; got \"2.0.0\", want \"1.0.0\"");
  WriteFile(dir / "bad/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  WriteFile(dir / "bad/index.json", R"({"manifests":[{"mediaType":"x/y","size":3}]})");
  auto bad = LayoutTarget::Open(dir / "bad");
  CHECK(bad.status().message() ==
        "oci:" + (dir / "bad").string() + ": index.json manifests[0]: descriptor has no digest");
}

TEST_CASE("LayoutTarget replaces a blob whose size is wrong", "[oci][layout]") {
  TempDir dir;
  auto t = OpenLayout(dir / "l", true);
  std::string bytes = RandomBytes(6, 1000);
  Descriptor d = DescriptorOf(kOctetStream, bytes);
  REQUIRE_OK(PushBytes(*t, d, bytes));
  WriteFile(t->BlobPath(d.digest), bytes.substr(0, 10));  // truncated by a crash of another tool
  CHECK_FALSE(*t->Exists(d));
  REQUIRE_OK(PushBytes(*t, d, bytes));
  CHECK(ReadFile(t->BlobPath(d.digest)) == bytes);
}

namespace {
// Yields `bytes` in 10000-byte reads and fails with kUnavailable after `fail_after` bytes.
class BreakingReader final : public Reader {
 public:
  BreakingReader(std::string bytes, std::size_t fail_after) : bytes_(std::move(bytes)), fail_after_(fail_after) {}
  Result<std::size_t> Read(std::span<char> buf) override {
    if (pos_ >= fail_after_) return Unavailable("connection reset");
    std::size_t n = std::min({buf.size(), std::size_t{10000}, bytes_.size() - pos_, fail_after_ - pos_});
    std::memcpy(buf.data(), bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string bytes_;
  std::size_t fail_after_;
  std::size_t pos_ = 0;
};
}  // namespace

TEST_CASE("LayoutTarget resumes a blob push that broke off", "[oci][layout]") {
  TempDir dir;
  auto t = OpenLayout(dir / "l", true);
  std::string bytes = RandomBytes(8, 100000);
  Descriptor d = DescriptorOf(kOctetStream, bytes);
  BreakingReader breaking(bytes, 40000);
  Status s = t->Push(d, breaking);
  CHECK(s.code() == Code::kUnavailable);
  CHECK_FALSE(*t->Exists(d));
  auto kept = t->PartialSize(d);
  REQUIRE(kept.ok());
  CHECK(*kept == 40000);
  // Another process (a new target on the same directory) finishes it from there.
  auto again = OpenLayout(dir / "l", false);
  StringReader rest(bytes.substr(40000));
  REQUIRE_OK(again->PushFrom(d, rest, 40000));
  CHECK(ReadFile(again->BlobPath(d.digest)) == bytes);
  CHECK(*again->PartialSize(d) == 0);
}

TEST_CASE("LayoutTarget drops a partial blob whose bytes turn out wrong", "[oci][layout]") {
  TempDir dir;
  auto t = OpenLayout(dir / "l", true);
  std::string bytes = RandomBytes(9, 50000);
  Descriptor d = DescriptorOf(kOctetStream, bytes);
  std::string wrong = bytes;
  wrong[100] ^= 1;
  BreakingReader breaking(wrong, 30000);
  CHECK(t->Push(d, breaking).code() == Code::kUnavailable);
  StringReader rest(bytes.substr(30000));
  Status s = t->PushFrom(d, rest, 30000);
  CHECK(s.code() == Code::kDataLoss);
  CHECK(*t->PartialSize(d) == 0);  // never resumed from again
  REQUIRE_OK(PushBytes(*t, d, bytes));
  CHECK(ReadFile(t->BlobPath(d.digest)) == bytes);
}

TEST_CASE("PushWithRetry resumes from what the target kept", "[oci][layout]") {
  TempDir dir;
  auto t = OpenLayout(dir / "l", true);
  std::string bytes = RandomBytes(10, 100000);
  Descriptor d = DescriptorOf(kOctetStream, bytes);
  std::vector<std::int64_t> offsets;
  Status s = PushWithRetry(*t, d, [&](std::int64_t offset) -> Result<std::unique_ptr<Reader>> {
    offsets.push_back(offset);
    std::string rest = bytes.substr(static_cast<std::size_t>(offset));
    // The first attempt breaks after 60000 bytes; the second gets the rest.
    if (offsets.size() == 1) return std::unique_ptr<Reader>(new BreakingReader(rest, 60000));
    return std::unique_ptr<Reader>(new StringReader(rest));
  });
  REQUIRE_OK(s);
  CHECK(offsets == std::vector<std::int64_t>{0, 60000});
  CHECK(ReadFile(t->BlobPath(d.digest)) == bytes);
}

}  // namespace ec::oci
