#include "oci/server/registry_server.h"

#include <fcntl.h>
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <limits>
#include <nlohmann/json.hpp>

#include "oci/limits.h"
#include "oci/media_types.h"
#include "oci/reference.h"
#include "oci/server/file_response.h"
#include "oci/time_format.h"
#include "oci/server/routes.h"

namespace ec::oci::server {
namespace {

using httplib::ContentReader;
using httplib::Request;
using httplib::Response;

constexpr std::string_view kApiVersionHeader = "Docker-Distribution-API-Version";
// Bodies of refused chunks smaller than this are read and dropped, so the connection stays
// usable; larger ones are left unread and the connection ends.
constexpr std::size_t kDrainLimit = 16u << 20;
// Largest page a client may ask for with `n`.
constexpr int kMaxPageSize = 10000;

void SendError(Response& res, const ApiError& error) {
  res.status = error.http_status;
  res.set_content(error.Body(), "application/json");
}

void SendError(Response& res, int status, std::string_view code, std::string_view message) {
  SendError(res, MakeError(status, code, message));
}

bool IsDigestReference(std::string_view reference) {
  return reference.find(':') != std::string_view::npos;
}

std::int64_t ParseCount(const std::string& text, std::int64_t fallback) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return fallback;
  return value;
}

// "0-<last byte>" as upload responses report progress; "0-0" before the first byte, as
// distribution does.
std::string RangeHeader(std::int64_t size) { return StrCat("0-", size > 0 ? size - 1 : 0); }

void Drain(const ContentReader* reader, const Request& req) {
  if (reader == nullptr) return;
  std::int64_t length = ParseCount(req.get_header_value("Content-Length"), -1);
  if (length < 0 || static_cast<std::size_t>(length) > kDrainLimit) return;
  (*reader)([](const char*, std::size_t) { return true; });
}

std::string Json(const nlohmann::json& j) { return j.dump(); }

std::string UploadLocation(std::string_view name, std::string_view id) {
  return StrCat("/v2/", name, "/blobs/uploads/", id);
}

// httplib 0.11 listens with a backlog of 5: 64 clients connecting at once see dropped SYNs
// and second-long retries. Linux lets a second listen() on the bound socket enlarge it.
template <class Base>
class WideBacklog final : public Base {
 public:
  using Base::Base;
  void EnlargeBacklog() { ::listen(this->svr_sock_, SOMAXCONN); }
};

}  // namespace

class RegistryServer::Handlers {
 public:
  Handlers(std::shared_ptr<store::Store> store, std::shared_ptr<AccessGate> gate,
           const ServerOptions& options, bool tls)
      : store_(std::move(store)), gate_(std::move(gate)), options_(options), tls_(tls) {}

  void Dispatch(const Request& req, Response& res, const ContentReader* reader);

 private:
  AuthContext ContextOf(const Request& req) const {
    return AuthContext{req.get_header_value("Authorization"),
                       StrCat(tls_ ? "https://" : "http://", req.get_header_value("Host"))};
  }
  void Token(const Request& req, Response& res);
  void Catalog(const Request& req, Response& res, const std::string& user);
  void GetManifest(const Route& route, const Request& req, Response& res);
  void PutManifest(const Route& route, const Request& req, Response& res, const ContentReader* reader);
  void DeleteManifest(const Route& route, Response& res);
  void GetBlob(const Route& route, const Request& req, Response& res);
  void DeleteBlob(const Route& route, Response& res);
  void StartUpload(const Route& route, const Request& req, Response& res, const ContentReader* reader,
                   const std::string& user);
  void Upload(const Route& route, const Request& req, Response& res, const ContentReader* reader);
  void Tags(const Route& route, const Request& req, Response& res);
  void Referrers(const Route& route, const Request& req, Response& res);

