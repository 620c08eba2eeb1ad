// Mirror bundles end to end in process: create from sources, pack and unpack, import; a
// delta leaves out what its base holds, refuses a destination without the base, and
// full(v1) + delta(v1→v2) gives the destination exactly what full(v2) gives.
#include "mirror/bundle_files.h"
#include "mirror/create.h"
#include "mirror/import.h"
#include "mirror/pack.h"
#include "oci/io.h"
#include "oci/media_types.h"
#include "oci/memory_target.h"
#include "support/test_support.h"

namespace ec::mirror {
namespace {

namespace fs = std::filesystem;
using ec::testing::TempDir;

// A registry of in-memory repositories.
struct Registry {
  std::map<std::string, std::shared_ptr<oci::MemoryTarget>> repos;
  oci::MemoryTarget& Repo(const std::string& name) {
    auto& r = repos[name];
    if (!r) r = std::make_shared<oci::MemoryTarget>(name);
    return *r;
  }
};

// Shares one MemoryTarget under the unique_ptr the openers hand out. While *corrupt is set,
// layers and configs are served with other bytes of the same size (a source gone bad).
class Borrowed final : public oci::Target {
 public:
  explicit Borrowed(oci::Target& t, const bool* corrupt = nullptr) : t_(t), corrupt_(corrupt) {}
  std::string Name() const override { return t_.Name(); }
  Result<std::unique_ptr<oci::Reader>> Fetch(const oci::Descriptor& d) override {
    if (corrupt_ != nullptr && *corrupt_ && !oci::IsManifestType(d.media_type)) {
      return std::unique_ptr<oci::Reader>(new oci::StringReader(std::string(static_cast<std::size_t>(d.size), 'x')));
    }
    return t_.Fetch(d);
  }
  Result<bool> Exists(const oci::Descriptor& d) override { return t_.Exists(d); }
  Result<oci::Descriptor> Stat(const oci::Digest& d) override { return t_.Stat(d); }
  Status Push(const oci::Descriptor& d, oci::Reader& r) override { return t_.Push(d, r); }
  Result<oci::Descriptor> Resolve(std::string_view ref) override { return t_.Resolve(ref); }
  Status Tag(const oci::Descriptor& d, std::string_view tag) override { return t_.Tag(d, tag); }
  Result<std::vector<std::string>> ListTags() override { return t_.ListTags(); }
  Result<std::vector<oci::Descriptor>> Referrers(const oci::Descriptor& s, std::string_view t) override {
    return t_.Referrers(s, t);
  }

