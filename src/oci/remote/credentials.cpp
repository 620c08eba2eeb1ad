#include "oci/remote/credentials.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "json/parse.h"
#include "oci/base64.h"
#include "oci/io.h"

extern char** environ;

namespace ec::oci::remote {
namespace {

constexpr std::size_t kMaxConfigBytes = 4u << 20;
constexpr std::size_t kMaxHelperOutput = 64u << 10;
constexpr std::size_t kMaxHelperMessage = 4u << 10;
constexpr std::size_t kMaxServerUrl = 4u << 10;
constexpr std::chrono::minutes kHelperTimeout{5};
constexpr std::string_view kDockerHubServerUrl = "https://index.docker.io/v1/";
constexpr std::string_view kNotFoundMessage = "credentials not found in native keychain";
constexpr std::string_view kIdentityTokenUsername = "<token>";

char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (ToLower(s[i]) != ToLower(prefix[i])) return false;
  }
  return true;
}

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

// The registry a config.json key or a Lookup argument names: scheme and path dropped,
// lower-cased, Docker Hub's aliases folded into "docker.io".
std::string NormalizeHost(std::string_view key) {
  if (StartsWithIgnoreCase(key, "https://")) {
    key.remove_prefix(8);
  } else if (StartsWithIgnoreCase(key, "http://")) {
    key.remove_prefix(7);
  }
  key = key.substr(0, key.find('/'));
  std::string host(key);
  for (char& c : host) c = ToLower(c);
  if (host == "index.docker.io" || host == "registry-1.docker.io") return "docker.io";
  return host;
}

// Keys of `map` that name `host`, best first: the spellings Docker writes, in a fixed order,
// then any other key that normalises to the same registry, in key order.
template <typename T>
std::vector<std::string> MatchingKeys(const std::map<std::string, T>& map, std::string_view host) {
  const std::string want = NormalizeHost(host);
  std::vector<std::string> preferred = {std::string(host), want, StrCat("https://", want),
                                        StrCat("http://", want), StrCat("https://", want, "/v1/")};
  if (want == "docker.io") {
    preferred.emplace_back(kDockerHubServerUrl);
    preferred.emplace_back("index.docker.io");
  }
  std::vector<std::string> keys;
  auto add = [&keys](const std::string& key) {
    for (const std::string& k : keys) {
      if (k == key) return;
    }
    keys.push_back(key);
  };
  for (const std::string& key : preferred) {
    if (map.count(key) != 0) add(key);
  }
  for (const auto& [key, value] : map) {
    if (NormalizeHost(key) == want) add(key);
  }
  return keys;
}


// A string member of `object`, "" when absent or null.
Result<std::string> StringField(const json::Json& object, const char* name,
                                std::string_view where) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) return InvalidArgument(StrCat(where, ": \"", name, "\" is not a string"));
  return it->get<std::string>();
}

Result<Credential> DecodeAuthEntry(const json::Json& entry, std::string_view where) {
  if (!entry.is_object()) return InvalidArgument(StrCat(where, ": not a JSON object"));
  EC_ASSIGN_OR_RETURN(std::string auth, StringField(entry, "auth", where));
  EC_ASSIGN_OR_RETURN(std::string username, StringField(entry, "username", where));
  EC_ASSIGN_OR_RETURN(std::string password, StringField(entry, "password", where));
  EC_ASSIGN_OR_RETURN(std::string identity_token, StringField(entry, "identitytoken", where));
  Credential c;
  if (!auth.empty()) {
    std::optional<std::string> decoded = oci::DecodeBase64(auth);
    std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return InvalidArgument(StrCat(where, ": auth is not base64 of user:password"));
    }
    c.username = decoded->substr(0, colon);
    c.password = decoded->substr(colon + 1);
    // Docker trims NULs some Windows tools leave at the end of the password.
    while (!c.password.empty() && c.password.back() == '\0') c.password.pop_back();
  } else {
    c.username = std::move(username);
    c.password = std::move(password);
  }
  if (!identity_token.empty()) {
    c.password = std::move(identity_token);
    c.identity_token = true;
  }
  return c;
}

// "not valid JSON: ... ; last read: '...'" may quote a fragment of a secret; drop that part.
std::string WithoutLastRead(std::string message) {
  std::size_t pos = message.find("; last read:");
  if (pos != std::string::npos) message.erase(pos);
  return message;
}

// The first non-blank line of a helper's output, bounded and with control characters replaced.
std::string FirstLine(std::string_view text) {
  while (!text.empty() && (text.front() == '\n' || text.front() == '\r' || text.front() == ' ' ||
                           text.front() == '\t')) {
    text.remove_prefix(1);
  }
  text = text.substr(0, text.find_first_of("\r\n"));
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::string out(text.substr(0, kMaxHelperMessage));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (text.size() > kMaxHelperMessage) out += "...";
  return out;
}

