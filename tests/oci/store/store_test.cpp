// The local store: repositories over shared blobs, uploads, manifests, tags, referrers, gc.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <utime.h>

#include <thread>

#include "oci/manifest.h"
#include "oci/media_types.h"
#include "oci/store/store.h"
#include "oci/store/store_target.h"
#include "support/test_support.h"

namespace ec::oci::store {
using namespace ec::testing;

namespace {

std::shared_ptr<Store> OpenStore(const TempDir& dir) {
  auto s = Store::Open(dir / "store", {.create = true, .durable = false});
  REQUIRE(s.ok());
  return *s;
}

std::string ReadBlob(Store& store, std::string_view repo, const Digest& d) {
  auto r = store.OpenBlob(repo, d);
  REQUIRE(r.ok());
  auto bytes = ReadAll(**r, 1 << 26, "blob");
  REQUIRE(bytes.ok());
  return *bytes;
}

// An image manifest over the given blobs (config first), pushed into `repo`.
std::string ManifestOver(const Descriptor& config, const std::vector<Descriptor>& layers,
                         std::optional<Descriptor> subject = std::nullopt,
                         std::string artifact_type = "") {
  return BuildImageManifest(config, layers, artifact_type, {}, subject);
}

Descriptor PutRandomBlob(Store& store, std::string_view repo, std::uint64_t seed, std::size_t size = 1000) {
  std::string bytes = RandomBytes(seed, size);
  Descriptor d = DescriptorOf(kOctetStream, bytes);
  StringReader in(bytes);
  REQUIRE_OK(store.PutBlob(repo, d, in));
  return d;
}

void Age(const std::filesystem::path& path, int seconds) {
  struct utimbuf t;
  t.actime = t.modtime = time(nullptr) - seconds;
  REQUIRE(::utime(path.c_str(), &t) == 0);
}

}  // namespace

TEST_CASE("Store: a blob is visible only in the repositories it is linked to", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir);
  Descriptor d = PutRandomBlob(*store, "team/a", 1);
  CHECK(*store->BlobSize("team/a", d.digest) == 1000);
  CHECK(ReadBlob(*store, "team/a", d.digest) == RandomBytes(1, 1000));
  auto elsewhere = store->BlobSize("team/b", d.digest);
  CHECK(elsewhere.status().code() == Code::kNotFound);
  CHECK(elsewhere.status().message() == StrCat("blob ", d.digest.str(), " not in repository team/b"));
  REQUIRE_OK(store->LinkBlob("team/b", d.digest));
  CHECK(*store->BlobSize("team/b", d.digest) == 1000);
  CHECK(*store->RepositoriesWithBlob(d.digest) == std::vector<std::string>{"team/a", "team/b"});
  // Stored once.
  CHECK(std::filesystem::file_size(store->BlobPath(d.digest)) == 1000);
  Descriptor ghost = DescriptorOf(kOctetStream, "never pushed");
  CHECK(store->LinkBlob("team/b", ghost.digest).code() == Code::kNotFound);
  REQUIRE_OK(store->UnlinkBlob("team/a", d.digest));
  CHECK(store->BlobSize("team/a", d.digest).status().code() == Code::kNotFound);
}

TEST_CASE("Store: an upload in chunks becomes a blob only with the right digest", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir);
  std::string bytes = RandomBytes(2, 5000);
  Digest good = Digest::OfBytes(bytes);

  auto upload = store->StartUpload("repo");
  REQUIRE(upload.ok());
  REQUIRE_OK((*upload)->Append(std::string_view(bytes).substr(0, 2000)));
  REQUIRE_OK((*upload)->Append(std::string_view(bytes).substr(2000)));
  CHECK((*upload)->size() == 5000);
  auto found = store->FindUpload("repo", (*upload)->id());
  REQUIRE(found.ok());
  CHECK(store->FindUpload("other", (*upload)->id()).status().code() == Code::kNotFound);
  REQUIRE_OK(store->CompleteUpload(**upload, good));
  CHECK(ReadBlob(*store, "repo", good) == bytes);
  CHECK(store->FindUpload("repo", (*upload)->id()).status().code() == Code::kNotFound);

  auto bad = store->StartUpload("repo");
  REQUIRE(bad.ok());
  REQUIRE_OK((*bad)->Append("not what was announced"));
  Digest want = Digest::OfBytes("something else");
  Status s = store->CompleteUpload(**bad, want);
  CHECK(s.code() == Code::kDataLoss);
  CHECK(s.message() == StrCat("upload ", (*bad)->id(), ": digest mismatch: got ",
                              Digest::OfBytes("not what was announced").str(), ", want ", want.str()));
  CHECK(store->BlobSize("repo", want).status().code() == Code::kNotFound);
  CHECK_FALSE(std::filesystem::exists(store->BlobPath(want)));
  CHECK(std::filesystem::is_empty(dir / "store" / "uploads"));
}

