#include "oci/remote/registry_client.h"

#include <openssl/evp.h>

#include <random>
#include <thread>

#include "json/parse.h"
#include "oci/remote/http_headers.h"
#include "oci/remote/registry_errors.h"

namespace ec::oci::remote {
namespace {

constexpr int kMaxRedirects = 5;
constexpr std::size_t kMaxTokenBodyBytes = 64 << 10;
constexpr long kMaxRetryAfterSeconds = 60;

std::string Base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

bool Retryable(long status) { return status == 429 || status == 502 || status == 503 || status == 504 || status == 500; }

}  // namespace

RegistryClient::RegistryClient(std::string host, RegistryOptions options)
    : host_(std::move(host)), options_(std::move(options)), http_(options_.http) {}

std::string RegistryClient::BaseUrl() const {
  // Docker Hub's API lives on registry-1.docker.io.
  std::string host = host_ == "docker.io" ? "registry-1.docker.io" : host_;
  return StrCat(options_.plain_http ? "http://" : "https://", host);
}

std::string RegistryClient::AuthorizationFor(const std::string& scope) {
  std::lock_guard lock(mu_);
  if (scheme_ == "basic" && !basic_.empty()) return "Authorization: " + basic_;
  if (scheme_ == "bearer") {
    auto it = tokens_.find(scope);
    if (it != tokens_.end()) return "Authorization: Bearer " + it->second;
  }
  return "";
}

Status RegistryClient::Authenticate(const HttpResponse& challenge_response, const std::string& scope) {
  auto header = challenge_response.Header("www-authenticate");
  if (!header) {
    return Status(Code::kUnauthenticated, StrCat(host_, ": HTTP 401 without a WWW-Authenticate challenge"));
  }
  EC_ASSIGN_OR_RETURN(std::vector<AuthChallenge> challenges, ParseWwwAuthenticate(*header));
  Credential cred;
  if (options_.credentials) {
    EC_ASSIGN_OR_RETURN(cred, options_.credentials->Lookup(host_));
  }
  for (const auto& c : challenges) {
    if (c.scheme == "basic") {
      if (cred.empty()) {
        return Status(Code::kUnauthenticated,
                      StrCat(host_, " asks for a username and password; give --username with "
                                    "--password-stdin, or log in (config.json)"));
      }
      std::lock_guard lock(mu_);
      scheme_ = "basic";
      basic_ = "Basic " + Base64(cred.username + ":" + cred.password);
      return OkStatus();
    }
    if (c.scheme != "bearer") continue;
    auto realm = c.params.find("realm");
    if (realm == c.params.end()) {
      return Status(Code::kUnauthenticated, StrCat(host_, ": bearer challenge without a realm"));
    }
    std::string url = realm->second;
    std::string sep = url.find('?') == std::string::npos ? "?" : "&";
    if (auto service = c.params.find("service"); service != c.params.end()) {
      url += sep + "service=" + UrlEncode(service->second);
      sep = "&";
    }
    std::set<std::string> scopes;
    {
      std::lock_guard lock(mu_);
      scopes_.insert(scope);
      scopes = scopes_;
    }
    for (const auto& s : scopes) {
      url += sep + "scope=" + UrlEncode(s);
      sep = "&";
    }
    HttpRequest token_request;
    token_request.url = url;
    token_request.max_body = kMaxTokenBodyBytes;
    if (!cred.empty()) {
      if (cred.identity_token) {
        // An identity token is exchanged with a POST (OAuth2 refresh token grant).
        token_request.method = "POST";
        token_request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
        std::string form = "grant_type=refresh_token&refresh_token=" + UrlEncode(cred.password) +
                           "&client_id=export-center";
        if (auto service = c.params.find("service"); service != c.params.end()) {
          form += "&service=" + UrlEncode(service->second);
        }
        for (const auto& s : scopes) form += "&scope=" + UrlEncode(s);
        token_request.body = form;
        token_request.url = realm->second;
      } else {
        token_request.headers.push_back("Authorization: Basic " + Base64(cred.username + ":" + cred.password));
      }
    }
    auto response = http_.Do(token_request);
    if (!response.ok()) return response.status().WithPrefix("get a registry token");
    if (response->status != 200) {
      return StatusFromResponse(StrCat("get a token from ", realm->second), *response);
    }
    EC_ASSIGN_OR_RETURN(json::Json doc, json::Parse(response->body, StrCat("token from ", realm->second)));
    std::string token;
    for (const char* key : {"token", "access_token"}) {
      if (doc.is_object() && doc.contains(key) && doc[key].is_string()) {
        token = doc[key].get<std::string>();
        break;
      }
    }
    if (token.empty()) {
      return Status(Code::kUnauthenticated, StrCat("token from ", realm->second, " has no token field"));
    }
    std::lock_guard lock(mu_);
    scheme_ = "bearer";
    for (const auto& s : scopes) tokens_[s] = token;
    return OkStatus();
  }
  return Status(Code::kUnauthenticated, StrCat(host_, ": unsupported authentication challenge \"", *header, "\""));
}

void RegistryClient::Backoff(int attempt, const HttpResponse* response) {
  using namespace std::chrono;
  milliseconds wait = options_.base_backoff * (1 << std::min(attempt, 10));
  thread_local std::mt19937 rng{std::random_device{}()};
  wait = milliseconds(static_cast<long>(static_cast<double>(wait.count()) *
                                        std::uniform_real_distribution<double>(0.5, 1.5)(rng)));
  wait = std::min(wait, options_.max_backoff);
  if (response != nullptr) {
    if (auto ra = response->Header("retry-after")) {
      long now = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
      if (auto secs = ParseRetryAfter(*ra, now)) {
        wait = milliseconds(std::min(*secs, kMaxRetryAfterSeconds) * 1000);
      }
    }
  }
  std::this_thread::sleep_for(wait);
}

Result<HttpResponse> RegistryClient::SendOnce(HttpRequest& request, const std::string& scope) {
  std::string origin = UrlOrigin(request.url);
  std::string auth = AuthorizationFor(scope);
  HttpRequest current = request;
  if (!auth.empty()) current.headers.push_back(auth);
  for (int hop = 0;; ++hop) {
    slots_.acquire();
    auto response = http_.Do(current);
    slots_.release();
    if (!response.ok()) return response;
    long s = response->status;
    bool redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
    if (!redirect) return response;
    auto location = response->Header("location");
    if (!location || hop >= kMaxRedirects) return response;
    std::string next = ResolveUrl(current.url, *location);
    current = request;
    current.url = next;
    if (s == 303) {
      current.method = "GET";
      current.body.reset();
    }
    // Credentials stay with the registry's own origin (e.g. not sent to blob storage).
    if (!auth.empty() && UrlOrigin(next) == origin) current.headers.push_back(auth);
  }
}

Result<HttpResponse> RegistryClient::Send(HttpRequest request, std::string_view repository,
                                          std::string_view actions) {
  if (!request.url.empty() && request.url[0] == '/') request.url = BaseUrl() + request.url;
  std::string scope = StrCat("repository:", repository, ":", actions);
  bool replayable = request.body_reader == nullptr && !request.sink;
  bool authenticated_once = false;
  for (int attempt = 0;; ++attempt) {
    auto response = SendOnce(request, scope);
    bool last = !replayable || attempt + 1 >= options_.max_attempts;
    if (!response.ok()) {
      if (response.status().code() != Code::kUnavailable || last) return response;
      Backoff(attempt, nullptr);
      continue;
    }
    if (response->status == 401 && !authenticated_once) {
      authenticated_once = true;
      EC_RETURN_IF_ERROR(Authenticate(*response, scope));
      if (request.body_reader != nullptr) return response;  // the caller must re-send the body
      --attempt;
      continue;
    }
    if (Retryable(response->status) && !last) {
      Backoff(attempt, &*response);
      continue;
    }
    return response;
  }
}

}  // namespace ec::oci::remote