std::string Errno(int err) { return std::strerror(err); }

// Writes `bytes` to a pipe whose reader may already have exited: SIGPIPE is blocked for this
// thread meanwhile (and a SIGPIPE raised here consumed), and EPIPE is not an error.
Status WriteToChild(int fd, std::string_view bytes, std::string_view what) {
  sigset_t pipe_set;
  sigset_t old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  Status status;
  bool broken = false;
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) {
      broken = true;
      break;
    }
    if (n < 0) {
      status = Unavailable(StrCat("write to ", what, ": ", Errno(errno)));
      break;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  if (broken && !was_pending) {
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  return status;
}

struct ChildOutput {
  std::string out;
  std::string err;
  int wait_status = 0;
};

void KillAndReap(pid_t pid) {
  ::kill(pid, SIGKILL);
  int ignored;
  while (::waitpid(pid, &ignored, 0) < 0 && errno == EINTR) {
  }
}

// Spawns `program get`, feeds `input` on stdin and collects stdout (at most kMaxHelperOutput
// bytes) and the start of stderr.
Result<ChildOutput> RunHelperProcess(const std::string& program, std::string_view input,
                                     std::string_view what) {
  int in_pipe[2];
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return Unavailable(StrCat(what, ": pipe: ", Errno(errno)));
  UniqueFd in_read(in_pipe[0]);
  UniqueFd in_write(in_pipe[1]);
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Unavailable(StrCat(what, ": pipe: ", Errno(errno)));
  UniqueFd out_read(out_pipe[0]);
  UniqueFd out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return Unavailable(StrCat(what, ": pipe: ", Errno(errno)));
  UniqueFd err_read(err_pipe[0]);
  UniqueFd err_write(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_read.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

  std::string arg0 = program;
  std::string arg1 = "get";
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, program.c_str(), &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc == ENOENT) return FailedPrecondition(StrCat(what, ": not found on PATH"));
  if (rc != 0) return FailedPrecondition(StrCat(what, ": cannot run: ", Errno(rc)));
  in_read.Reset();
  out_write.Reset();
  err_write.Reset();

  Status written = WriteToChild(in_write.get(), input, what);
  in_write.Reset();
  if (!written.ok()) {
    KillAndReap(pid);
    return written;
  }

  ChildOutput result;
  const auto deadline = std::chrono::steady_clock::now() + kHelperTimeout;
  std::vector<char> buf(16 << 10);
  while (out_read.valid() || err_read.valid()) {
    pollfd fds[2] = {{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      KillAndReap(pid);
      return FailedPrecondition(
          StrCat(what, ": no answer in ", kHelperTimeout.count(), " minutes"));
    }
    int ready = ::poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      int err = errno;
      KillAndReap(pid);
      return Unavailable(StrCat(what, ": poll: ", Errno(err)));
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || fds[k].revents == 0) continue;
      UniqueFd& fd = k == 0 ? out_read : err_read;
      ssize_t n = ::read(fd.get(), buf.data(), buf.size());
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        fd.Reset();
        continue;
      }
      auto got = static_cast<std::size_t>(n);
      if (k == 0) {
        if (result.out.size() + got > kMaxHelperOutput) {
          KillAndReap(pid);
          return FailedPrecondition(
              StrCat(what, ": wrote more than ", kMaxHelperOutput, " bytes"));
        }
        result.out.append(buf.data(), got);
      } else if (result.err.size() < kMaxHelperMessage) {
        // Keep draining stderr past the bound so that the helper never blocks on it.
        result.err.append(buf.data(), std::min(got, kMaxHelperMessage - result.err.size()));
      }
    }
  }
  while (::waitpid(pid, &result.wait_status, 0) < 0) {
    if (errno != EINTR) return Unavailable(StrCat(what, ": waitpid: ", Errno(errno)));
  }
  return result;
}

}  // namespace