  // Appends the request body to `upload`, honouring Content-Range; false when it sent an error.
  bool AppendBody(store::Upload& upload, const Route& route, const Request& req, Response& res,
                  const ContentReader* reader);
  // Completes an upload with the request's ?digest=; sends 201 or the error.
  void Complete(store::Upload& upload, const Route& route, const Request& req, Response& res);
  void SendUploadProgress(Response& res, int status, const Route& route, const store::Upload& upload);

  std::shared_ptr<store::Store> store_;
  std::shared_ptr<AccessGate> gate_;
  ServerOptions options_;
  bool tls_;
};

void RegistryServer::Handlers::Dispatch(const Request& req, Response& res, const ContentReader* reader) {
  if (options_.other_routes && req.path != "/token" && req.path != "/v2" && !req.path.starts_with("/v2/") &&
      options_.other_routes(req, res, reader)) {
    return;
  }
  res.set_header(std::string(kApiVersionHeader), "registry/2.0");
  const std::string& method = req.method;
  const bool reads = method == "GET" || method == "HEAD";

  if (req.path == "/token") {
    if (!reads) return SendError(res, 405, "UNSUPPORTED", "the token endpoint answers GET");
    return Token(req, res);
  }
  auto route = ParseRoute(req.path);
  if (!route.ok()) {
    Drain(reader, req);
    if (route.status().code() == Code::kInvalidArgument) {
      return SendError(res, 400, "NAME_INVALID", route.status().message());
    }
    return SendError(res, 404, "UNSUPPORTED", route.status().message());
  }

  // What the request needs, for the gate.
  std::vector<AccessNeed> needs;
  switch (route->kind) {
    case RouteKind::kPing:
      break;
    case RouteKind::kCatalog:
      needs.push_back({"", "*"});
      break;
    default:
      needs.push_back({route->name, reads ? "pull" : method == "DELETE" && route->kind != RouteKind::kUpload
                                                         ? "delete"
                                                         : "push"});
  }
  AccessDecision decision = gate_->Check(ContextOf(req), needs);
  if (!decision.allowed) {
    Drain(reader, req);
    if (!decision.challenge.empty()) res.set_header("WWW-Authenticate", decision.challenge);
    return SendError(res, decision.error);
  }
  if (!reads && options_.read_only) {
    Drain(reader, req);
    return SendError(res, 405, "UNSUPPORTED", "this registry is read-only");
  }

  switch (route->kind) {
    case RouteKind::kPing:
      if (!reads) return SendError(res, 405, "UNSUPPORTED", StrCat(method, " /v2/"));
      res.set_content("{}", "application/json");
      return;
    case RouteKind::kCatalog:
      if (!reads) return SendError(res, 405, "UNSUPPORTED", StrCat(method, " /v2/_catalog"));
      return Catalog(req, res, decision.user);
    case RouteKind::kManifest:
      if (reads) return GetManifest(*route, req, res);
      if (method == "PUT") return PutManifest(*route, req, res, reader);
      if (method == "DELETE") return DeleteManifest(*route, res);
      break;
    case RouteKind::kBlob:
      if (reads) return GetBlob(*route, req, res);
      if (method == "DELETE") return DeleteBlob(*route, res);
      break;
    case RouteKind::kUploadStart:
      if (method == "POST") return StartUpload(*route, req, res, reader, decision.user);
      break;
    case RouteKind::kUpload:
      if (method == "GET" || method == "PATCH" || method == "PUT" || method == "DELETE") {
        return Upload(*route, req, res, reader);
      }
      break;
    case RouteKind::kTags:
      if (reads) return Tags(*route, req, res);
      break;
    case RouteKind::kReferrers:
      if (reads) return Referrers(*route, req, res);
      break;
  }
  Drain(reader, req);
  SendError(res, 405, "UNSUPPORTED", StrCat(method, " is not supported on ", req.path));
}

