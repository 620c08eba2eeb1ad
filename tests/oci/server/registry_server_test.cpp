// RegistryServer over HTTP on loopback: through our own client (RegistryTarget, CopyGraph) and
// through raw requests for the status codes and error bodies the distribution spec names.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "oci/copy.h"
#include "oci/limits.h"
#include "oci/media_types.h"
#include "oci/remote/registry_target.h"
#include "oci/server/registry_server.h"
#include "oci/store/store_target.h"
#include "support/test_support.h"

namespace ec::oci::server {
using namespace ec::testing;

namespace {

struct Served {
  TempDir dir;
  std::shared_ptr<store::Store> store;
  std::unique_ptr<RegistryServer> server;
  std::shared_ptr<remote::RegistryClient> client;

  explicit Served(ServerOptions options = {}) {
    auto s = store::Store::Open(dir / "store", {.create = true, .durable = false});
    REQUIRE(s.ok());
    store = *s;
    options.port = 0;
    options.threads = 8;
    server = std::make_unique<RegistryServer>(store, std::make_shared<OpenGate>(), options);
    REQUIRE_OK(server->Start());
    remote::RegistryOptions ro;
    ro.plain_http = true;
    ro.max_attempts = 1;
    client = std::make_shared<remote::RegistryClient>(host(), ro);
  }
  std::string host() const { return StrCat("127.0.0.1:", server->port()); }
  remote::RegistryTarget Repo(std::string name) { return remote::RegistryTarget(client, std::move(name)); }
  httplib::Client Http() {
    httplib::Client c("127.0.0.1", server->port());
    c.set_keep_alive(false);
    return c;
  }
};

std::string ErrorCode(const httplib::Result& r) {
  if (!r) return StrCat("<no response: ", httplib::to_string(r.error()), ">");
  auto body = nlohmann::json::parse(r->body, nullptr, false);
  if (body.is_discarded() || !body.contains("errors") || body["errors"].empty()) return "<not JSON>";
  return body["errors"][0].value("code", "");
}

}  // namespace

TEST_CASE("Server: our client uses the referrers API and pushes no fallback tag", "[server]") {
  Served s;
  auto repo = s.Repo("app");
  TestImage img = PushRandomImage(repo, 1);
  REQUIRE_OK(repo.Tag(img.manifest, "v1"));
  Descriptor sig = PushReferrer(repo, img.manifest, "application/vnd.example.sig", 7);
  auto referrers = repo.Referrers(img.manifest, "");
  REQUIRE(referrers.ok());
  REQUIRE(referrers->size() == 1);
  CHECK((*referrers)[0].digest == sig.digest);
  CHECK((*referrers)[0].artifact_type == "application/vnd.example.sig");
  // The server answered OCI-Subject, so no sha256-<hex> index was maintained.
  CHECK(*repo.ListTags() == std::vector<std::string>{"v1"});

  auto http = s.Http();
  auto r = http.Get(StrCat("/v2/app/referrers/", img.manifest.digest.str(), "?artifactType=none/such"));
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == kOciIndex);
  CHECK(r->get_header_value("OCI-Filters-Applied") == "artifactType");
  CHECK(nlohmann::json::parse(r->body)["manifests"].empty());
}

TEST_CASE("Server: tag lists page through Link and the client follows it", "[server]") {
  ServerOptions options;
  options.page_size = 2;
  Served s(options);
  auto repo = s.Repo("paged");
  TestImage img = PushRandomImage(repo, 2);
  for (const char* tag : {"e", "d", "c", "b", "a"}) REQUIRE_OK(repo.Tag(img.manifest, tag));
  CHECK(*repo.ListTags() == std::vector<std::string>{"a", "b", "c", "d", "e"});

  auto http = s.Http();
  auto first = http.Get("/v2/paged/tags/list?n=2");
  REQUIRE(first);
  CHECK(nlohmann::json::parse(first->body)["tags"] == nlohmann::json({"a", "b"}));
  CHECK(first->get_header_value("Link") == "</v2/paged/tags/list?n=2&last=b>; rel=\"next\"");
  auto last = http.Get("/v2/paged/tags/list?n=2&last=d");
  CHECK(nlohmann::json::parse(last->body)["tags"] == nlohmann::json({"e"}));
  CHECK_FALSE(last->has_header("Link"));
  auto none = http.Get("/v2/paged/tags/list?n=0");
  CHECK(nlohmann::json::parse(none->body)["tags"].empty());
  auto unknown = http.Get("/v2/nobody/tags/list");
  CHECK(unknown->status == 404);
  CHECK(ErrorCode(unknown) == "NAME_UNKNOWN");
}

TEST_CASE("Server: copy between two repositories mounts instead of uploading", "[server]") {
  Served s;
  auto a = s.Repo("team/a");
  auto b = s.Repo("team/b");
  TestImage img = PushRandomImage(a, 3, 3, 50000);
  REQUIRE_OK(a.Tag(img.manifest, "v1"));
  CopyOptions options;
  auto report = CopyGraph(a, b, img.manifest, options);
  REQUIRE(report.ok());
  CHECK(report->blobs_copied == 4);
  CHECK(report->bytes_copied == 0);  // every blob was mounted
  auto sizes = s.store->RepositoriesWithBlob(img.layers[0].digest);
  CHECK(*sizes == std::vector<std::string>{"team/a", "team/b"});
}