TEST_CASE("Store: a sha512 upload is verified with sha512", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir);
  std::string bytes = RandomBytes(3, 777);
  Digest d = Digest::OfBytes(bytes, DigestAlgorithm::kSha512);
  auto upload = store->StartUpload("repo");
  REQUIRE(upload.ok());
  REQUIRE_OK((*upload)->Append(bytes));
  REQUIRE_OK(store->CompleteUpload(**upload, d));
  CHECK(ReadBlob(*store, "repo", d) == bytes);
}

TEST_CASE("Store: concurrent uploads of the same blob all succeed and leave one correct copy", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir);
  std::string bytes = RandomBytes(4, 1 << 20);
  Digest d = Digest::OfBytes(bytes);
  std::vector<std::thread> threads;
  std::vector<Status> results(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto upload = store->StartUpload(StrCat("repo", i));
      if (!upload.ok()) { results[i] = upload.status(); return; }
      std::lock_guard lock((*upload)->mutex());
      for (std::size_t off = 0; off < bytes.size(); off += 65536) {
        results[i] = (*upload)->Append(std::string_view(bytes).substr(off, 65536));
        if (!results[i].ok()) return;
      }
      results[i] = store->CompleteUpload(**upload, d);
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) REQUIRE_OK(s);
  CHECK(ReadBlob(*store, "repo7", d) == bytes);
  CHECK(store->RepositoriesWithBlob(d)->size() == 8);
}

TEST_CASE("Store: manifests need their blobs, keep their bytes and carry tags", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir);
  Descriptor config = PutRandomBlob(*store, "app", 10, 100);
  config.media_type = std::string(kOciConfig);
  Descriptor layer = PutRandomBlob(*store, "app", 11);
  layer.media_type = std::string(kOciLayerGzip);
  std::string bytes = ManifestOver(config, {layer});

  // In another repository the blobs are not there.
  auto refused = store->PutManifest("other", "v1", kOciManifest, bytes);
  CHECK(refused.status().code() == Code::kFailedPrecondition);
  CHECK(refused.status().message() ==
        StrCat("manifest other:v1: blob ", config.digest.str(), " is not in repository other"));

  auto put = store->PutManifest("app", "v1", kOciManifest, bytes, {"stable"});
  REQUIRE(put.ok());
  CHECK(put->descriptor.digest == Digest::OfBytes(bytes));
  CHECK(put->descriptor.artifact_type == kOciConfig);
  auto by_tag = store->ResolveManifest("app", "stable");
  REQUIRE(by_tag.ok());
  CHECK(*store->ReadManifest(*by_tag) == bytes);
  CHECK(*store->ListTags("app", "", -1) == std::vector<std::string>{"stable", "v1"});

  // Wrong digest, wrong type, not JSON.
  Digest other = Digest::OfBytes("x");
  auto mismatch = store->PutManifest("app", other.str(), kOciManifest, bytes);
  CHECK(mismatch.status().code() == Code::kDataLoss);
  CHECK(mismatch.status().message() == StrCat("manifest app:", other.str(), ": digest mismatch: got ",
                                              put->descriptor.digest.str(), ", want ", other.str()));
  auto wrong_type = store->PutManifest("app", "v2", kOciIndex, bytes);
  CHECK(wrong_type.status().code() == Code::kInvalidArgument);
  CHECK(wrong_type.status().message() == StrCat("manifest app:v2: Content-Type ", kOciIndex,
                                                " does not match its mediaType ", kOciManifest));
  CHECK(store->PutManifest("app", "v2", kOciManifest, "not json").status().code() == Code::kInvalidArgument);

  // An index may name children that are not there (a sparse index).
  std::string index = StrCat(R"({"schemaVersion":2,"mediaType":")", kOciIndex,
                             R"(","manifests":[{"mediaType":")", kOciManifest, R"(","digest":")",
                             Digest::OfBytes("absent").str(), R"(","size":6}]})");
  REQUIRE_OK(store->PutManifest("app", "sparse", kOciIndex, index).status());

  // Deleting a tag keeps the manifest; deleting the manifest drops its tags.
  REQUIRE_OK(store->DeleteTag("app", "stable"));
  CHECK(store->ResolveManifest("app", put->descriptor.digest.str()).ok());
  CHECK(store->DeleteTag("app", "stable").code() == Code::kNotFound);
  REQUIRE_OK(store->DeleteManifest("app", put->descriptor.digest));
  CHECK(store->ResolveManifest("app", "v1").status().code() == Code::kNotFound);
  CHECK(*store->ListTags("app", "", -1) == std::vector<std::string>{"sparse"});
}

