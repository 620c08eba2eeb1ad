// HttpClient: one HTTP exchange over libcurl, exception-free. Request bodies are bytes in
// memory or a Reader streamed with a known length; response bodies go to a sink (downloads)
// or are kept in memory up to a named limit (errors, manifests). Redirects are not followed
// here: the registry layer follows them so it can drop credentials when the host changes.
// Thread-safe: each call takes a pooled curl handle (connections are reused per handle).
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "oci/io.h"
#include "status.h"

namespace ec::oci::remote {

struct HttpOptions {
  std::string ca_file;        // extra trust anchors (PEM)
  bool insecure = false;      // skip TLS verification
  long connect_timeout_seconds = 30;
  long stall_timeout_seconds = 60;  // abort when slower than 1 KiB/s for this long
};

struct HttpResponse;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;      // "Name: value"
  std::optional<std::string> body;       // in-memory body
  Reader* body_reader = nullptr;         // or a streamed body of body_length bytes
  std::int64_t body_length = 0;
  std::size_t max_body = 64 << 10;       // kept in memory when there is no sink
  // Receives the body of a 2xx response; returning an error aborts the transfer.
  std::function<Status(std::string_view)> sink;
  // Called once with the status and headers before the sink sees a 2xx body.
  std::function<Status(const HttpResponse&)> on_headers;
};

struct HttpResponse {
  long status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool body_truncated = false;
  std::optional<std::string> Header(std::string_view name) const;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One attempt. Transport failures (connect, reset, timeout) are kUnavailable naming the URL;
  // an abort by the sink or the body reader returns that status.
  Result<HttpResponse> Do(const HttpRequest& request);

 private:
  using Easy = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
  Easy Take();
  void Give(Easy easy);

  HttpOptions options_;
  std::mutex mu_;
  std::vector<Easy> idle_;  // guarded by mu_
};

}  // namespace ec::oci::remote
