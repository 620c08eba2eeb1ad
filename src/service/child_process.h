// Runs one export as a child process of the service (the export-center binary itself, with
// the profile's flags): a crash or a leak in one run cannot take the service down, and a
// cancel is a signal. Output is collected with limits; the caller is called back between
// reads so it can renew its lease and check for a cancel.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "status.h"

namespace ec::service {

inline constexpr std::size_t kMaxChildStdoutBytes = 16u << 20;  // the export's JSON report
inline constexpr std::size_t kChildStderrTailBytes = 4096;      // kept for the failure reason

struct ChildOptions {
  std::vector<std::string> argv;              // argv[0] is the program's path
  std::map<std::string, std::string> env;     // set on top of the service's environment
  // Called about every `tick`; returning false stops the child (SIGTERM, then SIGKILL after
  // `grace`).
  std::function<bool()> keep_running;
  std::chrono::milliseconds tick{500};
  std::chrono::milliseconds grace{5000};
};

struct ChildResult {
  int exit_code = -1;       // -1 when killed by a signal
  int signal = 0;           // the signal that ended it, if any
  bool stopped = false;     // keep_running said no
  std::string out;          // stdout (at most kMaxChildStdoutBytes)
  std::string err_tail;     // the last kChildStderrTailBytes of stderr
};

Result<ChildResult> RunChild(const ChildOptions& options);

// The path of the running executable (/proc/self/exe), for spawning ourselves.
Result<std::string> SelfExecutable();

}  // namespace ec::service
