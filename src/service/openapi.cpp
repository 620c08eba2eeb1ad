#include "service/openapi.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <tuple>

#include "json/parse.h"

namespace ec::service {
namespace embedded {
extern const std::string_view kOpenApiJson;
}  // namespace embedded

namespace {

// The document is src/service/openapi.json, compiled in (embed.cmake); tests/service checks it
// parses, is OpenAPI 3.0.3 and matches the server's routes and scopes.
const std::string_view& kDocument = embedded::kOpenApiJson;

// The fields of an OpenAPI 3.0.3 Path Item Object that are operations.
constexpr std::array<std::string_view, 8> kMethods = {"get", "put", "post", "delete",
                                                     "options", "head", "patch", "trace"};

}  // namespace

std::string_view OpenApiDocument() { return kDocument; }

std::vector<std::pair<std::string, std::string>> OpenApiOperations() {
  std::vector<std::pair<std::string, std::string>> operations;
  auto doc = json::Parse(kDocument, "OpenAPI document");
  if (!doc.ok() || !doc->is_object()) return operations;
  auto paths = doc->find("paths");
  if (paths == doc->end() || !paths->is_object()) return operations;
  for (const auto& [path, item] : paths->items()) {
    if (!item.is_object()) continue;
    for (std::string_view method : kMethods) {
      if (!item.contains(std::string(method))) continue;
      std::string upper(method);
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      operations.emplace_back(std::move(upper), path);
    }
  }
  std::sort(operations.begin(), operations.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second, a.first) < std::tie(b.second, b.first);
  });
  return operations;
}

}  // namespace ec::service
