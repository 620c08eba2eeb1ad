#include "service/api.h"

#include <httplib.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "json/canonical.h"
#include "json/parse.h"
#include "oci/digest.h"
#include "oci/manifest.h"
#include "oci/server/file_response.h"
#include "oci/time_format.h"
#include "service/console.h"
#include "service/openapi.h"
#include "service/profile.h"
#include "service/retention.h"
#include "service/runner.h"

namespace ec::service {
namespace {

using httplib::ContentReader;
using httplib::Request;
using httplib::Response;
using json::Json;

std::int64_t Now() { return static_cast<std::int64_t>(std::time(nullptr)); }
std::string Time(std::int64_t t) { return t == 0 ? std::string() : oci::FormatRfc3339(t); }

struct ApiError {
  int status;
  std::string code;
  std::string message;
};

ApiError FromStatus(const Status& s) {
  switch (s.code()) {
    case Code::kInvalidArgument: return {400, "INVALID_ARGUMENT", s.message()};
    case Code::kNotFound: return {404, "NOT_FOUND", s.message()};
    case Code::kAlreadyExists: return {409, "CONFLICT", s.message()};
    case Code::kFailedPrecondition: return {409, "CONFLICT", s.message()};
    case Code::kUnauthenticated: return {401, "UNAUTHENTICATED", s.message()};
    case Code::kPermissionDenied: return {403, "FORBIDDEN", s.message()};
    case Code::kUnavailable: return {503, "UNAVAILABLE", s.message()};
    default: return {500, "INTERNAL", s.message()};
  }
}

void SendJson(Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void SendError(Response& res, const ApiError& e) {
  if (e.status == 401) res.set_header("WWW-Authenticate", "Bearer realm=\"export-center\"");
  SendJson(res, e.status, {{"error", {{"code", e.code}, {"message", e.message}}}});
}

// A path matched against a template: "{x}" takes one non-empty segment.
bool Match(std::string_view tmpl, std::string_view path, std::map<std::string, std::string>* params) {
  while (!tmpl.empty() || !path.empty()) {
    if (tmpl.empty() || path.empty() || tmpl[0] != '/' || path[0] != '/') return false;
    tmpl.remove_prefix(1);
    path.remove_prefix(1);
    const std::string_view t = tmpl.substr(0, tmpl.find('/'));
    const std::string_view p = path.substr(0, path.find('/'));
    if (t.size() >= 2 && t.front() == '{' && t.back() == '}') {
      if (p.empty()) return false;
      (*params)[std::string(t.substr(1, t.size() - 2))] = httplib::detail::decode_url(std::string(p), false);
    } else if (t != p) {
      return false;
    }
    tmpl.remove_prefix(t.size());
    path.remove_prefix(p.size());
  }
  return true;
}

Json ProfileJson(const StoredProfile& p) {
  Json doc = Json::object();
  std::string kind;
  if (auto parsed = json::Parse(p.document, "profile"); parsed.ok()) {
    doc = *parsed;
    kind = doc.value("/spec/kind"_json_pointer, std::string());
  }
  return {{"name", p.name},   {"tenant", p.tenant},   {"revision", StrCat("r", p.revision)}, {"digest", p.digest},
          {"kind", kind},     {"createdAt", Time(p.created_at)}, {"document", doc}};
}

Json TokenJson(const TokenInfo& t) {
  return {{"id", t.id}, {"tenant", t.tenant}, {"name", t.name}, {"scopes", t.scopes},
          {"createdAt", Time(t.created_at)}, {"revokedAt", Time(t.revoked_at)}};
}

}  // namespace

class ServiceApi::Impl {
 public:
  Impl(RunStore& runs, std::shared_ptr<oci::store::Store> store, Metrics& metrics, ApiOptions options)
      : runs_(runs), store_(std::move(store)), metrics_(metrics), options_(std::move(options)) {}

  struct Call {
    const Request& req;
    Response& res;
    const ContentReader* reader;
    std::map<std::string, std::string> params;
    Principal who;
  };
  using Handler = void (Impl::*)(Call&);
  struct Route {
    RouteInfo info;
    Handler handler;
  };

