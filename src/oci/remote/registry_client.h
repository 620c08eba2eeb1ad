// RegistryClient: talks to one registry host over the distribution API. It adds credentials
// (basic, or bearer tokens from the realm a 401 challenge names, cached per scope set, with a
// repository's scope added when it is first touched), retries what can be retried (429, 5xx,
// transport errors; jittered exponential backoff honouring Retry-After), follows redirects
// without carrying Authorization to another origin, and caps concurrent requests per host.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <set>
#include <string>

#include "oci/remote/blob_locations.h"
#include "oci/remote/credentials.h"
#include "oci/remote/http_client.h"
#include "status.h"

namespace ec::oci::remote {

struct RegistryOptions {
  bool plain_http = false;          // http:// instead of https://
  HttpOptions http;
  int max_attempts = 5;             // per request, for retryable failures
  std::chrono::milliseconds base_backoff{200};
  std::chrono::milliseconds max_backoff{10000};
  std::shared_ptr<CredentialStore> credentials;  // null: anonymous
  std::shared_ptr<BlobLocations> locations;      // null: no cross-repository mount hints
};

inline constexpr int kMaxConnectionsPerHost = 8;

class RegistryClient {
 public:
  RegistryClient(std::string host, RegistryOptions options);

  const std::string& host() const { return host_; }
  // "https://host" or "http://host".
  std::string BaseUrl() const;
  // Sends `request` (a URL starting with "/" is relative to BaseUrl) on behalf of
  // `repository` with `actions` ("pull" or "pull,push"). Requests with a streamed body or a
  // sink are attempted once (the caller resumes them); others are retried. Any response with
  // a status is returned, error statuses included; transport failures are kUnavailable.
  Result<HttpResponse> Send(HttpRequest request, std::string_view repository,
                            std::string_view actions);

  // Sleeps before retry `attempt` (0-based): jittered exponential backoff, or the response's
  // Retry-After (capped) when it has one.
  void Backoff(int attempt, const HttpResponse* response);
  int max_attempts() const { return options_.max_attempts; }
  BlobLocations* locations() const { return options_.locations.get(); }

  // The upload ladder's rung this registry accepted last: 0 monolithic PUT, 1 one streamed
  // PATCH, 2 chunked PATCH. Moves up when a registry refuses a rung.
  int upload_rung() const { return upload_rung_.load(); }
  void RaiseUploadRung(int rung) {
    int cur = upload_rung_.load();
    while (cur < rung && !upload_rung_.compare_exchange_weak(cur, rung)) {
    }
  }
  // Chunk size for chunked uploads (at least the registry's OCI-Chunk-Min-Length).
  std::int64_t chunk_size() const { return chunk_size_.load(); }
  void SetChunkSize(std::int64_t bytes) { chunk_size_.store(bytes); }

 private:
  Result<HttpResponse> SendOnce(HttpRequest& request, const std::string& scope_key);
  Status Authenticate(const HttpResponse& challenge_response, const std::string& scope);
  std::string AuthorizationFor(const std::string& scope);

  std::string host_;
  RegistryOptions options_;
  HttpClient http_;
  std::counting_semaphore<kMaxConnectionsPerHost> slots_{kMaxConnectionsPerHost};
  std::mutex mu_;  // guards the auth state below
  std::string scheme_;                             // "", "basic" or "bearer"
  std::set<std::string> scopes_;                   // every scope asked for so far
  std::map<std::string, std::string> tokens_;      // scope -> bearer token
  std::string basic_;                              // "Basic base64(user:pass)"
  std::atomic<int> upload_rung_{0};
  std::atomic<std::int64_t> chunk_size_{8 << 20};
};

}  // namespace ec::oci::remote
