// serve: the local store as an OCI registry (distribution API v1.1).
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <thread>

#include "cli.h"
#include "commands.h"
#include "oci/server/auth_gates.h"
#include "oci/server/registry_server.h"
#include "oci/store/store.h"

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
};

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
                  "from /token, users from the htpasswd FILE)");
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
  cmd->add_flag("--log-requests", args->log_requests, "print one line per request on stderr");
  cmd->add_flag("--no-fsync", args->no_fsync,
                "do not fsync blobs before they become visible (faster; a power loss may lose "
                "recent pushes, never corrupt visible ones)");
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
      EC_ASSIGN_OR_RETURN(auto gate, oci::server::MakeAccessGate(gate_config));

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

      oci::server::RegistryServer server(store, gate, options);
      EC_RETURN_IF_ERROR(server.Bind());
      std::cerr << "export-center: serving " << dir << " on "
                << (args->tls_cert.empty() ? "http://" : "https://") << options.host << ":"
                << server.port() << " (auth " << oci::server::DescribeGate(gate_config) << ")"
                << std::endl;
      std::thread waiter([&server, stop_signals] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        server.Stop();
      });
      Status ran = server.Run();
      // Wake the waiter if the server ended on its own.
      pthread_kill(waiter.native_handle(), SIGTERM);
      waiter.join();
      return ran;
    };
    Status s = run();
    if (!s.ok()) *exit_code = Fail(s);
  });
}

}  // namespace ec::cli