TEST_CASE("Store: tag lists and the catalog page in order", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir);
  StoreTarget a(store, "a/one");
  StoreTarget b(store, "b/two");
  TestImage img = PushRandomImage(a, 1);
  PushRandomImage(b, 2);
  for (const char* tag : {"v3", "v1", "v2", "latest"}) REQUIRE_OK(a.Tag(img.manifest, tag));
  CHECK(*store->ListTags("a/one", "", 2) == std::vector<std::string>{"latest", "v1"});
  CHECK(*store->ListTags("a/one", "v1", 2) == std::vector<std::string>{"v2", "v3"});
  CHECK(store->ListTags("a/one", "", 0)->empty());
  auto unknown = store->ListTags("nobody", "", -1);
  CHECK(unknown.status().code() == Code::kNotFound);
  CHECK(unknown.status().message() == "repository nobody not found");
  CHECK(*store->Catalog("", -1) == std::vector<std::string>{"a/one", "b/two"});
  CHECK(*store->Catalog("a/one", 5) == std::vector<std::string>{"b/two"});
}

TEST_CASE("Store: referrers by subject, filtered by artifact type", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir);
  StoreTarget t(store, "app");
  TestImage img = PushRandomImage(t, 1);
  Descriptor sig = PushReferrer(t, img.manifest, "application/vnd.example.sig", 5);
  PushReferrer(t, img.manifest, "application/vnd.example.sbom", 6);
  auto all = store->Referrers("app", img.manifest.digest, "");
  REQUIRE(all.ok());
  CHECK(all->size() == 2);
  auto sigs = store->Referrers("app", img.manifest.digest, "application/vnd.example.sig");
  REQUIRE(sigs->size() == 1);
  CHECK((*sigs)[0].digest == sig.digest);
  CHECK((*sigs)[0].annotations.at("seed") == "5");
  CHECK(store->Referrers("other", img.manifest.digest, "")->empty());
}

TEST_CASE("Store: gc removes unreferenced blobs past the grace period and nothing else", "[store][gc]") {
  TempDir dir;
  auto store = OpenStore(dir);
  StoreTarget app(store, "app");
  StoreTarget other(store, "other");
  TestImage img = PushRandomImage(app, 1);
  TestImage shared = PushRandomImage(other, 2);
  REQUIRE_OK(app.Tag(img.manifest, "v1"));
  Descriptor loose = PutRandomBlob(*store, "app", 99);

  // A fresh loose blob is protected by the grace period.
  auto report = store->CollectGarbage({.grace_seconds = 3600, .dry_run = false});
  REQUIRE(report.ok());
  CHECK(report->removed.empty());

  auto dry = store->CollectGarbage({.grace_seconds = 0, .dry_run = true});
  REQUIRE(dry.ok());
  CHECK(dry->removed == std::vector<Digest>{loose.digest});
  CHECK(std::filesystem::exists(store->BlobPath(loose.digest)));

  report = store->CollectGarbage({.grace_seconds = 0, .dry_run = false});
  REQUIRE(report.ok());
  CHECK(report->removed == std::vector<Digest>{loose.digest});
  CHECK(report->bytes_freed == 1000);
  CHECK_FALSE(std::filesystem::exists(store->BlobPath(loose.digest)));
  CHECK(store->BlobSize("app", loose.digest).status().code() == Code::kNotFound);
  // Everything a manifest needs is still there.
  CHECK(static_cast<std::int64_t>(FetchAll(app, img.layers[0]).size()) == img.layers[0].size);
  CHECK(static_cast<std::int64_t>(FetchAll(other, shared.config).size()) == shared.config.size);

  // Deleting the manifest lets gc take it and its blobs.
  REQUIRE_OK(store->DeleteManifest("app", img.manifest.digest));
  report = store->CollectGarbage({.grace_seconds = 0, .dry_run = false});
  REQUIRE(report.ok());
  CHECK(report->removed.size() == 2 + img.layers.size());
  CHECK_FALSE(std::filesystem::exists(store->BlobPath(img.manifest.digest)));
  CHECK(std::filesystem::exists(store->BlobPath(shared.manifest.digest)));

  // Leftovers of a crashed writer go once they are old; young ones may be in flight.
  auto stray = dir / "store" / "blobs" / "sha256" / ".abc.tmp-XYZ";
  WriteFile(stray, "partial");
  report = store->CollectGarbage({.grace_seconds = 60, .dry_run = false});
  CHECK(std::filesystem::exists(stray));
  Age(stray, 120);
  report = store->CollectGarbage({.grace_seconds = 60, .dry_run = false});
  REQUIRE(report.ok());
  CHECK(report->stale_files_removed == 1);
  CHECK_FALSE(std::filesystem::exists(stray));

  // A blob gc removed comes back when pushed again.
  PutRandomBlob(*store, "app", 99);
  CHECK(ReadBlob(*store, "app", loose.digest) == RandomBytes(99, 1000));
}

TEST_CASE("Store: refuses a directory that holds something else", "[store]") {
  TempDir dir;
  WriteFile(dir / "busy" / "file.txt", "mine");
  auto s = Store::Open(dir / "busy");
  CHECK(s.status().code() == Code::kFailedPrecondition);
  CHECK(s.status().message() == StrCat("open store ", (dir / "busy").string(),
                                       ": not an Export Center store (no ec-store file) and not empty"));
  auto missing = Store::Open(dir / "none", {.create = false});
  CHECK(missing.status().code() == Code::kNotFound);
}

}  // namespace ec::oci::store
