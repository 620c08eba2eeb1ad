// run create|list|get|wait|cancel|download, profile apply|list, token create: the export
// service's client (over its REST API; --server and a token) and, for the first token, its
// local administration (token create writes to the service database directly).
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli.h"
#include "commands.h"
#include "json/parse.h"
#include "oci/digest.h"
#include "oci/io.h"
#include "oci/remote/http_client.h"
#include "oci/store/store.h"
#include "service/open_run_store.h"

namespace ec::cli {
namespace {

namespace fs = std::filesystem;

struct ClientArgs {
  std::string server;
  std::string token;
  std::string token_file;
  std::string profile;
  std::string revision;
  std::vector<std::string> params;
  std::string idempotency_key;
  bool wait = false;
  std::string id;
  std::string file;
  std::string out_dir = ".";
  std::string status;
  std::string timeout = "30m";
  std::string profile_file;
  // token create
  std::string database;
  std::string tenant;
  std::string name;
  std::vector<std::string> scopes;
  Format format = Format::kText;
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

class ApiClient {
 public:
  static Result<ApiClient> Make(const ClientArgs& a) {
    ApiClient c;
    c.server_ = !a.server.empty() ? a.server : Env("EC_SERVER");
    if (c.server_.empty()) return InvalidArgument("give --server URL (or set EC_SERVER), e.g. http://127.0.0.1:5000");
    while (c.server_.ends_with('/')) c.server_.pop_back();
    c.token_ = !a.token.empty() ? a.token : Env("EC_TOKEN");
    if (!a.token_file.empty()) {
      EC_ASSIGN_OR_RETURN(c.token_, oci::ReadSmallFile(a.token_file, 4096));
      while (!c.token_.empty() && (c.token_.back() == '\n' || c.token_.back() == '\r')) c.token_.pop_back();
    }
    if (c.token_.empty()) return InvalidArgument("give --token, --token-file or EC_TOKEN (an API token from `export-center token create`)");
    return c;
  }

  // A JSON call; API errors become a Status with the server's message.
  Result<json::Json> Call(const std::string& method, const std::string& path, const std::string& body = "",
                          std::vector<std::string> headers = {}, long* status = nullptr) {
    oci::remote::HttpRequest req;
    req.method = method;
    req.url = server_ + path;
    req.headers = std::move(headers);
    req.headers.push_back(StrCat("Authorization: Bearer ", token_));
    if (!body.empty()) req.body = body;
    req.max_body = 16 << 20;
    EC_ASSIGN_OR_RETURN(oci::remote::HttpResponse res, Http().Do(req));
    if (status != nullptr) *status = res.status;
    auto parsed = json::Parse(res.body.empty() ? std::string("{}") : res.body, StrCat(method, " ", path));
    if (res.status >= 400) {
      const std::string message = parsed.ok() ? parsed->value("/error/message"_json_pointer, res.body) : res.body;
      const Code code = res.status == 401 ? Code::kUnauthenticated : res.status == 403 ? Code::kPermissionDenied
                        : res.status == 404 ? Code::kNotFound : res.status == 409 ? Code::kFailedPrecondition
                        : res.status < 500 ? Code::kInvalidArgument : Code::kUnavailable;
      return Status(code, StrCat(method, " ", path, ": ", res.status, " ", message));
    }
    return parsed;
  }

  // Streams a file to `dest` (temp + verify + rename), checking its digest.
  Status Download(const std::string& path, const fs::path& dest, const oci::Digest& digest) {
    EC_ASSIGN_OR_RETURN(oci::AtomicFile out, oci::AtomicFile::Create(dest));
    oci::Hasher hasher(digest.algorithm());
    oci::remote::HttpRequest req;
    req.url = server_ + path;
    req.headers.push_back(StrCat("Authorization: Bearer ", token_));
    req.sink = [&](std::string_view chunk) {
      hasher.Update(std::span<const char>(chunk.data(), chunk.size()));
      return out.Write(chunk);
    };
    EC_ASSIGN_OR_RETURN(oci::remote::HttpResponse res, Http().Do(req));
    if (res.status != 200) return Unavailable(StrCat("GET ", path, ": ", res.status, " ", res.body));
    const oci::Digest got = hasher.Finish();
    if (got != digest) return DataLoss(StrCat(dest.string(), ": got ", got.str(), ", want ", digest.str()));
    return out.Commit();
  }