  static const std::vector<Route>& Table() {
    static const std::vector<Route> routes = {
        {{"GET", "/healthz", ""}, &Impl::Healthz},
        {{"GET", "/readyz", ""}, &Impl::Readyz},
        {{"GET", "/metrics", ""}, &Impl::MetricsText},
        {{"GET", "/.well-known/openapi", ""}, &Impl::OpenApi},
        {{"GET", "/", ""}, &Impl::ConsolePage},
        {{"GET", "/console.js", ""}, &Impl::ConsoleScript},
        {{"GET", "/console.css", ""}, &Impl::ConsoleStyle},
        {{"GET", "/v1/whoami", "*"}, &Impl::WhoAmI},
        {{"POST", "/v1/profiles", std::string(kScopeProfileManage)}, &Impl::PutProfile},
        {{"GET", "/v1/profiles", std::string(kScopeRead)}, &Impl::ListProfiles},
        {{"GET", "/v1/profiles/{name}", std::string(kScopeRead)}, &Impl::GetProfile},
        {{"POST", "/v1/runs", std::string(kScopeRun)}, &Impl::CreateRun},
        {{"GET", "/v1/runs", std::string(kScopeRead)}, &Impl::ListRuns},
        {{"GET", "/v1/runs/{id}", std::string(kScopeRead)}, &Impl::GetRun},
        {{"POST", "/v1/runs/{id}/cancel", std::string(kScopeRun)}, &Impl::CancelRun},
        {{"GET", "/v1/runs/{id}/events", std::string(kScopeRead)}, &Impl::Events},
        {{"GET", "/v1/runs/{id}/manifest", std::string(kScopeRead)}, &Impl::Manifest},
        {{"GET", "/v1/runs/{id}/provenance", std::string(kScopeRead)}, &Impl::Provenance},
        {{"GET", "/v1/runs/{id}/files", std::string(kScopeDownload)}, &Impl::Files},
        {{"GET", "/v1/runs/{id}/files/{name}", std::string(kScopeDownload)}, &Impl::Download},
        {{"GET", "/v1/runs/{id}/verification", std::string(kScopeRead)}, &Impl::Verification},
        {{"GET", "/v1/audit", std::string(kScopeAdmin)}, &Impl::ListAudit},
        {{"POST", "/v1/tokens", std::string(kScopeAdmin)}, &Impl::CreateToken},
        {{"GET", "/v1/tokens", std::string(kScopeAdmin)}, &Impl::ListTokens},
        {{"DELETE", "/v1/tokens/{id}", std::string(kScopeAdmin)}, &Impl::RevokeToken},
    };
    return routes;
  }