void RegistryServer::Handlers::Token(const Request& req, Response& res) {
  std::vector<std::string> scopes;
  for (std::size_t i = 0; i < req.get_param_value_count("scope"); ++i) {
    scopes.push_back(req.get_param_value("scope", i));
  }
  auto reply = gate_->IssueToken(ContextOf(req), req.get_param_value("service"), scopes);
  if (!reply) return SendError(res, 404, "UNSUPPORTED", "this registry does not issue tokens");
  res.status = reply->http_status;
  if (!reply->challenge.empty()) res.set_header("WWW-Authenticate", reply->challenge);
  res.set_content(reply->body, "application/json");
}

// Sends one page of `items` under `key`, with a Link to the next page when there is one.
static void SendPage(Response& res, const std::string& path_prefix, nlohmann::json head,
                     const std::string& key, std::vector<std::string> items, int n) {
  bool more = n > 0 && static_cast<int>(items.size()) > n;
  if (more) items.resize(static_cast<std::size_t>(n));
  head[key] = items;
  if (more) {
    res.set_header("Link", StrCat("<", path_prefix, "?n=", n, "&last=",
                                  httplib::detail::encode_query_param(items.back()), ">; rel=\"next\""));
  }
  res.set_content(Json(head), "application/json");
}

static int PageSize(const Request& req, int default_size) {
  if (!req.has_param("n")) return default_size;
  return static_cast<int>(std::min<std::int64_t>(ParseCount(req.get_param_value("n"), default_size),
                                                 kMaxPageSize));
}

void RegistryServer::Handlers::Catalog(const Request& req, Response& res, const std::string& user) {
  const int n = PageSize(req, options_.page_size);
  std::string last = req.get_param_value("last");
  std::vector<std::string> page;
  // Repositories the caller cannot pull are skipped: read until the page is full.
  while (n > 0 && static_cast<int>(page.size()) <= n) {
    auto batch = store_->Catalog(last, n + 1);
    if (!batch.ok()) return SendError(res, ErrorFromStatus(batch.status(), "NAME_UNKNOWN"));
    if (batch->empty()) break;
    for (std::string& repo : *batch) {
      last = repo;
      if (gate_->CanPull(user, repo)) page.push_back(std::move(repo));
    }
    if (static_cast<int>(batch->size()) < n + 1) break;
  }
  SendPage(res, "/v2/_catalog", nlohmann::json::object(), "repositories", std::move(page), n);
}

void RegistryServer::Handlers::Tags(const Route& route, const Request& req, Response& res) {
  const int n = PageSize(req, options_.page_size);
  auto tags = store_->ListTags(route.name, req.get_param_value("last"), n == 0 ? 0 : n + 1);
  if (!tags.ok()) return SendError(res, ErrorFromStatus(tags.status(), "NAME_UNKNOWN"));
  SendPage(res, StrCat("/v2/", route.name, "/tags/list"), {{"name", route.name}}, "tags",
           std::move(*tags), n);
}

void RegistryServer::Handlers::Referrers(const Route& route, const Request& req, Response& res) {
  auto subject = Digest::Parse(route.reference);
  if (!subject.ok()) return SendError(res, 400, "DIGEST_INVALID", subject.status().message());
  const std::string artifact_type = req.get_param_value("artifactType");
  auto referrers = store_->Referrers(route.name, *subject, artifact_type);
  if (!referrers.ok()) return SendError(res, ErrorFromStatus(referrers.status(), "NAME_UNKNOWN"));
  nlohmann::json manifests = nlohmann::json::array();
  for (const Descriptor& d : *referrers) manifests.push_back(d.ToJson());
  nlohmann::json index = {{"schemaVersion", 2},
                          {"mediaType", std::string(kOciIndex)},
                          {"manifests", manifests}};
  if (!artifact_type.empty()) res.set_header("OCI-Filters-Applied", "artifactType");
  res.set_content(Json(index), std::string(kOciIndex));
}

