#include "cli.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "oci/open_target.h"
#include "oci/remote/credentials.h"
#include "oci/time_format.h"

namespace ec::cli {

int Fail(const Status& status) {
  std::cerr << "export-center: error: " << status.message() << "\n";
  return kExitFailure;
}

void AddFormatOption(CLI::App* cmd, Format* format, bool short_flag) {
  std::map<std::string, Format> names{{"text", Format::kText}, {"json", Format::kJson}};
  cmd->add_option(short_flag ? "-o,--output" : "--format", *format,
                  "output format: text (default) or json")
      ->transform(CLI::CheckedTransformer(names, CLI::ignore_case))
      ->option_text("text|json");
}

void PrintJson(const json::Json& j) { std::cout << j.dump(2) << "\n"; }

RegistryFlags& GlobalRegistryFlags() {
  static RegistryFlags flags;
  return flags;
}

void AddRegistryFlags(CLI::App& app) {
  RegistryFlags& f = GlobalRegistryFlags();
  app.add_flag("--plain-http", f.plain_http, "talk to registries over http:// (e.g. a local test registry)");
  app.add_flag("--insecure", f.insecure, "do not verify registries' TLS certificates");
  app.add_option("--ca-file", f.ca_file, "PEM file of extra CA certificates for registries");
  app.add_option("--registry-config", f.registry_config,
                 "Docker config.json with credentials (default: $DOCKER_CONFIG/config.json or ~/.docker/config.json)");
  app.add_option("-u,--username", f.username, "registry user name (with --password-stdin)");
  app.add_flag("--password-stdin", f.password_stdin, "read the registry password or token from stdin");
}

std::string& GlobalStoreDir() {
  static std::string dir;
  return dir;
}

void AddStoreFlag(CLI::App& app) {
  app.add_option("--store", GlobalStoreDir(),
                 "local store directory for store:REPO targets, serve and gc "
                 "(default: $EC_STORE, else ~/.local/share/export-center/store)");
}

std::string& GlobalEvidenceDir() {
  static std::string dir;
  return dir;
}

void AddEvidenceFlag(CLI::App& app) {
  app.add_option("--evidence", GlobalEvidenceDir(),
                 "evidence store directory for ingest and the json:* exports "
                 "(default: $EC_EVIDENCE, else ~/.local/share/export-center/evidence)");
}

namespace {

Result<std::shared_ptr<oci::remote::CredentialStore>> Credentials() {
  static std::shared_ptr<oci::remote::CredentialStore> store;
  if (store) return store;
  const RegistryFlags& f = GlobalRegistryFlags();
  auto loaded = f.registry_config.empty() ? oci::remote::CredentialStore::LoadDefault()
                                          : oci::remote::CredentialStore::Load(f.registry_config);
  if (!loaded.ok()) return loaded.status();
  store = std::make_shared<oci::remote::CredentialStore>(std::move(loaded).value());
  return store;
}

Result<oci::remote::Credential> ExplicitCredential() {
  static std::optional<oci::remote::Credential> cred;
  if (cred) return *cred;
  const RegistryFlags& f = GlobalRegistryFlags();
  oci::remote::Credential c;
  if (f.password_stdin && f.username.empty()) {
    return InvalidArgument("--password-stdin needs --username");
  }
  if (!f.username.empty()) {
    if (!f.password_stdin) return InvalidArgument("--username needs --password-stdin (passwords are not taken as arguments)");
    std::string password;
    std::getline(std::cin, password);
    while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) password.pop_back();
    c.username = f.username;
    c.password = password;
  }
  cred = c;
  return c;
}

}  // namespace

Result<Opened> Open(std::string_view arg, bool create) {
  EC_ASSIGN_OR_RETURN(oci::TargetRef ref, oci::TargetRef::Parse(arg));
  oci::OpenOptions options;
  options.create = create;
  options.store_dir = GlobalStoreDir();
  if (ref.kind == oci::TargetKind::kRegistry) {
    const RegistryFlags& f = GlobalRegistryFlags();
    options.registry.plain_http = f.plain_http;
    options.registry.http.insecure = f.insecure;
    options.registry.http.ca_file = f.ca_file;
    EC_ASSIGN_OR_RETURN(options.registry.credentials, Credentials());
    // Mount hints are an optimisation: without a writable cache, copies just upload.
    static std::shared_ptr<oci::remote::BlobLocations> locations = [] {
      auto opened = oci::remote::BlobLocations::Open(oci::remote::BlobLocations::DefaultPath());
      return opened.ok() ? *opened : nullptr;
    }();
    options.registry.locations = locations;
    EC_ASSIGN_OR_RETURN(oci::remote::Credential explicit_cred, ExplicitCredential());
    if (!explicit_cred.empty()) options.registry.credentials->SetOverride(ref.remote.registry, explicit_cred);
  }
  EC_ASSIGN_OR_RETURN(auto target, oci::OpenTarget(ref, options));
  return Opened{std::move(ref), std::move(target)};
}

Result<oci::Descriptor> ResolveNamed(Opened& opened, std::string_view what) {
  std::string name = opened.ref.ReferenceOrDigest();
  if (name.empty()) {
    return InvalidArgument(StrCat(what, " ", opened.ref.str(),
                                  " names no tag or digest; add :TAG or @DIGEST"));
  }
  return opened.target->Resolve(name);
}

Result<std::int64_t> ParseDuration(std::string_view text) {
  const std::string shown(text);
  auto invalid = [&] {
    return InvalidArgument(StrCat("invalid duration \"", shown, "\"; want e.g. 90s, 15m, 1h, 2d"));
  };
  if (text.empty()) return InvalidArgument("empty duration");
  std::size_t end = 0;
  long long value = 0;
  try {
    value = std::stoll(shown, &end);
  } catch (...) {
    return invalid();
  }
  const std::string unit = shown.substr(end);
  std::int64_t scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
  if (scale == 0 || value < 0) return invalid();
  return static_cast<std::int64_t>(value) * scale;
}

std::optional<std::int64_t> SourceDateEpoch() {
  const char* env = std::getenv("SOURCE_DATE_EPOCH");
  if (env == nullptr || *env == '\0') return std::nullopt;
  char* end = nullptr;
  long long secs = std::strtoll(env, &end, 10);
  if (*end != '\0' || secs < 0) return std::nullopt;
  return static_cast<std::int64_t>(secs);
}

std::string SourceDateEpochRfc3339() {
  std::optional<std::int64_t> secs = SourceDateEpoch();
  return secs ? oci::FormatRfc3339(*secs) : "";
}

Result<ScratchDir> ScratchDir::Create() {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/export-center.XXXXXX");
  if (::mkdtemp(tmpl.data()) == nullptr) return Unavailable(StrCat("create a scratch directory in ", tmpl));
  return ScratchDir(tmpl);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::string HumanBytes(std::int64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

Progress::Progress(std::string label) : label_(std::move(label)), enabled_(::isatty(2) == 1) {
  if (!enabled_) return;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      Draw(false);
      for (int i = 0; i < 4 && !stop_.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  });
}

Progress::~Progress() {
  if (!enabled_) return;
  stop_.store(true);
  thread_.join();
  Draw(true);
}

void Progress::Draw(bool final_line) {
  std::int64_t total = total_.load();
  std::int64_t done = done_.load();
  std::string line = StrCat("\r", label_, " ", HumanBytes(done));
  if (total > 0) line += StrCat(" / ", HumanBytes(total), " (", done * 100 / total, "%)");
  std::cerr << line << "\x1b[K" << (final_line ? "\n" : "") << std::flush;
}

}  // namespace ec::cli
