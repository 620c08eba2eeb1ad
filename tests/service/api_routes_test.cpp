// The OpenAPI document the service publishes lists exactly the routes it serves.
#include <algorithm>

#include "json/parse.h"
#include "service/api.h"
#include "service/openapi.h"
#include "support/test_support.h"

namespace ec::service {
namespace {

TEST_CASE("the OpenAPI document lists exactly the routes the service answers", "[service]") {
  std::vector<std::pair<std::string, std::string>> served;
  for (const RouteInfo& r : ServiceApi::Routes()) served.emplace_back(r.method, r.path);
  std::vector<std::pair<std::string, std::string>> documented = OpenApiOperations();
  std::sort(served.begin(), served.end());
  std::sort(documented.begin(), documented.end());
  REQUIRE_FALSE(documented.empty());
  for (const auto& [m, p] : served) {
    INFO(m << " " << p);
    CHECK(std::find(documented.begin(), documented.end(), std::make_pair(m, p)) != documented.end());
  }
  for (const auto& [m, p] : documented) {
    INFO(m << " " << p);
    CHECK(std::find(served.begin(), served.end(), std::make_pair(m, p)) != served.end());
  }
}

TEST_CASE("the document states the scope each route checks", "[service]") {
  auto doc = json::Parse(OpenApiDocument(), "openapi");
  REQUIRE_OK(doc);
  for (const RouteInfo& r : ServiceApi::Routes()) {
    INFO(r.method << " " << r.path);
    std::string method = r.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const json::Json& op = (*doc)["paths"][r.path][method];
    if (r.scope.empty() || r.scope == "*") {
      CHECK_FALSE(op.contains("x-required-scope"));
    } else {
      CHECK(op.value("x-required-scope", std::string()) == r.scope);
    }
  }
}

TEST_CASE("every /v1 route needs a scope; the open ones are health, metrics, the document and the console", "[service]") {
  for (const RouteInfo& r : ServiceApi::Routes()) {
    INFO(r.method << " " << r.path);
    if (r.path.starts_with("/v1/")) {
      CHECK_FALSE(r.scope.empty());
    } else {
      CHECK(r.scope.empty());
    }
  }
}

}  // namespace
}  // namespace ec::service
