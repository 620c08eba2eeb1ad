#include "oci/remote/http_client.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace ec::oci::remote {
namespace {

// libcurl's global state is set up once, before any thread uses it.
struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};

void EnsureCurl() { static CurlGlobal global; }

using SList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

struct Transfer {
  const HttpRequest* request;
  HttpResponse* response;
  CURL* easy;
  Status abort_status;           // why a callback stopped the transfer
  std::int64_t uploaded = 0;
  bool headers_reported = false;
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response->headers.clear();  // a new response (after 100 Continue)
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name = Lower(std::string(line.substr(0, colon)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    t->response->headers.emplace(std::move(name), std::string(value));
  }
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view chunk(data, size * n);
  long status = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  if (t->request->sink && status >= 200 && status < 300) {
    if (!t->headers_reported && t->request->on_headers) {
      t->headers_reported = true;
      t->response->status = status;
      Status h = t->request->on_headers(*t->response);
      if (!h.ok()) {
        t->abort_status = h;
        return CURL_WRITEFUNC_ERROR;
      }
    }
    Status s = t->request->sink(chunk);
    if (!s.ok()) {
      t->abort_status = s;
      return CURL_WRITEFUNC_ERROR;
    }
    return chunk.size();
  }
  std::string& body = t->response->body;
  std::size_t room = t->request->max_body > body.size() ? t->request->max_body - body.size() : 0;
  if (chunk.size() > room) t->response->body_truncated = true;
  body.append(chunk.substr(0, std::min(room, chunk.size())));
  return chunk.size();
}

size_t OnRead(char* buffer, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  auto r = t->request->body_reader->Read(std::span<char>(buffer, size * n));
  if (!r.ok()) {
    t->abort_status = r.status();
    return CURL_READFUNC_ABORT;
  }
  t->uploaded += static_cast<std::int64_t>(*r);
  return *r;
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  auto it = headers.find(Lower(std::string(name)));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)) { EnsureCurl(); }

HttpClient::~HttpClient() = default;

HttpClient::Easy HttpClient::Take() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      Easy e = std::move(idle_.back());
      idle_.pop_back();
      curl_easy_reset(e.get());
      return e;
    }
  }
  return Easy(curl_easy_init(), &curl_easy_cleanup);
}

void HttpClient::Give(Easy easy) {
  std::lock_guard lock(mu_);
  if (idle_.size() < 16) idle_.push_back(std::move(easy));
}

Result<HttpResponse> HttpClient::Do(const HttpRequest& request) {
  Easy easy = Take();
  if (!easy) return Internal("curl_easy_init failed");
  CURL* h = easy.get();
  HttpResponse response;
  Transfer t{&request, &response, h, OkStatus()};
  char error[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_seconds);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_seconds);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  // Larger buffers than libcurl's 16/64 KiB defaults: fewer callbacks per blob.
  curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 512L * 1024);
  curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 2L * 1024 * 1024);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "export-center/0.1");
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (options_.insecure) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  std::vector<std::string> headers = request.headers;
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.body_reader != nullptr) {
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_READFUNCTION, OnRead);
      curl_easy_setopt(h, CURLOPT_READDATA, &t);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body_length));
      headers.push_back("Expect:");  // no 100-continue round trip
    } else {
      const std::string& body = request.body ? *request.body : std::string();
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body.c_str());
      // COPYPOSTFIELDS turns the request into a POST; keep the method asked for.
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      if (!request.body) headers.push_back("Content-Type:");
    }
  }
  curl_slist* list = nullptr;
  for (const auto& hd : headers) list = curl_slist_append(list, hd.c_str());
  SList owned(list, &curl_slist_free_all);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);

  CURLcode rc = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  Give(std::move(easy));
  if (!t.abort_status.ok()) return t.abort_status;
  if (rc != CURLE_OK) {
    std::string detail = error[0] != '\0' ? std::string(error) : curl_easy_strerror(rc);
    return Unavailable(StrCat(request.method, " ", request.url, ": ", detail));
  }
  return response;
}

}  // namespace ec::oci::remote
