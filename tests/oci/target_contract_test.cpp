// One contract, every backend: memory, layout, archive, the local store, and the store served
// over HTTP by RegistryServer and reached through RegistryTarget, behave the same through Target.
#include <catch2/catch.hpp>

#include "oci/archive_target.h"
#include "oci/layout_target.h"
#include "oci/media_types.h"
#include "oci/memory_target.h"
#include "oci/remote/registry_target.h"
#include "oci/server/registry_server.h"
#include "oci/store/store_target.h"
#include "support/test_support.h"

namespace ec::oci {
using namespace ec::testing;

struct MemoryFixture {
  MemoryTarget t;
  Target& target() { return t; }
  // Memory has nothing to reopen: it is its own persisted state.
  Target& Reopen() { return t; }
};

struct LayoutFixture {
  TempDir dir;
  std::unique_ptr<LayoutTarget> t;
  LayoutFixture() {
    auto r = LayoutTarget::Open(dir / "layout", {.create = true, .durable = false});
    REQUIRE(r.ok());
    t = std::move(r).value();
  }
  Target& target() { return *t; }
  Target& Reopen() {
    REQUIRE_OK(t->Commit());
    auto r = LayoutTarget::Open(dir / "layout");
    REQUIRE(r.ok());
    t = std::move(r).value();
    return *t;
  }
};

struct ArchiveFixture {
  TempDir dir;
  std::unique_ptr<ArchiveTarget> t;
  ArchiveFixture() {
    auto r = ArchiveTarget::Open(dir / "a.tar", {.create = true, .compression = std::nullopt});
    REQUIRE(r.ok());
    t = std::move(r).value();
  }
  Target& target() { return *t; }
  Target& Reopen() {
    REQUIRE_OK(t->Commit());
    t.reset();
    auto r = ArchiveTarget::Open(dir / "a.tar");
    REQUIRE(r.ok());
    t = std::move(r).value();
    return *t;
  }
};

struct StoreFixture {
  TempDir dir;
  std::unique_ptr<store::StoreTarget> t;
  StoreFixture() { Open(); }
  void Open() {
    auto s = store::Store::Open(dir / "store", {.create = true, .durable = false});
    REQUIRE(s.ok());
    t = std::make_unique<store::StoreTarget>(*s, "contract/repo");
  }
  Target& target() { return *t; }
  Target& Reopen() {
    t.reset();
    Open();
    return *t;
  }
};

// The whole path a user's client takes: RegistryTarget → HTTP → RegistryServer → Store.
struct ServedFixture {
  TempDir dir;
  std::unique_ptr<server::RegistryServer> server;
  std::unique_ptr<remote::RegistryTarget> t;
  ServedFixture() {
    auto s = store::Store::Open(dir / "store", {.create = true, .durable = false});
    REQUIRE(s.ok());
    server::ServerOptions options;
    options.port = 0;
    options.threads = 4;
    server = std::make_unique<server::RegistryServer>(*s, std::make_shared<server::OpenGate>(), options);
    REQUIRE_OK(server->Start());
    remote::RegistryOptions ro;
    ro.plain_http = true;
    ro.max_attempts = 1;
    auto client = std::make_shared<remote::RegistryClient>(StrCat("127.0.0.1:", server->port()), ro);
    t = std::make_unique<remote::RegistryTarget>(client, "contract/repo");
  }
  Target& target() { return *t; }
  Target& Reopen() { return *t; }
};

TEMPLATE_TEST_CASE("Target contract: pushed blobs read back byte for byte", "[oci][contract]",
                   MemoryFixture, LayoutFixture, ArchiveFixture, StoreFixture, ServedFixture) {
  TestType fx;
  std::string bytes = RandomBytes(1, 300000);
  Descriptor d = DescriptorOf(kOctetStream, bytes);
  REQUIRE_OK(PushBytes(fx.target(), d, bytes));
  CHECK(*fx.target().Exists(d));
  CHECK(FetchAll(fx.target(), d) == bytes);
  auto stat = fx.target().Stat(d.digest);
  REQUIRE(stat.ok());
  CHECK(stat->size == d.size);
}

TEMPLATE_TEST_CASE("Target contract: a push whose bytes do not match stores nothing", "[oci][contract]",
                   MemoryFixture, LayoutFixture, ArchiveFixture, StoreFixture, ServedFixture) {
  TestType fx;
  Descriptor d = DescriptorOf(kOctetStream, "the right bytes");
  Status s = PushBytes(fx.target(), d, "the wrong bytes");
  CHECK(s.code() == Code::kDataLoss);
  // Local targets catch it while reading ("digest mismatch after 15 bytes"); a registry when
  // the upload closes ("digest mismatch: got …").
  CHECK_THAT(s.message(), Catch::Contains("digest mismatch"));
  CHECK_FALSE(*fx.target().Exists(d));
  Status short_push = PushBytes(fx.target(), d, "short");
  CHECK_THAT(short_push.message(), Catch::Contains("is truncated; got 5 bytes, want 15"));
  CHECK_FALSE(*fx.target().Exists(d));
}

TEMPLATE_TEST_CASE("Target contract: tags resolve, move and list after reopening", "[oci][contract]",
                   MemoryFixture, LayoutFixture, ArchiveFixture, StoreFixture, ServedFixture) {
  TestType fx;
  TestImage a = PushRandomImage(fx.target(), 1);
  TestImage b = PushRandomImage(fx.target(), 2);
  REQUIRE_OK(fx.target().Tag(a.manifest, "v1"));
  REQUIRE_OK(fx.target().Tag(a.manifest, "latest"));
  REQUIRE_OK(fx.target().Tag(b.manifest, "latest"));
  Target& t = fx.Reopen();
  CHECK(t.Resolve("v1")->digest == a.manifest.digest);
  CHECK(t.Resolve("latest")->digest == b.manifest.digest);
  CHECK(*t.ListTags() == std::vector<std::string>{"latest", "v1"});
  auto by_digest = t.Resolve(a.manifest.digest.str());
  REQUIRE(by_digest.ok());
  CHECK(by_digest->media_type == kOciManifest);
  CHECK(by_digest->size == a.manifest.size);
  auto missing = t.Resolve("nope");
  CHECK(missing.status().code() == Code::kNotFound);
  CHECK_THAT(missing.status().message(), Catch::EndsWith("tag \"nope\" not found"));
  CHECK(t.Tag(a.manifest, "-bad").code() == Code::kInvalidArgument);
}

TEMPLATE_TEST_CASE("Target contract: tagging a manifest that is not there fails", "[oci][contract]",
                   MemoryFixture, LayoutFixture, ArchiveFixture, StoreFixture, ServedFixture) {
  TestType fx;
  Descriptor ghost = DescriptorOf(kOciManifest, "{}");
  Status s = fx.target().Tag(ghost, "v1");
  CHECK(s.code() == Code::kFailedPrecondition);
  CHECK_THAT(s.message(), Catch::EndsWith("push it first"));
}

TEMPLATE_TEST_CASE("Target contract: referrers are found by subject and filtered by type", "[oci][contract]",
                   MemoryFixture, LayoutFixture, ArchiveFixture, StoreFixture, ServedFixture) {
  TestType fx;
  TestImage img = PushRandomImage(fx.target(), 3);
  REQUIRE_OK(fx.target().Tag(img.manifest, "v1"));
  Descriptor sig = PushReferrer(fx.target(), img.manifest, "application/vnd.example.sig", 10);
  Descriptor sbom = PushReferrer(fx.target(), img.manifest, "application/vnd.example.sbom", 11);
  Target& t = fx.Reopen();
  auto all = t.Referrers(img.manifest, "");
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  std::vector<std::string> got{(*all)[0].digest.str(), (*all)[1].digest.str()};
  std::vector<std::string> want{sig.digest.str(), sbom.digest.str()};
  std::sort(want.begin(), want.end());
  CHECK(got == want);
  auto sigs = t.Referrers(img.manifest, "application/vnd.example.sig");
  REQUIRE(sigs.ok());
  REQUIRE(sigs->size() == 1);
  CHECK((*sigs)[0].digest == sig.digest);
  CHECK((*sigs)[0].artifact_type == "application/vnd.example.sig");
  CHECK((*sigs)[0].annotations.at("seed") == "10");
}

}  // namespace ec::oci
