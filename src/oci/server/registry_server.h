// RegistryServer: the OCI distribution API (v1.1) over a Store, on cpp-httplib. Pull, push
// (monolithic, single-POST, streamed and chunked uploads), mounts, tag lists and the catalog
// with paging, the referrers API, deletes, and JSON errors with the spec's codes. Access is
// decided by an AccessGate; TLS when a certificate is given.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "oci/server/access_gate.h"
#include "oci/store/store.h"
#include "status.h"

namespace httplib {
class Server;
struct Request;
struct Response;
class ContentReader;
}

namespace ec::oci::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 5000;             // 0: any free port (see RegistryServer::port)
  std::string tls_cert;        // PEM files; both or neither
  std::string tls_key;
  bool read_only = false;      // refuse pushes and deletes with 405 UNSUPPORTED
  int threads = 64;            // worker threads (one per open connection)
  int page_size = 1000;         // tags and catalog entries per page when the client gives no n
  // Called once per request with a JSON line {time, event, remote, method, target, status};
  // null: quiet.
  std::function<void(const std::string&)> log;
  // Routes outside the registry API (/v2/… and /token) served on the same port: called first
  // for every other path; returns whether it answered (false: the registry answers 404).
  // `reader` is null for GET, HEAD and DELETE.
  std::function<bool(const httplib::Request&, httplib::Response&, const httplib::ContentReader* reader)> other_routes;
};

class RegistryServer {
 public:
  RegistryServer(std::shared_ptr<store::Store> store, std::shared_ptr<AccessGate> gate,
                 ServerOptions options);
  ~RegistryServer();

  // Binds the socket; the port is known afterwards.
  Status Bind();
  int port() const { return port_; }
  // Serves until Stop(); returns when the server has stopped.
  Status Run();
  // Bind + Run on a background thread (tests).
  Status Start();
  void Stop();

 private:
  class Handlers;
  std::shared_ptr<store::Store> store_;
  std::shared_ptr<AccessGate> gate_;
  ServerOptions options_;
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<Handlers> handlers_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace ec::oci::server
