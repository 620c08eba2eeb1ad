// The TUF client workflow (spec 5, "detailed client workflow") against a Fetcher: root
// rotation, timestamp, snapshot, targets and delegated targets, then verified target
// downloads. Every failure names the file or target and the check that failed:
//   "timestamp.json: expired at 2020-01-01T00:00:00Z"
//   "snapshot.json: version 3 is older than trusted 4 (rollback)"
//   "targets.json: signatures by 0 of 1 required keys"
//   "target mirror.json: got sha256 <hex>, want <hex>"
// Not thread-safe; one Client per update.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "status.h"
#include "tuf/fetcher.h"
#include "tuf/metadata.h"
#include "tuf/trusted_state.h"

namespace ec::tuf {

// Upper bounds on metadata downloads (endless-data attacks). Snapshot and targets roles use
// the exact length their parent lists when it lists one.
struct Limits {
  std::size_t root = 512 * 1024;
  std::size_t timestamp = 16 * 1024;
  std::size_t snapshot = 8 * 1024 * 1024;
  std::size_t targets = 8 * 1024 * 1024;  // each targets role
};

struct ClientOptions {
  // Unix seconds: the update start time every expiry check uses (spec 5.1). Required; the
  // client reads no clock.
  std::int64_t now = 0;
  Limits limits;
  int max_root_rotations = 256;
  int max_delegations = 32;  // roles visited per target search (spec 5.6.7)
};

// A target as the trusted metadata describes it.
struct Target {
  std::string path;
  TargetFile file;
  std::string role;  // the targets role that listed it
};

class Client {
 public:
  // `trusted_root` is a root.json obtained out of band (spec 5.2); it must be signed by its
  // own root threshold, and its expiry does not matter yet. `state` is what an earlier update
  // left (see state()); its root replaces `trusted_root` when newer. `fetcher` must outlive
  // the client.
  static Result<Client> Create(Fetcher& fetcher, std::string_view trusted_root,
                               const ClientOptions& options, TrustedState state = {});

  // Spec 5.3-5.6 for root, timestamp, snapshot and the top-level targets. On failure the
  // state keeps everything verified before the failing step.
  Status Refresh();

  // The trusted description of `path`, searching delegations depth-first (spec 5.6.7).
  // Refreshes first if Refresh has not succeeded yet. NotFound when no role lists it.
  Result<Target> GetTarget(const std::string& path);

  // Where the target's bytes live in the repository: "targets/<dir>/<sha256>.<name>" with
  // consistent snapshots, else "targets/<path>".
  Result<std::string> TargetRepositoryPath(const std::string& path);

  // Fetches the target (at most its listed length) and checks length and every listed hash.
  Result<std::string> DownloadTarget(const std::string& path);

  // Streams a local file (e.g. inside an unpacked bundle) through the same checks.
  Status VerifyTargetFile(const std::string& path, const std::filesystem::path& file);

  // Persist this after an update and pass it to the next Create.
  const TrustedState& state() const { return state_; }
  const Root& root() const { return root_.role; }

 private:
  Client(Fetcher& fetcher, const ClientOptions& options, Signed<Root> root, TrustedState state)
      : fetcher_(&fetcher), options_(options), root_(std::move(root)), state_(std::move(state)) {}

  Result<std::string> FetchMetadata(const std::string& file, std::size_t limit,
                                    std::string_view what);
  Status CheckNotExpired(const Common& role, std::string_view what) const;
  Status UpdateRoot();
  Status UpdateTimestamp();
  Status UpdateSnapshot();
  // Loads, verifies and caches targets role `role`, delegated by `delegator` ("" for the
  // top-level targets role, which root delegates).
  Result<const Signed<Targets>*> LoadTargets(const std::string& role, const std::string& delegator);
  Status VerifyDigest(const Target& target, std::int64_t length, const Hashes& got);

  Fetcher* fetcher_;
  ClientOptions options_;
  Signed<Root> root_;
  TrustedState state_;
  bool refreshed_ = false;
  std::optional<Signed<Timestamp>> timestamp_;
  std::optional<Signed<Snapshot>> snapshot_;
  std::map<std::string, Signed<Targets>> targets_;  // by role name, verified this update
};

}  // namespace ec::tuf
