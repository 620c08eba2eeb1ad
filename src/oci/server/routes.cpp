#include "oci/server/routes.h"

#include "oci/reference.h"

namespace ec::oci::server {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Result<Route> Named(RouteKind kind, std::string_view name, std::string_view reference) {
  if (name.size() > kMaxRepositoryName) {
    return InvalidArgument(StrCat("repository name is ", name.size(), " characters, over the limit of ",
                                  kMaxRepositoryName));
  }
  EC_RETURN_IF_ERROR(ValidateRepository(name));
  return Route{kind, std::string(name), std::string(reference)};
}

}  // namespace

Result<Route> ParseRoute(std::string_view path) {
  if (path == "/v2" || path == "/v2/") return Route{RouteKind::kPing, "", ""};
  if (path == "/v2/_catalog") return Route{RouteKind::kCatalog, "", ""};
  constexpr std::string_view kPrefix = "/v2/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return NotFound(StrCat("no such endpoint: ", path));
  std::string_view rest = path.substr(kPrefix.size());

  if (EndsWith(rest, "/tags/list")) {
    return Named(RouteKind::kTags, rest.substr(0, rest.size() - 10), "");
  }
  if (EndsWith(rest, "/blobs/uploads/") || EndsWith(rest, "/blobs/uploads")) {
    std::size_t cut = rest.rfind("/blobs/uploads");
    return Named(RouteKind::kUploadStart, rest.substr(0, cut), "");
  }
  // The remaining routes end in /<kind>/<last>: find the last two separators.
  std::size_t last_slash = rest.rfind('/');
  if (last_slash == std::string_view::npos || last_slash == 0) {
    return NotFound(StrCat("no such endpoint: ", path));
  }
  std::string_view last = rest.substr(last_slash + 1);
  std::string_view head = rest.substr(0, last_slash);
  if (EndsWith(head, "/blobs/uploads")) {
    return Named(RouteKind::kUpload, head.substr(0, head.size() - 14), last);
  }
  std::size_t kind_slash = head.rfind('/');
  if (kind_slash == std::string_view::npos || last.empty()) {
    return NotFound(StrCat("no such endpoint: ", path));
  }
  std::string_view kind = head.substr(kind_slash + 1);
  std::string_view name = head.substr(0, kind_slash);
  if (kind == "manifests") return Named(RouteKind::kManifest, name, last);
  if (kind == "blobs") return Named(RouteKind::kBlob, name, last);
  if (kind == "referrers") return Named(RouteKind::kReferrers, name, last);
  return NotFound(StrCat("no such endpoint: ", path));
}

}  // namespace ec::oci::server
