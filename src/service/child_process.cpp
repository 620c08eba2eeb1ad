#include "service/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "oci/io.h"

extern char** environ;

namespace ec::service {
namespace {

// A pipe whose two ends close with it (oci::UniqueFd).
struct Pipe {
  oci::UniqueFd read_end;
  oci::UniqueFd write_end;
  bool Open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    read_end = oci::UniqueFd(fds[0]);
    write_end = oci::UniqueFd(fds[1]);
    return true;
  }
};

std::vector<std::string> MergedEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    const std::string name(entry.substr(0, entry.find('=')));
    if (!extra.count(name)) out.emplace_back(entry);
  }
  for (const auto& [k, v] : extra) out.push_back(StrCat(k, "=", v));
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

Result<std::string> SelfExecutable() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return Unavailable(StrCat("find the running executable: ", ec.message()));
  return path.string();
}

Result<ChildResult> RunChild(const ChildOptions& options) {
  if (options.argv.empty()) return InvalidArgument("run a child: empty argv");
  Pipe out, err;
  if (!out.Open() || !err.Open()) {
    return Unavailable(StrCat("run ", options.argv[0], ": pipe: ", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write_end.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.write_end.get(), 2);
  // The child gets its own process group so a stop reaches whatever it starts too.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  std::vector<std::string> argv = options.argv;
  std::vector<std::string> envp = MergedEnvironment(options.env);
  auto argv_ptrs = Pointers(argv);
  auto env_ptrs = Pointers(envp);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, argv[0].c_str(), &actions, &attr, argv_ptrs.data(), env_ptrs.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Unavailable(StrCat("run ", options.argv[0], ": ", std::strerror(rc)));
  out.write_end.Reset();
  err.write_end.Reset();

  ChildResult result;
  std::string err_all;
  bool out_open = true, err_open = true;
  bool term_sent = false;
  auto stop_deadline = std::chrono::steady_clock::time_point::max();
  auto next_tick = std::chrono::steady_clock::now() + options.tick;
  char buf[65536];
  while (out_open || err_open) {
    pollfd fds[2] = {{out_open ? out.read_end.get() : -1, POLLIN, 0}, {err_open ? err.read_end.get() : -1, POLLIN, 0}};
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - std::chrono::steady_clock::now());
    const int n = ::poll(fds, 2, static_cast<int>(std::max<std::int64_t>(0, wait.count())));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      if (i == 0) {
        if (result.out.size() + static_cast<std::size_t>(got) <= kMaxChildStdoutBytes) result.out.append(buf, static_cast<std::size_t>(got));
      } else {
        err_all.append(buf, static_cast<std::size_t>(got));
        if (err_all.size() > 2 * kChildStderrTailBytes) err_all.erase(0, err_all.size() - kChildStderrTailBytes);
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_tick) {
      next_tick = now + options.tick;
      if (!term_sent && options.keep_running && !options.keep_running()) {
        result.stopped = true;
        term_sent = true;
        ::kill(-pid, SIGTERM);
        stop_deadline = now + options.grace;
      }
    }
    if (term_sent && now >= stop_deadline) {
      ::kill(-pid, SIGKILL);
      stop_deadline = std::chrono::steady_clock::time_point::max();
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.err_tail = err_all.size() > kChildStderrTailBytes ? err_all.substr(err_all.size() - kChildStderrTailBytes) : err_all;
  return result;
}

}  // namespace ec::service
