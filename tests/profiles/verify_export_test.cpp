// Offline verification: what passes, and which object each failure names.
#include "profiles/verify_export.h"

#include "oci/layout_target.h"
#include "profiles/bundle_artifact.h"
#include "profiles/json_export.h"
#include "profiles/signatures.h"
#include "support/test_support.h"

namespace ec::profiles {
namespace {

namespace fs = std::filesystem;
using ec::testing::TempDir;
using ec::testing::WriteFile;

// Two files and a manifest.json describing them, as an export writes them.
std::vector<ExportFile> Files(const fs::path& dir) {
  std::vector<ExportFile> files;
  json::Json contents = json::Json::array();
  std::vector<std::string> digests;
  for (const auto& [name, bytes] : {std::pair<std::string, std::string>{"a-0000.jsonl.zst", "alpha"},
                                    {"b-0000.jsonl.zst", "bravo"}}) {
    WriteFile(dir / name, bytes);
    ExportFile f{name, dir / name, oci::Digest::OfBytes(bytes), 5, 1, "application/octet-stream"};
    contents.push_back({{"path", name}, {"digest", f.digest.str()}, {"bytes", 5}});
    digests.push_back(f.digest.str());
    files.push_back(f);
  }
  const std::string manifest = json::Compact({{"contents", contents}, {"rerunHash", HashOfSortedDigests(digests)}});
  WriteFile(dir / "manifest.json", manifest);
  files.push_back({"manifest.json", dir / "manifest.json", oci::Digest::OfBytes(manifest),
                   static_cast<std::int64_t>(manifest.size()), -1, "application/json"});
  return files;
}

struct Pushed {
  std::unique_ptr<oci::LayoutTarget> layout;
  oci::Descriptor root;
};

Pushed Push(const fs::path& dir, const std::vector<ExportFile>& files, const sign::PrivateKey* key, bool image) {
  auto layout = oci::LayoutTarget::Open(dir / "layout", {.create = true, .durable = false});
  REQUIRE_OK(layout);
  BundleArtifactOptions o;
  o.artifact_type = std::string(kEvidenceArtifactType);
  o.created = "2025-01-01T00:00:00Z";
  o.image_compatible = image;
  o.work_dir = dir / "work";
  fs::create_directories(o.work_dir);
  o.annotations[std::string(kAnnotationProfile)] = "json:raw";
  auto root = PushBundle(**layout, files, o);
  REQUIRE_OK(root);
  if (key != nullptr) {
    sign::Provenance p;
    p.subjects.push_back({"layout", root->digest.hex()});
    for (const ExportFile& f : files) p.subjects.push_back({f.path, f.digest.hex()});
    p.build_type = "https://export-center.dev/build/json-raw/v1";
    p.builder_id = std::string(kBuilderId);
    REQUIRE_OK(AttachSignatures(**layout, *root, *key, p, "layout", "2025-01-01T00:00:00Z"));
  }
  REQUIRE_OK((*layout)->Commit());
  return {std::move(*layout), *root};
}

TEST_CASE("a signed export verifies, in both artifact shapes") {
  auto key = sign::GeneratePrivateKey(sign::KeyType::kEd25519);
  REQUIRE_OK(key);
  for (bool image : {false, true}) {
    TempDir tmp;
    auto pushed = Push(tmp.path(), Files(tmp.path()), &*key, image);
    VerifyReport r = VerifyExport(*pushed.layout, pushed.root, &key->public_key(), tmp / "v");
    INFO(r.message);
    CHECK(r.ok());
    CHECK(r.ExitCode() == 0);
    CHECK(r.signatures_verified == 1);
    CHECK(r.cosign_signature);
    CHECK(r.profile == "json:raw");
  }
}

TEST_CASE("verification failures name the object and pick the exit code") {
  auto key = sign::GeneratePrivateKey(sign::KeyType::kEcdsaP256);
  auto other = sign::GeneratePrivateKey(sign::KeyType::kEcdsaP256);
  REQUIRE_OK(key);
  REQUIRE_OK(other);
  TempDir tmp;
  std::vector<ExportFile> files = Files(tmp.path());

  SECTION("another key") {
    auto pushed = Push(tmp.path(), files, &*key, false);
    VerifyReport r = VerifyExport(*pushed.layout, pushed.root, &other->public_key(), tmp / "v");
    CHECK(r.failure == VerifyFailure::kSignature);
    CHECK(r.ExitCode() == 3);
    CHECK(r.object == pushed.root.digest.str());
    CHECK(r.message.find(StrCat("no valid signature by key ", other->public_key().Hint())) == 0);
  }
  SECTION("no signature at all") {
    auto pushed = Push(tmp.path(), files, nullptr, false);
    CHECK(VerifyExport(*pushed.layout, pushed.root, &key->public_key(), tmp / "v").ExitCode() == 3);
    VerifyReport unsigned_ok = VerifyExport(*pushed.layout, pushed.root, nullptr, tmp / "v");
    CHECK(unsigned_ok.ok());
    CHECK(unsigned_ok.passed.back() == "signatures: not checked (no --key)");
  }
  SECTION("a modified blob") {
    auto pushed = Push(tmp.path(), files, &*key, false);
    WriteFile(tmp / "layout" / "blobs" / "sha256" / files[0].digest.hex(), "alphA");
    VerifyReport r = VerifyExport(*pushed.layout, pushed.root, &key->public_key(), tmp / "v");
    CHECK(r.failure == VerifyFailure::kIntegrity);
    CHECK(r.ExitCode() == 2);
    CHECK(r.object == files[0].digest.str());
  }
  SECTION("a missing blob") {
    auto pushed = Push(tmp.path(), files, &*key, false);
    fs::remove(tmp / "layout" / "blobs" / "sha256" / files[1].digest.hex());
    VerifyReport r = VerifyExport(*pushed.layout, pushed.root, &key->public_key(), tmp / "v");
    CHECK(r.ExitCode() == 4);
    CHECK(r.object == files[1].digest.str());
  }
  SECTION("manifest.json that disagrees with a file") {
    WriteFile(files[0].file, "ALPHA");  // same size, other bytes: the layer is this file now
    files[0].digest = oci::Digest::OfBytes("ALPHA");
    auto pushed = Push(tmp.path(), files, &*key, false);
    VerifyReport r = VerifyExport(*pushed.layout, pushed.root, &key->public_key(), tmp / "v");
    CHECK(r.failure == VerifyFailure::kIntegrity);
    CHECK(r.object == "a-0000.jsonl.zst");
    CHECK(r.message == StrCat("a-0000.jsonl.zst: got ", oci::Digest::OfBytes("ALPHA").str(), ", want ",
                              oci::Digest::OfBytes("alpha").str(), " (manifest.json)"));
  }
  SECTION("any other artifact: closure, and a signature if one is asked for") {
    auto layout = oci::LayoutTarget::Open(tmp / "plain", {.create = true, .durable = false});
    REQUIRE_OK(layout);
    auto image = ec::testing::PushRandomImage(**layout, 7);
    VerifyReport unsigned_image = VerifyExport(**layout, image.manifest, nullptr, tmp / "v");
    CHECK(unsigned_image.ok());
    CHECK(unsigned_image.profile.empty());
    VerifyReport r = VerifyExport(**layout, image.manifest, &key->public_key(), tmp / "v");
    CHECK(r.ExitCode() == 3);
  }
  SECTION("an index is not an export") {
    auto layout = oci::LayoutTarget::Open(tmp / "plain", {.create = true, .durable = false});
    REQUIRE_OK(layout);
    auto a = ec::testing::PushRandomImage(**layout, 7);
    auto index = ec::testing::PushIndex(**layout, {a}, {{"linux", "amd64"}});
    VerifyReport r = VerifyExport(**layout, index, nullptr, tmp / "v");
    CHECK(r.ExitCode() == 1);
    CHECK(r.message == "not an export: want an image manifest, got an index");
  }
}

}  // namespace
}  // namespace ec::profiles
