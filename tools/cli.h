// What every export-center verb shares: output format, the one-line error report, exit codes,
// target opening, and the progress meter (drawn only when stderr is a terminal).
#pragma once

#include <CLI/CLI.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "json/parse.h"
#include "oci/reference.h"
#include "oci/target.h"
#include "status.h"

namespace ec::cli {

// The release this build calls itself (--version, provenance builder versions).
inline constexpr const char* kExportCenterVersion = "0.1.0";

enum class Format { kText, kJson };

// Exit codes: 0 success, 1 failure, 2 usage (CLI11 reports those itself).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Prints "export-center: error: <message>" on stderr and returns the exit code for `status`.
int Fail(const Status& status);

// Adds "-o, --output text|json" to a verb that writes no file.
void AddFormatOption(CLI::App* cmd, Format* format, bool short_flag = true);

// Prints `j` (pretty, sorted keys) on stdout.
void PrintJson(const json::Json& j);

// Registry flags shared by every verb (given before or after the verb).
struct RegistryFlags {
  bool plain_http = false;
  bool insecure = false;
  std::string ca_file;
  std::string registry_config;
  std::string username;
  bool password_stdin = false;
};
RegistryFlags& GlobalRegistryFlags();
void AddRegistryFlags(CLI::App& app);

// The local store's directory ("--store DIR", else $EC_STORE, else the per-user default).
std::string& GlobalStoreDir();
void AddStoreFlag(CLI::App& app);

// The evidence store's directory ("--evidence DIR", else $EC_EVIDENCE, else the per-user
// default).
std::string& GlobalEvidenceDir();
void AddEvidenceFlag(CLI::App& app);

struct Opened {
  oci::TargetRef ref;
  std::unique_ptr<oci::Target> target;
};
// Parses and opens a target argument; `create` for destinations.
Result<Opened> Open(std::string_view arg, bool create);
// Resolves the tag or digest the argument names; `what` says which side ("source").
Result<oci::Descriptor> ResolveNamed(Opened& opened, std::string_view what);

// A non-negative duration flag: "90s", "15m", "1h", "2d", or plain seconds.
Result<std::int64_t> ParseDuration(std::string_view text);

// SOURCE_DATE_EPOCH as RFC 3339, or empty when unset or invalid.
// SOURCE_DATE_EPOCH in Unix seconds, or nullopt when unset or invalid.
std::optional<std::int64_t> SourceDateEpoch();
// The same as RFC 3339, or empty.
std::string SourceDateEpochRfc3339();

// Shows "<label> 12.0 MiB / 40.0 MiB (30%)" on stderr every 200 ms while alive, if stderr is
// a terminal; otherwise does nothing.
class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  void SetTotal(std::int64_t total) { total_.store(total); }
  void Add(std::int64_t bytes) { done_.fetch_add(bytes); }

 private:
  void Draw(bool final_line);
  std::string label_;
  bool enabled_;
  std::atomic<std::int64_t> total_{0};
  std::atomic<std::int64_t> done_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string HumanBytes(std::int64_t n);

// A scratch directory under $TMPDIR (else /tmp), removed with its contents on destruction.
class ScratchDir {
 public:
  static Result<ScratchDir> Create();
  ScratchDir(ScratchDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
};

}  // namespace ec::cli
