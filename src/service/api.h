// The export service's HTTP API (/v1/…), health, metrics, the OpenAPI document and the web
// console, served by `export-center serve` next to the registry API on the same port
// (RegistryServer's other_routes). Every /v1 route needs a bearer token (RunStore tokens,
// stored hashed) with the route's scope; every object is the token's tenant's, and another
// tenant's is answered 404, exactly as a missing one. Mutations are audit-logged.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "oci/store/store.h"
#include "service/metrics.h"
#include "service/run_store.h"

namespace httplib {
struct Request;
struct Response;
class ContentReader;
}  // namespace httplib

namespace ec::service {

inline constexpr std::size_t kMaxRequestBodyBytes = 1 << 20;
inline constexpr int kSseHeartbeatSeconds = 15;

struct ApiOptions {
  // Whether the service can take work (the database answers; workers run).
  std::function<bool(std::string* reason)> ready;
  // A run was queued: wake the workers.
  std::function<void()> run_queued;
};

// One route: its method, template ("/v1/runs/{id}") and the scope it needs ("" = none).
struct RouteInfo {
  std::string method;
  std::string path;
  std::string scope;
};

class ServiceApi {
 public:
  ServiceApi(RunStore& runs, std::shared_ptr<oci::store::Store> store, Metrics& metrics, ApiOptions options);
  ~ServiceApi();
  // Answers the request if it is one of the service's routes.
  bool Handle(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader* reader);
  // Every route the service answers (the OpenAPI test checks them against the document).
  static std::vector<RouteInfo> Routes();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ec::service
