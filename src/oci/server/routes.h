// Parses a distribution-API request path (/v2/<name>/manifests/<ref>, /v2/<name>/blobs/...,
// /v2/<name>/tags/list, /v2/<name>/referrers/<digest>, /v2/_catalog, /v2/) into a Route.
// Repository names contain '/', so the route is found from the right: the last segments say
// what is asked for, everything between /v2/ and them is the name. The name is validated
// here, before anything else sees it.
#pragma once

#include <string>
#include <string_view>

#include "status.h"

namespace ec::oci::server {

enum class RouteKind {
  kPing,          // /v2/
  kCatalog,       // /v2/_catalog
  kManifest,      // /v2/<name>/manifests/<reference>
  kBlob,          // /v2/<name>/blobs/<digest>
  kUploadStart,   // /v2/<name>/blobs/uploads/
  kUpload,        // /v2/<name>/blobs/uploads/<id>
  kTags,          // /v2/<name>/tags/list
  kReferrers,     // /v2/<name>/referrers/<digest>
};

struct Route {
  RouteKind kind = RouteKind::kPing;
  std::string name;       // repository, validated
  std::string reference;  // manifest tag or digest, blob or subject digest, or upload id
};

// kNotFound for paths outside the API; kInvalidArgument (NAME_INVALID) for a bad name.
Result<Route> ParseRoute(std::string_view path);

// Longest repository name accepted (the distribution spec's limit is 255 for host + name).
inline constexpr std::size_t kMaxRepositoryName = 255;

}  // namespace ec::oci::server
