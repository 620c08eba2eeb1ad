// serve: the local store as an OCI registry (distribution API v1.1).
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <thread>

#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "evidence/evidence_store.h"
#include "oci/server/auth_gates.h"
#include "oci/server/registry_server.h"
#include "oci/store/store.h"
#include "service/api.h"
#include "service/child_process.h"
#include "service/service_gate.h"
#include "service/open_run_store.h"
#include "service/worker.h"

namespace ec::cli {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:5000";
  std::string auth = "none";
  std::string access;
  bool anonymous_pull = false;
  bool read_only = false;
  std::string tls_cert;
  std::string tls_key;
  std::string token_key;
  int threads = 64;
  bool log_requests = false;
  bool no_fsync = false;
  std::string database;
  std::string role = "all";
  int workers = 1;
  std::string keys;
  std::string run_lease = "30s";
};

std::string HostName() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

Result<std::pair<std::string, int>> ParseListen(const std::string& text) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    return InvalidArgument(StrCat("--listen ", text, ": want HOST:PORT, e.g. 127.0.0.1:5000"));
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  int port = -1;
  try {
    std::size_t end = 0;
    port = std::stoi(text.substr(colon + 1), &end);
    if (end != text.size() - colon - 1) port = -1;
  } catch (...) {
  }
  if (port < 0 || port > 65535) {
    return InvalidArgument(StrCat("--listen ", text, ": port must be 0..65535"));
  }
  return std::make_pair(host, port);
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Serve the local store as an OCI registry (distribution API v1.1) until SIGINT/SIGTERM");
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (default 127.0.0.1:5000; port 0 = any)");
  cmd->add_option("--auth", args->auth,
                  "none | htpasswd:FILE (HTTP Basic, bcrypt entries) | token:FILE (bearer tokens "
                  "from /token, users from the htpasswd FILE) | service (the export service's API tokens; "
                  "each tenant reaches only <tenant>/… repositories)");
  cmd->add_option("--access", args->access,
                  "JSON access policy: which users may pull, push or delete which repositories "
                  "(default: any authenticated user may do everything)");
  cmd->add_flag("--anonymous-pull", args->anonymous_pull, "let clients without credentials pull");
  cmd->add_flag("--read-only", args->read_only, "refuse pushes and deletes (405 UNSUPPORTED)");
  cmd->add_option("--tls-cert", args->tls_cert, "PEM certificate: serve HTTPS");
  cmd->add_option("--tls-key", args->tls_key, "PEM private key for --tls-cert");
  cmd->add_option("--token-key", args->token_key,
                  "file holding the token signing key (>= 32 bytes), so tokens survive restarts "
                  "(default: a random key per run)");
  cmd->add_option("--threads", args->threads, "worker threads, one per open connection (default 64)");
  cmd->add_flag("--log-requests", args->log_requests, "log every request on stderr as a JSON line");
  cmd->add_flag("--no-fsync", args->no_fsync,
                "do not fsync blobs before they become visible (faster; a power loss may lose "
                "recent pushes, never corrupt visible ones)");
  cmd->add_option("--database", args->database,
                  "the export service's database: sqlite:PATH (default: <store>/service.db) or "
                  "postgres://USER@HOST:PORT/DB (several serve processes share its queue)");
  cmd->add_option("--role", args->role,
                  "all (default): registry, API and workers; api: no workers; worker: workers only, no "
                  "listening socket");
  cmd->add_option("--workers", args->workers, "export runs executed at once (default 1)");
  cmd->add_option("--keys", args->keys, "directory of signing keys profiles name (NAME.key, PKCS#8 PEM)");
  cmd->add_option("--run-lease", args->run_lease,
                  "how long a run stays claimed without a heartbeat before another worker resumes it "
                  "(default 30s)");
  cmd->callback([args, exit_code] {
    auto run = [&]() -> Status {
      EC_ASSIGN_OR_RETURN(auto listen, ParseListen(args->listen));
      std::string dir = GlobalStoreDir().empty() ? oci::store::Store::DefaultPath().string() : GlobalStoreDir();
      oci::store::StoreOptions so;
      so.durable = !args->no_fsync;
      EC_ASSIGN_OR_RETURN(auto store, oci::store::Store::Open(dir, so));

      oci::server::GateConfig gate_config;
      gate_config.auth = args->auth;
      gate_config.access_file = args->access;
      gate_config.anonymous_pull = args->anonymous_pull;
      gate_config.token_key_file = args->token_key;
      // The export service's database (its API tokens also open the registry with --auth service).
      const std::filesystem::path default_db = std::filesystem::path(dir) / "service.db";
      const std::string db_name = service::DescribeDatabase(args->database, default_db);
      EC_ASSIGN_OR_RETURN(std::unique_ptr<service::RunStore> runs, service::OpenRunStore(args->database, default_db));
      std::shared_ptr<oci::server::AccessGate> gate;
      if (args->auth == "service") {
        gate = std::make_shared<service::ServiceGate>(*runs);
      } else {
        EC_ASSIGN_OR_RETURN(gate, oci::server::MakeAccessGate(gate_config));
      }

      oci::server::ServerOptions options;
      options.host = listen.first;
      options.port = listen.second;
      options.tls_cert = args->tls_cert;
      options.tls_key = args->tls_key;
      options.read_only = args->read_only;
      options.threads = args->threads;
      if (args->log_requests) options.log = [](const std::string& line) { std::cerr << line << "\n"; };

      // Signals are taken by one thread with sigwait, which then stops the server cleanly.
      sigset_t stop_signals;
      sigemptyset(&stop_signals);
      sigaddset(&stop_signals, SIGINT);
      sigaddset(&stop_signals, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
      signal(SIGPIPE, SIG_IGN);

      // The export service: metrics, API on the same port, and workers.
      if (args->role != "all" && args->role != "api" && args->role != "worker") {
        return InvalidArgument(StrCat("--role ", args->role, ": want all, api or worker"));
      }
      EC_ASSIGN_OR_RETURN(std::int64_t lease, ParseDuration(args->run_lease));
      service::Metrics metrics;
      service::RunStore* run_store = runs.get();
      metrics.SetQueueDepthSource([run_store]() -> std::int64_t {
        auto depth = run_store->QueueDepth();
        return depth.ok() ? *depth : 0;
      });
      service::RunnerConfig runner;
      EC_ASSIGN_OR_RETURN(runner.exe, service::SelfExecutable());
      runner.store_dir = dir;
      runner.evidence_dir = GlobalEvidenceDir().empty() ? evidence::EvidenceStore::DefaultPath()
                                                        : std::filesystem::path(GlobalEvidenceDir());
      runner.keys_dir = args->keys;
      runner.work_dir = std::filesystem::path(dir) / "runs";
      if (GlobalRegistryFlags().plain_http) runner.registry_flags.push_back("--plain-http");
      if (GlobalRegistryFlags().insecure) runner.registry_flags.push_back("--insecure");
      service::WorkerOptions wo;
      wo.count = args->role == "api" ? 0 : std::max(0, args->workers);
      wo.id_prefix = StrCat(HostName(), ":", ::getpid());
      wo.lease_seconds = lease;
      wo.log = [](const std::string& line) { std::cerr << line << std::endl; };
      service::Workers workers(*runs, runner, &metrics, wo);
      service::ApiOptions api_options;
      api_options.ready = [run_store](std::string* reason) {
        auto depth = run_store->QueueDepth();
        if (!depth.ok()) *reason = depth.status().message();
        return depth.ok();
      };
      api_options.run_queued = [&workers] { workers.Notify(); };
      service::ServiceApi api(*runs, store, metrics, api_options);
      options.other_routes = [&api](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader* reader) {
        return api.Handle(req, res, reader);
      };

      workers.Start();
      if (args->role == "worker") {
        std::cerr << "export-center: " << wo.count << " worker(s) on " << db_name << std::endl;
        int sig = 0;
        sigwait(&stop_signals, &sig);
        workers.Stop();
        return OkStatus();
      }
      oci::server::RegistryServer server(store, gate, options);
      EC_RETURN_IF_ERROR(server.Bind());
      std::cerr << "export-center: serving " << dir << " on "
                << (args->tls_cert.empty() ? "http://" : "https://") << options.host << ":"
                << server.port() << " (auth "
                << (args->auth == "service" ? std::string("service API tokens, a tenant's repositories its own")
                                            : oci::server::DescribeGate(gate_config))
                << "; service database "
                << db_name << ", " << wo.count << " worker(s))" << std::endl;
      std::thread waiter([&server, stop_signals] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        server.Stop();
      });
      Status ran = server.Run();
      // Wake the waiter if the server ended on its own.
      pthread_kill(waiter.native_handle(), SIGTERM);
      waiter.join();
      workers.Stop();
      return ran;
    };
    Status s = run();
    if (!s.ok()) *exit_code = Fail(s);
  });
}

}  // namespace ec::cli