Result<Credential> RunCredentialHelper(std::string_view helper, std::string_view server_url) {
  const std::string program = StrCat("docker-credential-", helper);
  const std::string what = StrCat("credential helper ", program, " for ", server_url);
  if (helper.empty() || helper.find_first_of(std::string_view("/\0", 2)) != std::string::npos) {
    return FailedPrecondition(
        StrCat("invalid credential helper name \"", helper, "\"; want a name without '/'"));
  }
  if (server_url.size() > kMaxServerUrl) {
    return InvalidArgument(StrCat("credential helper ", program, ": server URL too long; got ",
                                  server_url.size(), " bytes, want at most ", kMaxServerUrl));
  }
  EC_ASSIGN_OR_RETURN(ChildOutput child, RunHelperProcess(program, server_url, what));

  if (!WIFEXITED(child.wait_status) || WEXITSTATUS(child.wait_status) != 0) {
    std::string_view output = IsBlank(child.out) ? child.err : child.out;
    if (output.find(kNotFoundMessage) != std::string_view::npos) return Credential{};
    std::string how = WIFEXITED(child.wait_status)
                          ? StrCat("exit status ", WEXITSTATUS(child.wait_status))
                          : StrCat("killed by signal ", WTERMSIG(child.wait_status));
    std::string line = FirstLine(output);
    return FailedPrecondition(StrCat(what, ": ", how, line.empty() ? "" : ": ", line));
  }
  // Never quote the output from here on: it holds the secret.
  Result<json::Json> doc = json::Parse(child.out, program);
  if (!doc.ok() || !doc->is_object()) {
    return FailedPrecondition(StrCat(what, ": output is not a JSON object"));
  }
  auto field = [&doc](const char* name) -> std::optional<std::string> {
    auto it = doc->find(name);
    if (it == doc->end() || it->is_null()) return std::string();
    if (!it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  std::optional<std::string> username = field("Username");
  std::optional<std::string> secret = field("Secret");
  if (!username || !secret) {
    return FailedPrecondition(StrCat(what, ": output has a non-string Username or Secret"));
  }
  Credential c;
  if (*username == kIdentityTokenUsername) {
    c.identity_token = true;
  } else {
    c.username = std::move(*username);
  }
  c.password = std::move(*secret);
  if (c.password.empty() && c.identity_token) c.identity_token = false;
  return c;
}

Result<CredentialStore> CredentialStore::LoadDefault() {
  const char* docker_config = std::getenv("DOCKER_CONFIG");
  if (docker_config != nullptr && *docker_config != '\0') {
    return Load(std::filesystem::path(docker_config) / "config.json");
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return Empty();
  return Load(std::filesystem::path(home) / ".docker" / "config.json");
}

Result<CredentialStore> CredentialStore::Load(const std::filesystem::path& config_json) {
  CredentialStore store;
  store.path_ = config_json;
  const std::string where = config_json.string();
  Result<std::string> text = ReadSmallFile(config_json, kMaxConfigBytes);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return store;
    return text.status();
  }
  if (IsBlank(*text)) return store;
  Result<json::Json> parsed = json::Parse(*text, where);
  if (!parsed.ok()) return InvalidArgument(WithoutLastRead(parsed.status().message()));
  const json::Json& doc = *parsed;
  if (!doc.is_object()) return InvalidArgument(StrCat(where, ": not a JSON object"));

  if (auto auths = doc.find("auths"); auths != doc.end() && !auths->is_null()) {
    if (!auths->is_object()) return InvalidArgument(StrCat(where, ": \"auths\" is not an object"));
    for (const auto& [key, entry] : auths->items()) {
      Result<Credential> c = DecodeAuthEntry(entry, StrCat(where, " auths[\"", key, "\"]"));
      AuthEntry e;
      if (c.ok()) {
        e.credential = std::move(c).value();
      } else {
        e.error = c.status();
      }
      store.auths_.emplace(key, std::move(e));
    }
  }
  EC_ASSIGN_OR_RETURN(store.creds_store_, StringField(doc, "credsStore", where));
  if (auto helpers = doc.find("credHelpers"); helpers != doc.end() && !helpers->is_null()) {
    if (!helpers->is_object()) {
      return InvalidArgument(StrCat(where, ": \"credHelpers\" is not an object"));
    }
    for (const auto& [key, helper] : helpers->items()) {
      if (!helper.is_string()) {
        return InvalidArgument(StrCat(where, ": credHelpers[\"", key, "\"] is not a string"));
      }
      store.cred_helpers_.emplace(key, helper.get<std::string>());
    }
  }
  return store;
}

CredentialStore CredentialStore::Empty() { return CredentialStore(); }

void CredentialStore::SetOverride(std::string host, Credential c) {
  overrides_[NormalizeHost(host)] = std::move(c);
}

Result<Credential> CredentialStore::Lookup(std::string_view host) const {
  const std::string want = NormalizeHost(host);
  if (auto it = overrides_.find(want); it != overrides_.end()) return it->second;
  const std::string server_url = want == "docker.io" ? std::string(kDockerHubServerUrl) : want;

  for (const std::string& key : MatchingKeys(cred_helpers_, host)) {
    const std::string& helper = cred_helpers_.at(key);
    if (helper.empty()) continue;
    EC_ASSIGN_OR_RETURN(Credential c, RunCredentialHelper(helper, server_url));
    if (!c.empty()) return c;
    break;  // the configured helper for this host has nothing: fall through to auths
  }
  for (const std::string& key : MatchingKeys(auths_, host)) {
    const AuthEntry& entry = auths_.at(key);
    if (!entry.error.ok()) return entry.error;
    if (!entry.credential.empty()) return entry.credential;
  }
  if (!creds_store_.empty()) return RunCredentialHelper(creds_store_, server_url);
  return Credential{};
}

}  // namespace ec::oci::remote