void RegistryServer::Handlers::GetManifest(const Route& route, const Request& req, Response& res) {
  (void)req;
  auto record = store_->ResolveManifest(route.name, route.reference);
  if (!record.ok()) {
    if (record.status().code() == Code::kInvalidArgument) {
      return SendError(res, 400, IsDigestReference(route.reference) ? "DIGEST_INVALID" : "TAG_INVALID",
                       record.status().message());
    }
    return SendError(res, ErrorFromStatus(record.status(), "MANIFEST_UNKNOWN"));
  }
  auto bytes = store_->ReadManifest(*record);
  if (!bytes.ok()) return SendError(res, ErrorFromStatus(bytes.status(), "MANIFEST_UNKNOWN"));
  const std::string digest = record->descriptor.digest.str();
  res.set_header("Docker-Content-Digest", digest);
  res.set_header("ETag", StrCat("\"", digest, "\""));
  res.set_content(std::move(*bytes), record->descriptor.media_type);
}

void RegistryServer::Handlers::PutManifest(const Route& route, const Request& req, Response& res,
                                           const ContentReader* reader) {
  std::int64_t declared = ParseCount(req.get_header_value("Content-Length"), -1);
  if (declared > static_cast<std::int64_t>(kMaxManifestBytes)) {
    Drain(reader, req);
    return SendError(res, 413, "MANIFEST_INVALID",
                     StrCat("manifest is ", declared, " bytes, over the limit of ", kMaxManifestBytes));
  }
  std::string body;
  bool too_large = false;
  if (reader != nullptr) {
    (*reader)([&](const char* data, std::size_t n) {
      if (body.size() + n > kMaxManifestBytes) {
        too_large = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
  }
  if (too_large) {
    return SendError(res, 413, "MANIFEST_INVALID",
                     StrCat("manifest is over the limit of ", kMaxManifestBytes, " bytes"));
  }
  std::vector<std::string> tags;
  for (std::size_t i = 0; i < req.get_param_value_count("tag"); ++i) {
    tags.push_back(req.get_param_value("tag", i));
  }
  std::string content_type = req.get_header_value("Content-Type");
  if (auto semi = content_type.find(';'); semi != std::string::npos) content_type.resize(semi);
  for (const std::string& tag : tags) {
    if (Status valid = ValidateTag(tag); !valid.ok()) return SendError(res, 400, "TAG_INVALID", valid.message());
  }
  if (!IsDigestReference(route.reference)) {
    if (Status valid = ValidateTag(route.reference); !valid.ok()) {
      return SendError(res, 400, "TAG_INVALID", valid.message());
    }
  } else if (auto d = Digest::Parse(route.reference); !d.ok()) {
    return SendError(res, 400, "DIGEST_INVALID", d.status().message());
  }
  auto record = store_->PutManifest(route.name, route.reference, content_type, body, tags);
  if (!record.ok()) return SendError(res, ErrorFromStatus(record.status(), "MANIFEST_UNKNOWN"));
  const std::string digest = record->descriptor.digest.str();
  res.status = 201;
  res.set_header("Location", StrCat("/v2/", route.name, "/manifests/", digest));
  res.set_header("Docker-Content-Digest", digest);
  if (record->subject) res.set_header("OCI-Subject", record->subject->str());
  for (const std::string& tag : tags) res.set_header("OCI-Tag", tag);
}

void RegistryServer::Handlers::DeleteManifest(const Route& route, Response& res) {
  Status deleted;
  if (IsDigestReference(route.reference)) {
    auto digest = Digest::Parse(route.reference);
    if (!digest.ok()) return SendError(res, 400, "DIGEST_INVALID", digest.status().message());
    deleted = store_->DeleteManifest(route.name, *digest);
  } else {
    deleted = store_->DeleteTag(route.name, route.reference);
  }
  if (!deleted.ok()) return SendError(res, ErrorFromStatus(deleted, "MANIFEST_UNKNOWN"));
  res.status = 202;
}

void RegistryServer::Handlers::GetBlob(const Route& route, const Request& req, Response& res) {
  auto digest = Digest::Parse(route.reference);
  if (!digest.ok()) return SendError(res, 400, "DIGEST_INVALID", digest.status().message());
  auto size = store_->BlobSize(route.name, *digest);
  if (!size.ok()) return SendError(res, ErrorFromStatus(size.status(), "BLOB_UNKNOWN"));
  res.set_header("Docker-Content-Digest", digest->str());
  res.set_header("ETag", StrCat("\"", digest->str(), "\""));
  switch (SendFile(store_->BlobPath(*digest), *size, req, res, "application/octet-stream")) {
    case FileResponse::kSent:
      return;
    case FileResponse::kGone:
      return SendError(res, 404, "BLOB_UNKNOWN", StrCat("blob ", digest->str(), " is gone"));
    case FileResponse::kUnsatisfiable:
      return SendError(res, 416, "BLOB_UNKNOWN",  // the spec names no code for a bad range
                       StrCat("range ", req.get_header_value("Range"), " is outside the blob's ", *size, " bytes"));
  }
}

void RegistryServer::Handlers::DeleteBlob(const Route& route, Response& res) {
  auto digest = Digest::Parse(route.reference);
  if (!digest.ok()) return SendError(res, 400, "DIGEST_INVALID", digest.status().message());
  Status unlinked = store_->UnlinkBlob(route.name, *digest);
  if (!unlinked.ok()) return SendError(res, ErrorFromStatus(unlinked, "BLOB_UNKNOWN"));
  res.status = 202;
}

void RegistryServer::Handlers::SendUploadProgress(Response& res, int status, const Route& route,
                                                  const store::Upload& upload) {
  res.status = status;
  res.set_header("Location", UploadLocation(route.name, upload.id()));
  res.set_header("Range", RangeHeader(upload.size()));
  res.set_header("Docker-Upload-UUID", upload.id());
}

void RegistryServer::Handlers::StartUpload(const Route& route, const Request& req, Response& res,
                                           const ContentReader* reader, const std::string& user) {
  // Cross-repository mount: from `from` when the caller may pull it; without `from`, from any
  // repository the caller may pull that holds the blob.
  if (req.has_param("mount")) {
    auto digest = Digest::Parse(req.get_param_value("mount"));
    if (!digest.ok()) {
      Drain(reader, req);
      return SendError(res, 400, "DIGEST_INVALID", digest.status().message());
    }
    std::vector<std::string> sources;
    if (req.has_param("from")) {
      sources.push_back(req.get_param_value("from"));
    } else if (auto holders = store_->RepositoriesWithBlob(*digest); holders.ok()) {
      sources = *holders;
    }
    for (const std::string& from : sources) {
      if (!gate_->CanPull(user, from)) continue;
      if (!store_->BlobSize(from, *digest).ok()) continue;
      if (!store_->LinkBlob(route.name, *digest).ok()) continue;
      Drain(reader, req);
      res.status = 201;
      res.set_header("Location", StrCat("/v2/", route.name, "/blobs/", digest->str()));
      res.set_header("Docker-Content-Digest", digest->str());
      return;
    }
  }
  auto upload = store_->StartUpload(route.name);
  if (!upload.ok()) {
    Drain(reader, req);
    return SendError(res, ErrorFromStatus(upload.status(), "BLOB_UPLOAD_UNKNOWN"));
  }
  std::lock_guard lock((*upload)->mutex());
  if (req.has_param("digest")) {
    // Single-POST monolithic upload: the body is the blob.
    if (!AppendBody(**upload, route, req, res, reader)) return;
    return Complete(**upload, route, req, res);
  }
  Drain(reader, req);
  SendUploadProgress(res, 202, route, **upload);
}

bool RegistryServer::Handlers::AppendBody(store::Upload& upload, const Route& route, const Request& req,
                                          Response& res, const ContentReader* reader) {
  const std::string range = req.get_header_value("Content-Range");
  std::int64_t length = ParseCount(req.get_header_value("Content-Length"), -1);
  if (!range.empty()) {
    // "<start>-<end>", inclusive; chunks must arrive in order.
    std::size_t dash = range.find('-');
    std::int64_t start = dash == std::string::npos ? -1 : ParseCount(range.substr(0, dash), -1);
    std::int64_t end = dash == std::string::npos ? -1 : ParseCount(range.substr(dash + 1), -1);
    if (start < 0 || end < start) {
      Drain(reader, req);
      SendError(res, 416, "BLOB_UPLOAD_INVALID",
                StrCat("Content-Range ", range, ": want <start>-<end>"));
      SendUploadProgress(res, 416, route, upload);
      return false;
    }
    if (start != upload.size()) {
      Drain(reader, req);
      SendError(res, 416, "BLOB_UPLOAD_INVALID",
                StrCat("chunk out of order: got start ", start, ", want ", upload.size()));
      SendUploadProgress(res, 416, route, upload);
      return false;
    }
    if (length >= 0 && end - start + 1 != length) {
      Drain(reader, req);
      SendError(res, 416, "BLOB_UPLOAD_INVALID",
                StrCat("Content-Range ", range, " covers ", end - start + 1,
                       " bytes, Content-Length says ", length));
      SendUploadProgress(res, 416, route, upload);
      return false;
    }
  }
  Status appended;
  if (reader != nullptr) {
    (*reader)([&](const char* data, std::size_t n) {
      appended = upload.Append(std::string_view(data, n));
      return appended.ok();
    });
  }
  // Also after a broken body: what arrived is kept, and the client resumes from Range.
  if (Status flushed = upload.Flush(); appended.ok()) appended = flushed;
  if (!appended.ok()) {
    SendError(res, ErrorFromStatus(appended, "BLOB_UPLOAD_UNKNOWN"));
    return false;
  }
  return true;
}

void RegistryServer::Handlers::Complete(store::Upload& upload, const Route& route, const Request& req,
                                        Response& res) {
  auto digest = Digest::Parse(req.get_param_value("digest"));
  if (!digest.ok()) {
    store_->CancelUpload(upload);
    return SendError(res, 400, "DIGEST_INVALID", digest.status().message());
  }
  Status completed = store_->CompleteUpload(upload, *digest);
  if (!completed.ok()) return SendError(res, ErrorFromStatus(completed, "BLOB_UPLOAD_UNKNOWN"));
  res.status = 201;
  res.set_header("Location", StrCat("/v2/", route.name, "/blobs/", digest->str()));
  res.set_header("Docker-Content-Digest", digest->str());
}

void RegistryServer::Handlers::Upload(const Route& route, const Request& req, Response& res,
                                      const ContentReader* reader) {
  auto upload = store_->FindUpload(route.name, route.reference);
  if (!upload.ok()) {
    Drain(reader, req);
    return SendError(res, 404, "BLOB_UPLOAD_UNKNOWN", upload.status().message());
  }
  std::lock_guard lock((*upload)->mutex());
  const std::string& method = req.method;
  if (method == "GET") return SendUploadProgress(res, 204, route, **upload);
  if (method == "DELETE") {
    store_->CancelUpload(**upload);
    res.status = 204;
    return;
  }
  if (method == "PATCH") {
    if (!AppendBody(**upload, route, req, res, reader)) return;
    return SendUploadProgress(res, 202, route, **upload);
  }
  // PUT: the last chunk, if any, then the digest.
  if (!req.has_param("digest")) {
    Drain(reader, req);
    return SendError(res, 400, "DIGEST_INVALID", "PUT of an upload needs ?digest=");
  }
  if (!AppendBody(**upload, route, req, res, reader)) return;
  Complete(**upload, route, req, res);
}

RegistryServer::RegistryServer(std::shared_ptr<store::Store> store, std::shared_ptr<AccessGate> gate,
                               ServerOptions options)
    : store_(std::move(store)), gate_(std::move(gate)), options_(std::move(options)) {}

RegistryServer::~RegistryServer() { Stop(); }

Status RegistryServer::Bind() {
  const bool tls = !options_.tls_cert.empty() || !options_.tls_key.empty();
  if (tls) {
    if (options_.tls_cert.empty() || options_.tls_key.empty()) {
      return InvalidArgument("TLS needs both --tls-cert and --tls-key");
    }
    auto server = std::make_unique<WideBacklog<httplib::SSLServer>>(options_.tls_cert.c_str(),
                                                                     options_.tls_key.c_str());
    if (!server->is_valid()) {
      return InvalidArgument(StrCat("TLS certificate ", options_.tls_cert, " or key ", options_.tls_key,
                                    " could not be loaded (want PEM files that match)"));
    }
    http_ = std::move(server);
  } else {
    http_ = std::make_unique<WideBacklog<httplib::Server>>();
  }
  handlers_ = std::make_unique<Handlers>(store_, gate_, options_, tls);
  httplib::Server& s = *http_;
  // Without TCP_NODELAY small responses stall on Nagle + delayed ACK (~40 ms each).
  s.set_tcp_nodelay(true);
  s.set_keep_alive_max_count(100000);
  s.set_keep_alive_timeout(30);
  s.set_read_timeout(300);
  s.set_write_timeout(300);
  // Bodies stream through content readers; the manifest limit is enforced per route.
  s.set_payload_max_length(std::numeric_limits<std::size_t>::max());
  const int threads = std::max(2, options_.threads);
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  Handlers* h = handlers_.get();
  s.Get(".*", [h](const Request& req, Response& res) { h->Dispatch(req, res, nullptr); });
  s.Delete(".*", [h](const Request& req, Response& res) { h->Dispatch(req, res, nullptr); });
  auto with_body = [h](const Request& req, Response& res, const ContentReader& reader) {
    h->Dispatch(req, res, &reader);
  };
  s.Post(".*", with_body);
  s.Put(".*", with_body);
  s.Patch(".*", with_body);
  if (options_.log) {
    auto log = options_.log;
    s.set_logger([log](const Request& req, const Response& res) {
      // One JSON object a line (structured logs): when, who, what, and the answer.
      nlohmann::json line = {{"time", FormatRfc3339(static_cast<std::int64_t>(std::time(nullptr)))},
                             {"event", "http.request"},
                             {"remote", req.remote_addr},
                             {"method", req.method},
                             {"target", req.target},
                             {"status", res.status}};
      log(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    });
  }
  if (options_.port == 0) {
    port_ = s.bind_to_any_port(options_.host);
    if (port_ <= 0) return Unavailable(StrCat("cannot listen on ", options_.host));
  } else {
    if (!s.bind_to_port(options_.host, options_.port)) {
      return Unavailable(StrCat("cannot listen on ", options_.host, ":", options_.port,
                                " (in use, or not an address of this machine)"));
    }
    port_ = options_.port;
  }
  if (tls) {
    static_cast<WideBacklog<httplib::SSLServer>&>(s).EnlargeBacklog();
  } else {
    static_cast<WideBacklog<httplib::Server>&>(s).EnlargeBacklog();
  }
  return OkStatus();
}

Status RegistryServer::Run() {
  if (!http_) EC_RETURN_IF_ERROR(Bind());
  if (!http_->listen_after_bind()) return Unavailable("the server stopped with an error");
  return OkStatus();
}

Status RegistryServer::Start() {
  EC_RETURN_IF_ERROR(Bind());
  thread_ = std::thread([this] { (void)http_->listen_after_bind(); });
  // listen_after_bind sets is_running once it accepts; wait for it so callers can connect.
  for (int i = 0; i < 500 && !http_->is_running(); ++i) ::usleep(2000);
  return OkStatus();
}

void RegistryServer::Stop() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ec::oci::server