 private:
  oci::Target& t_;
  const bool* corrupt_;
};

SourceOpener OpenerFor(Registry& reg, const std::string& host, const bool* corrupt = nullptr) {
  return [&reg, host, corrupt](const std::string& ref) -> Result<std::unique_ptr<oci::Target>> {
    return std::unique_ptr<oci::Target>(new Borrowed(reg.Repo(ref.substr(host.size() + 1)), corrupt));
  };
}

DestinationOpener DestinationFor(Registry& reg) {
  return [&reg](const std::string& repo) -> Result<std::unique_ptr<oci::Target>> {
    return std::unique_ptr<oci::Target>(new Borrowed(reg.Repo(repo)));
  };
}

MirrorSpec Spec() {
  auto spec = ParseMirrorSpec(R"(apiVersion: export-center/v1
kind: MirrorSpec
metadata: {name: test}
repositories:
  - source: src.example/team/app
    semver: ">=1.0.0"
  - source: src.example/team/db
    tags: [stable]
)", "spec");
  REQUIRE_OK(spec);
  return *spec;
}

// The state of a destination: every tag of every repository, and the referrers of each.
std::map<std::string, std::string> State(Registry& reg) {
  std::map<std::string, std::string> out;
  for (auto& [name, repo] : reg.repos) {
    auto tags = repo->ListTags();
    REQUIRE_OK(tags);
    for (const std::string& t : *tags) {
      auto d = repo->Resolve(t);
      REQUIRE_OK(d);
      std::string refs;
      auto r = repo->Referrers(*d, "");
      if (r.ok()) for (const auto& x : *r) refs += x.digest.str() + ",";
      out[name + ":" + t] = d->digest.str() + " referrers " + refs;
    }
  }
  return out;
}

Result<CreateReport> Create(const MirrorSpec& spec, Registry& src, const fs::path& dir,
                            const std::optional<std::pair<BundleManifest, std::string>>& base = std::nullopt) {
  CreateOptions o;
  o.generated_at = "2025-01-01T00:00:00Z";
  o.open_source = OpenerFor(src, "src.example");
  if (base) {
    o.base = base->first;
    o.base_manifest_digest = base->second;
  }
  EC_ASSIGN_OR_RETURN(auto store, OpenDirectoryBundleStore(dir));
  EC_ASSIGN_OR_RETURN(CreateReport report, CreateBundle(spec, *store, o));
  EC_RETURN_IF_ERROR(oci::WriteFileAtomic(dir / std::string(kBundleManifestName), report.manifest_bytes));
  return report;
}

TEST_CASE("full then delta equals the later full, and a delta needs its base") {
  TempDir tmp;
  Registry src;
  auto app1 = ec::testing::PushRandomImage(src.Repo("team/app"), 1);
  REQUIRE_OK(src.Repo("team/app").Tag(app1.manifest, "1.0.0"));
  auto sig1 = ec::testing::PushReferrer(src.Repo("team/app"), app1.manifest, "application/vnd.dev.sigstore.bundle.v0.3+json", 11);
  (void)sig1;
  auto db = ec::testing::PushRandomImage(src.Repo("team/db"), 2);
  REQUIRE_OK(src.Repo("team/db").Tag(db.manifest, "stable"));
  REQUIRE_OK(src.Repo("team/app").Tag(app1.manifest, "not-semver"));

  auto v1 = Create(Spec(), src, tmp / "v1");
  REQUIRE_OK(v1);
  CHECK(v1->manifest.repositories.at("team/app").tags.size() == 1);  // not-semver is left out
  CHECK(v1->manifest.repositories.at("team/app").tags.at("1.0.0") == app1.manifest.digest.str());

  // v2: a new app version with its own signature; db stays as it was.
  auto app2 = ec::testing::PushRandomImage(src.Repo("team/app"), 3);
  REQUIRE_OK(src.Repo("team/app").Tag(app2.manifest, "1.1.0"));
  auto sig2 = ec::testing::PushReferrer(src.Repo("team/app"), app2.manifest, "application/vnd.dev.sigstore.bundle.v0.3+json", 12);
  (void)sig2;
  auto v2 = Create(Spec(), src, tmp / "v2");
  REQUIRE_OK(v2);
  auto base = ReadBundleManifest(tmp / "v1");
  REQUIRE_OK(base);
  auto delta = Create(Spec(), src, tmp / "d12", *base);
  REQUIRE_OK(delta);
  CHECK(delta->manifest.delta());
  CHECK(delta->manifest.base->manifest_digest == base->second);
  // The delta carries none of v1's blobs.
  for (const auto& entry : fs::recursive_directory_iterator(tmp / "v1" / "blobs")) {
    if (!entry.is_regular_file()) continue;
    CHECK_FALSE(fs::exists(tmp / "d12" / "blobs" / "sha256" / entry.path().filename()));
  }
  CHECK(delta->blobs_copied < v2->blobs_copied);

  SECTION("a delta refuses a destination without its base") {
    Registry empty;
    auto parsed = BundleManifest::Parse(delta->manifest_bytes, "mirror.json");
    REQUIRE_OK(parsed);
    auto r = ImportBundle(tmp / "d12", *parsed, DestinationFor(empty));
    REQUIRE(r.status().code() == Code::kFailedPrecondition);
    CHECK(r.status().message().find("the destination lacks the base of this delta") != std::string::npos);
    CHECK(State(empty).empty());
  }
  SECTION("full(v1) + delta(v1→v2) == full(v2)") {
    Registry a, b;
    auto m1 = BundleManifest::Parse(v1->manifest_bytes, "v1");
    auto md = BundleManifest::Parse(delta->manifest_bytes, "d12");
    auto m2 = BundleManifest::Parse(v2->manifest_bytes, "v2");
    REQUIRE_OK(ImportBundle(tmp / "v1", *m1, DestinationFor(a)));
    REQUIRE_OK(ImportBundle(tmp / "d12", *md, DestinationFor(a)));
    REQUIRE_OK(ImportBundle(tmp / "v2", *m2, DestinationFor(b)));
    CHECK(State(a) == State(b));
    CHECK(State(a).count("team/app:1.1.0") == 1);
    CHECK(State(a).at("team/app:1.1.0").find("referrers sha256:") != std::string::npos);
    // Importing again changes nothing and copies nothing.
    auto again = ImportBundle(tmp / "v2", *m2, DestinationFor(b));
    REQUIRE_OK(again);
    CHECK(again->blobs_copied == 0);
  }
  SECTION("packing is deterministic and unpacking gives the bundle back") {
    REQUIRE_OK(PackBundle(tmp / "v1", tmp / "v1.tar.zst"));
    REQUIRE_OK(PackBundle(tmp / "v1", tmp / "v1-again.tar.zst"));
    CHECK(ec::testing::ReadFile(tmp / "v1.tar.zst") == ec::testing::ReadFile(tmp / "v1-again.tar.zst"));
    fs::create_directories(tmp / "scratch");
    REQUIRE_OK(UnpackBundle(tmp / "v1.tar.zst", tmp / "unpacked", tmp / "scratch"));
    CHECK(ec::testing::ReadFile(tmp / "unpacked" / "mirror.json") == v1->manifest_bytes);
    auto parts = SplitIntoParts(tmp / "v1.tar.zst", 1 << 20);
    REQUIRE_OK(parts);
    REQUIRE_OK(UnpackBundle((*parts)[0], tmp / "from-parts", tmp / "scratch"));
    CHECK(ec::testing::ReadFile(tmp / "from-parts" / "mirror.json") == v1->manifest_bytes);
  }
  SECTION("an archive written in one pass from the sources equals the packed directory") {
    for (const char* name : {"v1.tar", "v1.tar.zst"}) {
      INFO(name);
      REQUIRE_OK(PackBundle(tmp / "v1", tmp / (std::string("packed-") + name)));
      // v1's sources now hold v2 too; the spec's v1 selection is what a fresh source gives.
      Registry v1src;
      auto a1 = ec::testing::PushRandomImage(v1src.Repo("team/app"), 1);
      REQUIRE_OK(v1src.Repo("team/app").Tag(a1.manifest, "1.0.0"));
      (void)ec::testing::PushReferrer(v1src.Repo("team/app"), a1.manifest, "application/vnd.dev.sigstore.bundle.v0.3+json", 11);
      auto d1 = ec::testing::PushRandomImage(v1src.Repo("team/db"), 2);
      REQUIRE_OK(v1src.Repo("team/db").Tag(d1.manifest, "stable"));
      bool corrupt = false;
      CreateOptions o;
      o.generated_at = "2025-01-01T00:00:00Z";
      o.open_source = OpenerFor(v1src, "src.example", &corrupt);
      ArchiveBundleStore store;
      auto report = CreateBundle(Spec(), store, o);
      REQUIRE_OK(report);
      CHECK(report->manifest_bytes == v1->manifest_bytes);
      auto entries = store.plan().Entries();
      entries.push_back(oci::TarBytesEntry(std::string(kBundleManifestName), report->manifest_bytes));
      auto plan = PlanBundleOutput(tmp / (std::string("streamed-") + name), 0, {});
      REQUIRE_OK(plan);
      REQUIRE_OK(WriteBundleArchive(entries, tmp / (std::string("streamed-") + name), *plan));
      CHECK(ec::testing::ReadFile(tmp / (std::string("streamed-") + name)) ==
            ec::testing::ReadFile(tmp / (std::string("packed-") + name)));
      // A source that serves other bytes fails the archive, naming the blob, and leaves no file.
      corrupt = true;
      auto bad = WriteBundleArchive(entries, tmp / (std::string("bad-") + name), *plan);
      REQUIRE_FALSE(bad.ok());
      CHECK(bad.status().code() == Code::kDataLoss);
      CHECK(bad.status().message().find("blob sha256:") != std::string::npos);
      CHECK_FALSE(fs::exists(tmp / (std::string("bad-") + name)));
    }
  }
}

}  // namespace
}  // namespace ec::mirror