TEST_CASE("Server: uploads refuse out-of-order chunks with 416 and resume from Range", "[server]") {
  Served s;
  auto http = s.Http();
  auto start = http.Post("/v2/chunks/blobs/uploads/", "", "application/octet-stream");
  REQUIRE(start);
  REQUIRE(start->status == 202);
  std::string location = start->get_header_value("Location");
  CHECK(start->get_header_value("Range") == "0-0");
  std::string bytes = RandomBytes(5, 3000);

  httplib::Headers first_range{{"Content-Range", "0-999"}};
  auto p1 = http.Patch(location, first_range, bytes.substr(0, 1000), "application/octet-stream");
  REQUIRE(p1->status == 202);
  CHECK(p1->get_header_value("Range") == "0-999");

  httplib::Headers skip{{"Content-Range", "2000-2999"}};
  auto bad = http.Patch(location, skip, bytes.substr(2000), "application/octet-stream");
  CHECK(bad->status == 416);
  CHECK(bad->get_header_value("Range") == "0-999");
  CHECK(ErrorCode(bad) == "BLOB_UPLOAD_INVALID");

  auto status = http.Get(location);
  CHECK(status->status == 204);
  CHECK(status->get_header_value("Range") == "0-999");

  httplib::Headers next{{"Content-Range", "1000-2999"}};
  auto p2 = http.Patch(location, next, bytes.substr(1000), "application/octet-stream");
  REQUIRE(p2->status == 202);
  Digest d = Digest::OfBytes(bytes);
  auto done = http.Put(StrCat(location, "?digest=", d.str()), "", "application/octet-stream");
  REQUIRE(done->status == 201);
  CHECK(done->get_header_value("Docker-Content-Digest") == d.str());

  auto ranged = http.Get(StrCat("/v2/chunks/blobs/", d.str()), {{"Range", "bytes=10-19"}});
  CHECK(ranged->status == 206);
  CHECK(ranged->body == bytes.substr(10, 10));
  CHECK(ranged->get_header_value("Content-Range") == "bytes 10-19/3000");
}

TEST_CASE("Server: errors carry the spec's codes in JSON bodies", "[server]") {
  Served s;
  auto http = s.Http();
  Digest missing = Digest::OfBytes("missing");

  auto blob = http.Get(StrCat("/v2/app/blobs/", missing.str()));
  CHECK(blob->status == 404);
  CHECK(ErrorCode(blob) == "BLOB_UNKNOWN");
  CHECK(blob->get_header_value("Content-Type") == "application/json");

  auto manifest = http.Get("/v2/app/manifests/nope");
  CHECK(manifest->status == 404);
  CHECK(ErrorCode(manifest) == "MANIFEST_UNKNOWN");

  auto name = http.Get("/v2/Bad/Name/tags/list");
  CHECK(name->status == 400);
  CHECK(ErrorCode(name) == "NAME_INVALID");

  auto digest = http.Get("/v2/app/blobs/sha256:xyz");
  CHECK(digest->status == 400);
  CHECK(ErrorCode(digest) == "DIGEST_INVALID");

  std::string huge(oci::kMaxManifestBytes + 1, ' ');
  auto big = http.Put("/v2/app/manifests/v1", huge, std::string(kOciManifest));
  REQUIRE(big);
  CHECK(big->status == 413);

  std::string layer_ref = StrCat(R"({"schemaVersion":2,"mediaType":")", kOciManifest,
                                 R"(","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":")",
                                 Digest::OfBytes("{}").str(), R"(","size":2},"layers":[]})");
  auto unknown_blob = http.Put("/v2/app/manifests/v1", layer_ref, std::string(kOciManifest));
  CHECK(unknown_blob->status == 400);
  CHECK(ErrorCode(unknown_blob) == "MANIFEST_BLOB_UNKNOWN");

  auto invalid = http.Put("/v2/app/manifests/v1", "{not json", std::string(kOciManifest));
  CHECK(invalid->status == 400);
  CHECK(ErrorCode(invalid) == "MANIFEST_INVALID");

  auto upload = http.Patch("/v2/app/blobs/uploads/00000000-0000-4000-8000-000000000000", "x",
                           "application/octet-stream");
  CHECK(upload->status == 404);
  CHECK(ErrorCode(upload) == "BLOB_UPLOAD_UNKNOWN");
}

TEST_CASE("Server: read-only refuses writes and still serves reads", "[server]") {
  TempDir dir;
  {
    auto st = store::Store::Open(dir / "store", {.create = true, .durable = false});
    REQUIRE(st.ok());
    store::StoreTarget t(*st, "app");
    TestImage img = PushRandomImage(t, 9);
    REQUIRE_OK(t.Tag(img.manifest, "v1"));
  }
  auto st = store::Store::Open(dir / "store");
  REQUIRE(st.ok());
  ServerOptions options;
  options.port = 0;
  options.read_only = true;
  RegistryServer server(*st, std::make_shared<OpenGate>(), options);
  REQUIRE_OK(server.Start());
  httplib::Client http("127.0.0.1", server.port());
  auto get = http.Get("/v2/app/manifests/v1");
  CHECK(get->status == 200);
  auto post = http.Post("/v2/app/blobs/uploads/", "", "application/octet-stream");
  CHECK(post->status == 405);
  CHECK(ErrorCode(post) == "UNSUPPORTED");
  auto del = http.Delete("/v2/app/manifests/v1");
  CHECK(del->status == 405);
}

}  // namespace ec::oci::server