 private:
  static oci::remote::HttpClient& Http() {
    static oci::remote::HttpClient client(oci::remote::HttpOptions{});
    return client;
  }
  std::string server_;
  std::string token_;
};

void Print(const json::Json& j, Format format) {
  if (format == Format::kJson) return PrintJson(j);
  if (j.contains("runs")) {
    for (const json::Json& r : j["runs"]) {
      std::cout << r.value("id", "") << "  " << r.value("profile", "") << " " << r.value("revision", "") << "  "
                << r.value("status", "") << "  " << r.value("createdAt", "") << "\n";
    }
    return;
  }
  if (j.contains("profiles")) {
    for (const json::Json& p : j["profiles"]) {
      std::cout << p.value("name", "") << " " << p.value("revision", "") << "  " << p.value("kind", "") << "  "
                << p.value("digest", "") << "\n";
    }
    return;
  }
  if (j.contains("status") && j.contains("id")) {
    std::cout << "run: " << j.value("id", "") << "\nprofile: " << j.value("profile", "") << " " << j.value("revision", "")
              << "\nstatus: " << j.value("status", "") << "\n";
    if (!j.value("reason", "").empty()) std::cout << "reason: " << j.value("reason", "") << "\n";
    if (j.contains("result") && j["result"].contains("artifact")) {
      std::cout << "artifact: " << j["result"]["artifact"].value("reference", "") << "\n";
    }
    return;
  }
  PrintJson(j);
}

void Report(const Result<json::Json>& r, Format format, int* exit_code, int fail_code = kExitFailure) {
  if (!r.ok()) {
    *exit_code = Fail(r.status());
    return;
  }
  Print(*r, format);
  if (r->contains("status") && r->contains("id")) {
    const std::string s = r->value("status", "");
    if (s == "failed" || s == "canceled") *exit_code = fail_code;
  }
}

Result<json::Json> Wait(ApiClient& api, const std::string& id, std::int64_t timeout) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
  while (true) {
    EC_ASSIGN_OR_RETURN(json::Json run, api.Call("GET", StrCat("/v1/runs/", id)));
    const std::string s = run.value("status", "");
    if (s == "succeeded" || s == "failed" || s == "canceled") return run;
    if (std::chrono::steady_clock::now() > deadline) {
      return Unavailable(StrCat("run ", id, ": still ", s, " after --timeout; it keeps running on the server"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

Result<json::Json> RunCreate(const ClientArgs& a) {
  EC_ASSIGN_OR_RETURN(ApiClient api, ApiClient::Make(a));
  json::Json body = {{"profile", a.profile}};
  if (!a.revision.empty()) body["revision"] = a.revision;
  json::Json params = json::Json::object();
  for (const std::string& p : a.params) {
    const std::size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return InvalidArgument(StrCat("--param ", p, ": want KEY=VALUE"));
    params[p.substr(0, eq)] = p.substr(eq + 1);
  }
  if (!params.empty()) body["parameters"] = params;
  std::vector<std::string> headers = {"Content-Type: application/json"};
  if (!a.idempotency_key.empty()) headers.push_back(StrCat("Idempotency-Key: ", a.idempotency_key));
  EC_ASSIGN_OR_RETURN(json::Json run, api.Call("POST", "/v1/runs", body.dump(), headers));
  if (!a.wait) return run;
  EC_ASSIGN_OR_RETURN(std::int64_t timeout, ParseDuration(a.timeout));
  return Wait(api, run.value("id", ""), timeout);
}

Result<json::Json> RunDownload(const ClientArgs& a) {
  EC_ASSIGN_OR_RETURN(ApiClient api, ApiClient::Make(a));
  EC_ASSIGN_OR_RETURN(json::Json files, api.Call("GET", StrCat("/v1/runs/", a.id, "/files")));
  json::Json written = json::Json::array();
  std::error_code ec;
  fs::create_directories(a.out_dir, ec);
  for (const json::Json& f : files.value("files", json::Json::array())) {
    const std::string name = f.value("name", "");
    if (!a.file.empty() && name != a.file) continue;
    // Names come from the server: keep them inside --output-dir.
    if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') {
      return DataLoss(StrCat("run ", a.id, ": refusing file name \"", name, "\""));
    }
    EC_ASSIGN_OR_RETURN(oci::Digest digest, oci::Digest::Parse(f.value("digest", "")));
    const fs::path dest = fs::path(a.out_dir) / name;
    fs::create_directories(dest.parent_path(), ec);
    EC_RETURN_IF_ERROR(api.Download(StrCat("/v1/runs/", a.id, "/files/", name), dest, digest));
    written.push_back({{"name", name}, {"path", dest.string()}, {"digest", digest.str()}});
  }
  if (written.empty()) return NotFound(StrCat("run ", a.id, ": no file", a.file.empty() ? "s" : StrCat(" \"", a.file, "\"")));
  return json::Json{{"files", written}};
}

void AddClientFlags(CLI::App* cmd, ClientArgs* a) {
  cmd->add_option("--server", a->server, "the service's URL (default: $EC_SERVER)");
  cmd->add_option("--token", a->token, "API token (default: $EC_TOKEN)");
  cmd->add_option("--token-file", a->token_file, "read the API token from this file");
  AddFormatOption(cmd, &a->format);
}

}  // namespace

void AddRunCommand(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<ClientArgs>();
  CLI::App* run = app.add_subcommand("run", "Start, follow and download export runs on an `export-center serve`");
  run->require_subcommand(1);
  CLI::App* create = run->add_subcommand("create", "Queue a run of a profile (exit 1 if --wait and it fails)");
  create->add_option("profile", a->profile, "profile name")->required();
  create->add_option("--revision", a->revision, "profile revision r<N> (default: the latest)");
  create->add_option("--param", a->params, "run parameter KEY=VALUE (repeatable)");
  create->add_option("--idempotency-key", a->idempotency_key, "the same key returns the same run");
  create->add_flag("--wait", a->wait, "wait until the run ends");
  create->add_option("--timeout", a->timeout, "with --wait: give up waiting after this long (default 30m)");
  AddClientFlags(create, a.get());
  create->callback([a, exit_code] { Report(RunCreate(*a), a->format, exit_code); });

  CLI::App* list = run->add_subcommand("list", "List the tenant's runs, newest first");
  list->add_option("--status", a->status, "queued | running | succeeded | failed | canceled");
  list->add_option("--profile", a->profile, "only this profile's runs");
  AddClientFlags(list, a.get());
  list->callback([a, exit_code] {
    auto r = [&]() -> Result<json::Json> {
      EC_ASSIGN_OR_RETURN(ApiClient api, ApiClient::Make(*a));
      std::string q = "/v1/runs?limit=200";
      if (!a->status.empty()) q += StrCat("&status=", a->status);
      if (!a->profile.empty()) q += StrCat("&profile=", a->profile);
      return api.Call("GET", q);
    }();
    Report(r, a->format, exit_code);
  });

  CLI::App* get = run->add_subcommand("get", "Show one run");
  get->add_option("id", a->id, "run id")->required();
  AddClientFlags(get, a.get());
  get->callback([a, exit_code] {
    auto r = [&]() -> Result<json::Json> {
      EC_ASSIGN_OR_RETURN(ApiClient api, ApiClient::Make(*a));
      return api.Call("GET", StrCat("/v1/runs/", a->id));
    }();
    Report(r, a->format, exit_code, kExitOk);
  });

  CLI::App* wait = run->add_subcommand("wait", "Wait until a run ends; exit 0 if it succeeded, 1 otherwise");
  wait->add_option("id", a->id, "run id")->required();
  wait->add_option("--timeout", a->timeout, "give up waiting after this long (default 30m)");
  AddClientFlags(wait, a.get());
  wait->callback([a, exit_code] {
    auto r = [&]() -> Result<json::Json> {
      EC_ASSIGN_OR_RETURN(ApiClient api, ApiClient::Make(*a));
      EC_ASSIGN_OR_RETURN(std::int64_t timeout, ParseDuration(a->timeout));
      return Wait(api, a->id, timeout);
    }();
    Report(r, a->format, exit_code);
  });

  CLI::App* cancel = run->add_subcommand("cancel", "Cancel a queued or running run");
  cancel->add_option("id", a->id, "run id")->required();
  AddClientFlags(cancel, a.get());
  cancel->callback([a, exit_code] {
    auto r = [&]() -> Result<json::Json> {
      EC_ASSIGN_OR_RETURN(ApiClient api, ApiClient::Make(*a));
      return api.Call("POST", StrCat("/v1/runs/", a->id, "/cancel"));
    }();
    Report(r, a->format, exit_code, kExitOk);
  });

  CLI::App* download = run->add_subcommand("download", "Download a run's files, each checked against its digest");
  download->add_option("id", a->id, "run id")->required();
  download->add_option("file", a->file, "only this file");
  download->add_option("--output-dir,-d", a->out_dir, "directory to write into (default .)");
  AddClientFlags(download, a.get());
  download->callback([a, exit_code] { Report(RunDownload(*a), a->format, exit_code); });

  CLI::App* profile = app.add_subcommand("profile", "Publish and list export profiles on an `export-center serve`");
  profile->require_subcommand(1);
  CLI::App* apply = profile->add_subcommand("apply", "Publish a profile revision (YAML or JSON); the same bytes again are a no-op");
  apply->add_option("file", a->profile_file, "profile file")->required();
  AddClientFlags(apply, a.get());
  apply->callback([a, exit_code] {
    auto r = [&]() -> Result<json::Json> {
      EC_ASSIGN_OR_RETURN(ApiClient api, ApiClient::Make(*a));
      EC_ASSIGN_OR_RETURN(std::string bytes, oci::ReadSmallFile(a->profile_file, 1 << 20));
      return api.Call("POST", "/v1/profiles", bytes, {"Content-Type: application/yaml"});
    }();
    Report(r, a->format, exit_code);
  });
  CLI::App* plist = profile->add_subcommand("list", "List the tenant's profiles (latest revisions)");
  AddClientFlags(plist, a.get());
  plist->callback([a, exit_code] {
    auto r = [&]() -> Result<json::Json> {
      EC_ASSIGN_OR_RETURN(ApiClient api, ApiClient::Make(*a));
      return api.Call("GET", "/v1/profiles");
    }();
    Report(r, a->format, exit_code);
  });

  CLI::App* token = app.add_subcommand("token", "Administer the export service's API tokens on this machine");
  token->require_subcommand(1);
  CLI::App* tcreate = token->add_subcommand(
      "create", "Create an API token in the service database and print its secret (shown once; only its hash is kept)");
  tcreate->add_option("--database", a->database,
                      "the service database: sqlite:PATH (default: <store>/service.db) or postgres://…");
  tcreate->add_option("--tenant", a->tenant, "the token's tenant")->required();
  tcreate->add_option("--name", a->name, "the token's name (unique among the tenant's tokens)")->required();
  tcreate->add_option("--scope", a->scopes, "export:profile:manage | export:run | export:read | export:download | admin (repeatable)")
      ->required();
  AddFormatOption(tcreate, &a->format);
  tcreate->callback([a, exit_code] {
    auto r = [&]() -> Result<json::Json> {
      std::string store = GlobalStoreDir().empty() ? oci::store::Store::DefaultPath().string() : GlobalStoreDir();
      // The default database lives in the store: make the store first (it refuses a
      // directory holding other files).
      if (a->database.empty()) EC_RETURN_IF_ERROR(oci::store::Store::Open(store).status());
      EC_ASSIGN_OR_RETURN(auto runs, service::OpenRunStore(a->database, fs::path(store) / "service.db"));
      EC_ASSIGN_OR_RETURN(service::IssuedToken t, runs->CreateToken(a->tenant, a->name, a->scopes, std::time(nullptr)));
      return json::Json{{"id", t.token.id}, {"tenant", t.token.tenant}, {"name", t.token.name}, {"scopes", t.token.scopes},
                        {"secret", t.secret}};
    }();
    if (!r.ok()) {
      *exit_code = Fail(r.status());
    } else if (a->format == Format::kJson) {
      PrintJson(*r);
    } else {
      std::cout << (*r)["secret"].get<std::string>() << "\n";
    }
  });
}

}  // namespace ec::cli
