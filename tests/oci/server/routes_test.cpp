#include <catch2/catch.hpp>

#include "oci/server/routes.h"

namespace ec::oci::server {

TEST_CASE("Routes: every endpoint, names with slashes", "[server]") {
  auto check = [](std::string_view path, RouteKind kind, std::string name, std::string ref) {
    auto r = ParseRoute(path);
    INFO(path);
    REQUIRE(r.ok());
    CHECK(r->kind == kind);
    CHECK(r->name == name);
    CHECK(r->reference == ref);
  };
  check("/v2/", RouteKind::kPing, "", "");
  check("/v2", RouteKind::kPing, "", "");
  check("/v2/_catalog", RouteKind::kCatalog, "", "");
  check("/v2/a/b/c/manifests/v1", RouteKind::kManifest, "a/b/c", "v1");
  check("/v2/app/manifests/sha256:abc", RouteKind::kManifest, "app", "sha256:abc");
  check("/v2/team/app/blobs/sha256:abc", RouteKind::kBlob, "team/app", "sha256:abc");
  check("/v2/team/app/blobs/uploads/", RouteKind::kUploadStart, "team/app", "");
  check("/v2/team/app/blobs/uploads", RouteKind::kUploadStart, "team/app", "");
  check("/v2/team/app/blobs/uploads/1234-5678", RouteKind::kUpload, "team/app", "1234-5678");
  check("/v2/team/app/tags/list", RouteKind::kTags, "team/app", "");
  check("/v2/team/app/referrers/sha256:abc", RouteKind::kReferrers, "team/app", "sha256:abc");
  // A repository may itself be called "manifests" or "blobs".
  check("/v2/manifests/manifests/v1", RouteKind::kManifest, "manifests", "v1");
  check("/v2/blobs/blobs/uploads/", RouteKind::kUploadStart, "blobs", "");
}

TEST_CASE("Routes: bad names are NAME_INVALID before anything touches them", "[server]") {
  for (std::string_view path : {"/v2/Upper/tags/list", "/v2/a/../b/manifests/v1", "/v2//x/blobs/sha256:a",
                                "/v2/a//b/manifests/v1", "/v2/a/b/-x/tags/list"}) {
    INFO(path);
    auto r = ParseRoute(path);
    CHECK(r.status().code() == Code::kInvalidArgument);
  }
  std::string long_name(300, 'a');
  auto r = ParseRoute("/v2/" + long_name + "/tags/list");
  CHECK(r.status().message() == "repository name is 300 characters, over the limit of 255");
  for (std::string_view path : {"/", "/v1/x", "/v2/app/unknown/x", "/v2/app"}) {
    INFO(path);
    CHECK(ParseRoute(path).status().code() == Code::kNotFound);
  }
}

}  // namespace ec::oci::server