  bool Handle(const Request& req, Response& res, const ContentReader* reader) {
    const auto started = std::chrono::steady_clock::now();
    const std::string method = req.method == "HEAD" ? "GET" : req.method;
    const Route* found = nullptr;
    bool path_known = false;
    Call call{req, res, reader, {}, {}};
    for (const Route& r : Table()) {
      std::map<std::string, std::string> params;
      if (!Match(r.info.path, req.path, &params)) continue;
      path_known = true;
      if (r.info.method == method) {
        found = &r;
        call.params = std::move(params);
        break;
      }
    }
    if (found == nullptr && !path_known && !req.path.starts_with("/v1/")) return false;
    if (found == nullptr) {
      DrainBody(call);
      SendError(res, path_known ? ApiError{405, "METHOD_NOT_ALLOWED", StrCat(req.method, " ", req.path, ": not allowed")}
                                : ApiError{404, "NOT_FOUND", StrCat(req.path, ": no such route")});
    } else if (Authorize(call, found->info.scope)) {
      (this->*found->handler)(call);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics_.HttpRequest(req.method, found ? found->info.path : std::string(kUnmatchedRoute), res.status, seconds);
    return true;
  }

 private:
  // Bearer token → principal, then the route's scope. "" = open; "*" = any valid token.
  bool Authorize(Call& c, const std::string& scope) {
    if (scope.empty()) return true;
    const std::string header = c.req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (!header.starts_with(kBearer)) {
      DrainBody(c);
      SendError(c.res, {401, "UNAUTHENTICATED", "this route needs Authorization: Bearer <token>"});
      return false;
    }
    auto who = runs_.Authenticate(std::string_view(header).substr(kBearer.size()));
    if (!who.ok()) {
      DrainBody(c);
      SendError(c.res, {401, "UNAUTHENTICATED", who.status().message()});
      return false;
    }
    c.who = std::move(*who);
    if (scope != "*" && !c.who.HasScope(scope)) {
      DrainBody(c);
      Audit(c, "access.denied", StrCat(c.req.method, " ", c.req.path), "denied", StrCat("needs ", scope));
      SendError(c.res, {403, "FORBIDDEN", StrCat("token \"", c.who.name, "\" lacks the scope ", scope, " this route needs")});
      return false;
    }
    return true;
  }

  void Audit(const Call& c, std::string action, std::string object, std::string outcome, std::string detail = "") {
    AuditEntry e;
    e.time = Now();
    e.tenant = c.who.tenant;
    e.actor = c.who.name.empty() ? std::string("anonymous") : c.who.name;
    e.action = std::move(action);
    e.object = std::move(object);
    e.outcome = std::move(outcome);
    e.detail = std::move(detail);
    (void)runs_.AppendAudit(e);
  }

  void DrainBody(Call& c) {
    if (c.reader == nullptr) return;
    std::string ignored;
    (void)ReadBody(c, &ignored);
  }

  bool ReadBody(Call& c, std::string* body) {
    // No Content-Length and not chunked: no body (reading would wait for the client to close).
    if (c.reader == nullptr ||
        (!c.req.has_header("Content-Length") && c.req.get_header_value("Transfer-Encoding").find("chunked") == std::string::npos)) {
      return true;
    }
    bool too_large = false;
    (*c.reader)([&](const char* data, std::size_t n) {
      if (body->size() + n > kMaxRequestBodyBytes) {
        too_large = true;
        return false;
      }
      body->append(data, n);
      return true;
    });
    if (too_large) {
      SendError(c.res, {413, "TOO_LARGE", StrCat("request body: want at most ", kMaxRequestBodyBytes, " bytes")});
      return false;
    }
    return true;
  }

  bool ReadJson(Call& c, Json* out) {
    std::string body;
    if (!ReadBody(c, &body)) return false;
    if (body.empty()) body = "{}";
    auto parsed = json::Parse(body, "request body");
    if (!parsed.ok() || !parsed->is_object()) {
      SendError(c.res, {400, "INVALID_ARGUMENT", parsed.ok() ? "request body: want a JSON object" : parsed.status().message()});
      return false;
    }
    *out = std::move(*parsed);
    return true;
  }

  // Open routes.
  void Healthz(Call& c) { SendJson(c.res, 200, {{"status", "ok"}}); }
  void Readyz(Call& c) {
    std::string reason;
    if (options_.ready && !options_.ready(&reason)) return SendJson(c.res, 503, {{"status", "not ready"}, {"reason", reason}});
    SendJson(c.res, 200, {{"status", "ready"}});
  }
  void MetricsText(Call& c) { c.res.set_content(metrics_.Render(), std::string(kMetricsContentType)); }
  void OpenApi(Call& c) {
    static const std::string etag = StrCat("\"", oci::Digest::OfBytes(OpenApiDocument()).hex(), "\"");
    c.res.set_header("ETag", etag);
    c.res.set_header("Cache-Control", "public, max-age=300");
    if (c.req.get_header_value("If-None-Match") == etag) {
      c.res.status = 304;
      return;
    }
    c.res.set_content(std::string(OpenApiDocument()), "application/json");
  }
  void Static(Call& c, std::string_view body, const char* type) {
    c.res.set_header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    c.res.set_header("X-Content-Type-Options", "nosniff");
    c.res.set_content(std::string(body), type);
  }
  void ConsolePage(Call& c) { Static(c, ConsoleHtml(), "text/html; charset=utf-8"); }
  void ConsoleScript(Call& c) { Static(c, ConsoleJs(), "application/javascript; charset=utf-8"); }
  void ConsoleStyle(Call& c) { Static(c, ConsoleCss(), "text/css; charset=utf-8"); }

  void WhoAmI(Call& c) {
    SendJson(c.res, 200, {{"tenant", c.who.tenant}, {"name", c.who.name}, {"tokenId", c.who.token_id}, {"scopes", c.who.scopes}});
  }

  // Profiles.
  void PutProfile(Call& c) {
    std::string body;
    if (!ReadBody(c, &body)) return;
    auto profile = ParseExportProfile(body, "profile");
    if (!profile.ok()) return SendError(c.res, FromStatus(profile.status()));
    if (profile->tenant != c.who.tenant) {
      Audit(c, "profile.publish", StrCat(profile->tenant, "/", profile->name), "denied", "another tenant");
      return SendError(c.res, {403, "FORBIDDEN", StrCat("profile metadata.tenant \"", profile->tenant, "\": the token's tenant is \"",
                                                       c.who.tenant, "\"")});
    }
    StoredProfile stored{profile->tenant, profile->name, static_cast<int>(profile->revision_number), profile->digest,
                         profile->canonical_json, Now()};
    auto existing = runs_.GetProfile(stored.tenant, stored.name, stored.revision);
    const bool existed = existing.ok() && existing->digest == stored.digest;
    Status s = runs_.PutProfile(stored);
    const std::string object = StrCat(stored.tenant, "/", stored.name, " ", profile->revision);
    if (!s.ok()) {
      Audit(c, "profile.publish", object, "refused", s.message());
      return SendError(c.res, FromStatus(s));
    }
    Audit(c, "profile.publish", object, "ok", stored.digest);
    auto saved = runs_.GetProfile(stored.tenant, stored.name, stored.revision);
    if (!saved.ok()) return SendError(c.res, FromStatus(saved.status()));
    SendJson(c.res, existed ? 200 : 201, ProfileJson(*saved));
  }
  void ListProfiles(Call& c) {
    auto list = runs_.ListProfiles(c.who.tenant);
    if (!list.ok()) return SendError(c.res, FromStatus(list.status()));
    Json out = Json::array();
    for (const StoredProfile& p : *list) out.push_back(ProfileJson(p));
    SendJson(c.res, 200, {{"profiles", out}});
  }
  void GetProfile(Call& c) {
    std::optional<int> revision;
    if (c.req.has_param("revision")) {
      auto r = ParseRevision(c.req.get_param_value("revision"));
      if (!r.ok()) return SendError(c.res, FromStatus(r.status()));
      revision = *r;
    }
    auto p = runs_.GetProfile(c.who.tenant, c.params.at("name"), revision);
    if (!p.ok()) return SendError(c.res, FromStatus(p.status()));
    SendJson(c.res, 200, ProfileJson(*p));
  }
  static Result<int> ParseRevision(const std::string& text) {
    int n = 0;
    if (text.size() < 2 || text[0] != 'r' || text.size() > 10) return InvalidArgument(StrCat("revision \"", text, "\": want r<N>"));
    for (std::size_t i = 1; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return InvalidArgument(StrCat("revision \"", text, "\": want r<N>"));
      n = n * 10 + (text[i] - '0');
    }
    if (n < 1) return InvalidArgument(StrCat("revision \"", text, "\": want r<N> with N >= 1"));
    return n;
  }

  // Runs.
  Json RunJson(const Run& r) {
    Json result = Json::object();
    if (auto parsed = json::Parse(r.result, "result"); parsed.ok()) result = *parsed;
    Json parameters = Json::object();
    if (auto parsed = json::Parse(r.parameters, "parameters"); parsed.ok()) parameters = *parsed;
    std::string kind;
    if (auto p = runs_.GetProfile(r.tenant, r.profile_name, r.profile_revision); p.ok()) {
      if (auto doc = json::Parse(p->document, "profile"); doc.ok()) kind = doc->value("/spec/kind"_json_pointer, std::string());
    }
    return {{"id", r.id},
            {"tenant", r.tenant},
            {"profile", r.profile_name},
            {"revision", StrCat("r", r.profile_revision)},
            {"profileDigest", r.profile_digest},
            {"kind", kind},
            {"status", RunStatusName(r.status)},
            {"progress", {{"done", r.progress.done}, {"total", r.progress.total}}},
            {"reason", r.reason},
            {"attempt", r.attempt},
            {"worker", r.worker},
            {"createdAt", Time(r.created_at)},
            {"startedAt", Time(r.started_at)},
            {"finishedAt", Time(r.finished_at)},
            {"cancelRequested", r.cancel_requested},
            {"parameters", parameters},
            {"result", result}};
  }
  void CreateRun(Call& c) {
    std::string body;
    if (!ReadBody(c, &body)) return;
    auto parsed = json::Parse(body.empty() ? std::string("{}") : body, "request body");
    if (!parsed.ok() || !parsed->is_object()) {
      return SendError(c.res, {400, "INVALID_ARGUMENT", parsed.ok() ? "request body: want a JSON object" : parsed.status().message()});
    }
    const Json& req = *parsed;
    for (const auto& [k, v] : req.items()) {
      if (k != "profile" && k != "revision" && k != "parameters") {
        return SendError(c.res, {400, "INVALID_ARGUMENT", StrCat("request body: ", k, ": unknown field, want profile, revision or parameters")});
      }
    }
    if (!req.contains("profile") || !req["profile"].is_string()) {
      return SendError(c.res, {400, "INVALID_ARGUMENT", "request body: profile: want the profile's name"});
    }
    std::optional<int> revision;
    if (req.contains("revision")) {
      if (!req["revision"].is_string()) return SendError(c.res, {400, "INVALID_ARGUMENT", "request body: revision: want r<N>"});
      auto r = ParseRevision(req["revision"].get<std::string>());
      if (!r.ok()) return SendError(c.res, FromStatus(r.status()));
      revision = *r;
    }
    const Json parameters = req.value("parameters", Json::object());
    if (!parameters.is_object()) return SendError(c.res, {400, "INVALID_ARGUMENT", "request body: parameters: want an object"});
    auto profile = runs_.GetProfile(c.who.tenant, req["profile"].get<std::string>(), revision);
    if (!profile.ok()) return SendError(c.res, FromStatus(profile.status()));
    NewRun n;
    n.tenant = c.who.tenant;
    n.profile_name = profile->name;
    n.profile_revision = profile->revision;
    n.profile_digest = profile->digest;
    n.parameters = parameters.dump();
    n.idempotency_key = c.req.get_header_value("Idempotency-Key");
    n.request_digest = oci::Digest::OfBytes(json::Canonical(req)).str();
    n.created_at = Now();
    auto created = runs_.CreateRun(n);
    if (!created.ok()) {
      Audit(c, "run.create", profile->name, "refused", created.status().message());
      return SendError(c.res, FromStatus(created.status()));
    }
    if (created->second) {
      Audit(c, "run.create", created->first.id, "ok", StrCat(profile->name, " r", profile->revision));
      if (options_.run_queued) options_.run_queued();
    }
    c.res.set_header("Location", StrCat("/v1/runs/", created->first.id));
    SendJson(c.res, created->second ? 202 : 200, RunJson(created->first));
  }
  void ListRuns(Call& c) {
    RunFilter filter;
    if (c.req.has_param("status")) {
      filter.status = ParseRunStatus(c.req.get_param_value("status"));
      if (!filter.status) {
        return SendError(c.res, {400, "INVALID_ARGUMENT", StrCat("status \"", c.req.get_param_value("status"),
                                                                "\": want queued, running, succeeded, failed or canceled")});
      }
    }
    filter.profile = c.req.get_param_value("profile");
    PageRequest page;
    if (c.req.has_param("limit")) page.limit = std::atoi(c.req.get_param_value("limit").c_str());
    page.after = c.req.get_param_value("after");
    auto list = runs_.ListRuns(c.who.tenant, filter, page);
    if (!list.ok()) return SendError(c.res, FromStatus(list.status()));
    Json out = Json::array();
    for (const Run& r : list->runs) out.push_back(RunJson(r));
    SendJson(c.res, 200, {{"runs", out}, {"next", list->next}});
  }
  void GetRun(Call& c) {
    auto r = runs_.GetRun(c.who.tenant, c.params.at("id"));
    if (!r.ok()) return SendError(c.res, FromStatus(r.status()));
    SendJson(c.res, 200, RunJson(*r));
  }
  void CancelRun(Call& c) {
    DrainBody(c);
    Status s = runs_.RequestCancel(c.who.tenant, c.params.at("id"), Now());
    Audit(c, "run.cancel", c.params.at("id"), s.ok() ? "ok" : "refused", s.ok() ? "" : s.message());
    if (!s.ok()) return SendError(c.res, FromStatus(s));
    auto r = runs_.GetRun(c.who.tenant, c.params.at("id"));
    if (!r.ok()) return SendError(c.res, FromStatus(r.status()));
    SendJson(c.res, 202, RunJson(*r));
  }

  // Server-sent events: the run's event log from `after` (or Last-Event-ID), then new events
  // as they are appended, until the run's terminal event.
  void Events(Call& c) {
    const std::string id = c.params.at("id");
    auto run = runs_.GetRun(c.who.tenant, id);
    if (!run.ok()) return SendError(c.res, FromStatus(run.status()));
    std::int64_t after = 0;
    const std::string last = c.req.has_header("Last-Event-ID") ? c.req.get_header_value("Last-Event-ID") : c.req.get_param_value("after");
    if (!last.empty()) after = std::atoll(last.c_str());
    const std::string tenant = c.who.tenant;
    c.res.set_header("Cache-Control", "no-store");
    c.res.set_chunked_content_provider("text/event-stream", [this, tenant, id, after](std::size_t, httplib::DataSink& sink) mutable {
      auto last_write = std::chrono::steady_clock::now();
      while (true) {
        auto events = runs_.Events(tenant, id, after, kMaxEventPage);
        if (!events.ok()) return false;
        bool terminal = false;
        for (const RunEvent& e : *events) {
          const std::string frame = StrCat("id: ", e.seq, "\nevent: ", e.type, "\ndata: ", e.data, "\n\n");
          if (!sink.write(frame.data(), frame.size())) return false;
          after = e.seq;
          last_write = std::chrono::steady_clock::now();
          terminal = terminal || e.type == "succeeded" || e.type == "failed" || e.type == "canceled";
        }
        if (terminal) {
          sink.done();
          return true;
        }
        if (std::chrono::steady_clock::now() - last_write > std::chrono::seconds(kSseHeartbeatSeconds)) {
          static constexpr std::string_view kKeepAlive = ": keep-alive\n\n";
          if (!sink.write(kKeepAlive.data(), kKeepAlive.size())) return false;
          last_write = std::chrono::steady_clock::now();
        }
        if (!sink.is_writable()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
    });
  }

  // Answers 410 for a succeeded run whose export its profile's retention expired.
  bool SentExpired(Call& c) {
    auto r = runs_.GetRun(c.who.tenant, c.params.at("id"));
    if (!r.ok() || r->status != RunStatus::kSucceeded) return false;  // the handler answers
    auto kept = RunKept(*store_, *r);
    if (!kept.ok() || *kept) return false;
    SendError(c.res, {410, "EXPIRED", StrCat("run ", r->id, ": its export expired under profile ", r->profile_name,
                                             "'s retention")});
    return true;
  }

  // The run's artifact: its repository and digest, from the result.
  Result<std::pair<std::string, oci::Digest>> Artifact(Call& c) {
    EC_ASSIGN_OR_RETURN(Run r, runs_.GetRun(c.who.tenant, c.params.at("id")));
    auto result = json::Parse(r.result, "result");
    const std::string digest = result.ok() ? result->value("/artifact/digest"_json_pointer, std::string()) : std::string();
    if (r.status != RunStatus::kSucceeded || digest.empty()) {
      return NotFound(StrCat("run ", r.id, " has no artifact (status ", RunStatusName(r.status), ")"));
    }
    EC_ASSIGN_OR_RETURN(oci::Digest d, oci::Digest::Parse(digest));
    return std::make_pair(ExportRepository(r.tenant, r.profile_name), d);
  }
  void Manifest(Call& c) {
    if (SentExpired(c)) return;
    auto a = Artifact(c);
    if (!a.ok()) return SendError(c.res, FromStatus(a.status()));
    auto record = store_->ResolveManifest(a->first, a->second.str());
    if (!record.ok()) return SendError(c.res, FromStatus(record.status()));
    auto bytes = store_->ReadManifest(*record);
    if (!bytes.ok()) return SendError(c.res, FromStatus(bytes.status()));
    c.res.set_header("ETag", StrCat("\"", a->second.hex(), "\""));
    c.res.set_header("Docker-Content-Digest", a->second.str());
    c.res.set_content(*bytes, record->descriptor.media_type);
  }
  void Provenance(Call& c) {
    if (SentExpired(c)) return;
    auto a = Artifact(c);
    if (!a.ok()) return SendError(c.res, FromStatus(a.status()));
    auto refs = store_->Referrers(a->first, a->second, "application/vnd.dev.sigstore.bundle.v0.3+json");
    if (!refs.ok()) return SendError(c.res, FromStatus(refs.status()));
    if (refs->empty()) return SendError(c.res, {404, "NOT_FOUND", "this run's export is not signed (the profile has no signing key)"});
    auto record = store_->ResolveManifest(a->first, refs->front().digest.str());
    if (!record.ok()) return SendError(c.res, FromStatus(record.status()));
    auto bytes = store_->ReadManifest(*record);
    if (!bytes.ok()) return SendError(c.res, FromStatus(bytes.status()));
    auto m = oci::Manifest::Parse(*bytes, record->descriptor.media_type, "signature referrer");
    if (!m.ok() || m->layers.empty()) return SendError(c.res, {500, "INTERNAL", "the signature referrer has no bundle layer"});
    auto reader = store_->OpenBlob(a->first, m->layers[0].digest);
    if (!reader.ok()) return SendError(c.res, FromStatus(reader.status()));
    auto bundle = oci::ReadAll(**reader, 1 << 20, "sigstore bundle");
    if (!bundle.ok()) return SendError(c.res, FromStatus(bundle.status()));
    auto parsed = json::Parse(*bundle, "sigstore bundle");
    if (!parsed.ok() || !parsed->contains("dsseEnvelope")) return SendError(c.res, {500, "INTERNAL", "the sigstore bundle has no DSSE envelope"});
    c.res.set_content((*parsed)["dsseEnvelope"].dump(), "application/vnd.dsse.envelope.v1+json");
  }
  Result<Json> FileList(Call& c) {
    EC_ASSIGN_OR_RETURN(Run r, runs_.GetRun(c.who.tenant, c.params.at("id")));
    if (r.status != RunStatus::kSucceeded) return NotFound(StrCat("run ", r.id, " has no files (status ", RunStatusName(r.status), ")"));
    EC_ASSIGN_OR_RETURN(Json result, json::Parse(r.result, "result"));
    return result.value("files", Json::array());
  }
  void Files(Call& c) {
    if (SentExpired(c)) return;
    auto files = FileList(c);
    if (!files.ok()) return SendError(c.res, FromStatus(files.status()));
    SendJson(c.res, 200, {{"files", *files}});
  }
  void Download(Call& c) {
    if (SentExpired(c)) return;
    auto files = FileList(c);
    if (!files.ok()) return SendError(c.res, FromStatus(files.status()));
    auto a = Artifact(c);
    if (!a.ok()) return SendError(c.res, FromStatus(a.status()));
    const std::string& name = c.params.at("name");
    for (const Json& f : *files) {
      if (f.value("name", std::string()) != name) continue;
      auto digest = oci::Digest::Parse(f.value("digest", std::string()));
      if (!digest.ok()) return SendError(c.res, FromStatus(digest.status()));
      auto size = store_->BlobSize(a->first, *digest);
      if (!size.ok()) return SendError(c.res, FromStatus(size.status()));
      const std::string etag = StrCat("\"", digest->hex(), "\"");
      c.res.set_header("ETag", etag);
      c.res.set_header("Content-Disposition", StrCat("attachment; filename=\"", name, "\""));
      if (c.req.get_header_value("If-None-Match") == etag) {
        c.res.status = 304;
        return;
      }
      Audit(c, "run.download", StrCat(c.params.at("id"), "/", name), "ok");
      switch (oci::server::SendFile(store_->BlobPath(*digest), *size, c.req, c.res, "application/octet-stream")) {
        case oci::server::FileResponse::kSent: return;
        case oci::server::FileResponse::kGone: return SendError(c.res, {404, "NOT_FOUND", StrCat(name, ": its blob is gone")});
        case oci::server::FileResponse::kUnsatisfiable:
          return SendError(c.res, {416, "RANGE_NOT_SATISFIABLE", StrCat("range ", c.req.get_header_value("Range"), " is outside the file's ", *size, " bytes")});
      }
    }
    SendError(c.res, {404, "NOT_FOUND", StrCat("run ", c.params.at("id"), " has no file \"", name, "\"")});
  }
  // Offline verification of what the run left in the store: every file's bytes against its
  // digest, and the artifact's manifest against its digest.
  void Verification(Call& c) {
    if (SentExpired(c)) return;
    auto a = Artifact(c);
    if (!a.ok()) return SendError(c.res, FromStatus(a.status()));
    auto files = FileList(c);
    if (!files.ok()) return SendError(c.res, FromStatus(files.status()));
    auto record = store_->ResolveManifest(a->first, a->second.str());
    auto bytes = record.ok() ? store_->ReadManifest(*record) : Result<std::string>(record.status());
    if (!bytes.ok() || oci::Digest::OfBytes(*bytes) != a->second) {
      return SendJson(c.res, 200, {{"verified", false}, {"checked", "manifest"}, {"message", StrCat("manifest ", a->second.str(), " does not match its digest")}});
    }
    for (const Json& f : *files) {
      auto digest = oci::Digest::Parse(f.value("digest", std::string()));
      if (!digest.ok()) continue;
      auto reader = store_->OpenBlob(a->first, *digest);
      oci::Hasher hasher(digest->algorithm());
      std::vector<char> buf(1 << 16);
      bool ok = reader.ok();
      while (ok) {
        auto n = (*reader)->Read(buf);
        if (!n.ok()) ok = false;
        if (!ok || *n == 0) break;
        hasher.Update(std::span<const char>(buf.data(), *n));
      }
      if (!ok || hasher.Finish() != *digest) {
        return SendJson(c.res, 200, {{"verified", false}, {"checked", "files"},
                                     {"message", StrCat(f.value("name", std::string()), ": its bytes do not match ", digest->str())}});
      }
    }
    SendJson(c.res, 200, {{"verified", true}, {"checked", StrCat("manifest and ", files->size(), " files")},
                          {"message", StrCat("verified ", a->second.str())}});
  }

  // Audit and tokens (admin).
  void ListAudit(Call& c) {
    const std::int64_t after = std::atoll(c.req.get_param_value("after").c_str());
    const int limit = c.req.has_param("limit") ? std::atoi(c.req.get_param_value("limit").c_str()) : kMaxEventPage;
    auto entries = runs_.ListAudit(c.who.tenant, after, limit);
    if (!entries.ok()) return SendError(c.res, FromStatus(entries.status()));
    Json out = Json::array();
    for (const AuditEntry& e : *entries) {
      out.push_back({{"seq", e.seq}, {"time", Time(e.time)}, {"actor", e.actor}, {"action", e.action},
                     {"object", e.object}, {"outcome", e.outcome}, {"detail", e.detail}});
    }
    SendJson(c.res, 200, {{"entries", out}});
  }
  void CreateToken(Call& c) {
    Json body;
    if (!ReadJson(c, &body)) return;
    if (!body.contains("name") || !body["name"].is_string() || !body.contains("scopes") || !body["scopes"].is_array()) {
      return SendError(c.res, {400, "INVALID_ARGUMENT", "request body: want {\"name\": \"…\", \"scopes\": [\"export:read\", …]}"});
    }
    std::vector<std::string> scopes;
    for (const Json& s : body["scopes"]) {
      if (!s.is_string()) return SendError(c.res, {400, "INVALID_ARGUMENT", "request body: scopes: want strings"});
      scopes.push_back(s.get<std::string>());
    }
    auto issued = runs_.CreateToken(c.who.tenant, body["name"].get<std::string>(), scopes, Now());
    if (!issued.ok()) return SendError(c.res, FromStatus(issued.status()));
    Audit(c, "token.create", issued->token.id, "ok", body["name"].get<std::string>());
    SendJson(c.res, 201, {{"token", TokenJson(issued->token)}, {"secret", issued->secret}});
  }
  void ListTokens(Call& c) {
    auto list = runs_.ListTokens(c.who.tenant);
    if (!list.ok()) return SendError(c.res, FromStatus(list.status()));
    Json out = Json::array();
    for (const TokenInfo& t : *list) out.push_back(TokenJson(t));
    SendJson(c.res, 200, {{"tokens", out}});
  }
  void RevokeToken(Call& c) {
    Status s = runs_.RevokeToken(c.who.tenant, c.params.at("id"), Now());
    Audit(c, "token.revoke", c.params.at("id"), s.ok() ? "ok" : "refused");
    if (!s.ok()) return SendError(c.res, FromStatus(s));
    c.res.status = 204;
  }

  RunStore& runs_;
  std::shared_ptr<oci::store::Store> store_;
  Metrics& metrics_;
  ApiOptions options_;
};

ServiceApi::ServiceApi(RunStore& runs, std::shared_ptr<oci::store::Store> store, Metrics& metrics, ApiOptions options)
    : impl_(std::make_unique<Impl>(runs, std::move(store), metrics, std::move(options))) {}
ServiceApi::~ServiceApi() = default;

bool ServiceApi::Handle(const Request& req, Response& res, const ContentReader* reader) {
  return impl_->Handle(req, res, reader);
}

std::vector<RouteInfo> ServiceApi::Routes() {
  std::vector<RouteInfo> out;
  for (const auto& r : Impl::Table()) out.push_back(r.info);
  return out;
}

}  // namespace ec::service
