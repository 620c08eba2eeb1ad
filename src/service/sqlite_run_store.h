// SqliteRunStore: RunStore over one SQLite database file, through the oci/store SQLite layer.
// WAL mode, a connection per concurrent caller from a ConnectionPool, and BEGIN IMMEDIATE for
// every read-then-write. So the store is safe for many threads of one process and for several
// processes on one machine (a `serve` and separate workers). It is not safe over a network
// file system.
//
// The schema is created on Open. Its version is kept in the schema_version table. A database
// written by a newer build (a higher version) is refused instead of being misread. The file is
// created mode 0600, because it holds token hashes and the audit log.
#pragma once

#include <filesystem>
#include <memory>

#include "service/run_store.h"

namespace ec::oci::store {
class ConnectionPool;
}

namespace ec::service {

class SqliteRunStore final : public RunStore {
 public:
  // Opens `path`, creating it and its parent directory if needed.
  static Result<std::unique_ptr<SqliteRunStore>> Open(const std::filesystem::path& path,
                                                      RunStoreOptions options = {});
  ~SqliteRunStore() override;
  SqliteRunStore(const SqliteRunStore&) = delete;
  SqliteRunStore& operator=(const SqliteRunStore&) = delete;

  const std::filesystem::path& path() const { return path_; }

  Status PutProfile(const StoredProfile& profile) override;
  Result<StoredProfile> GetProfile(std::string_view tenant, std::string_view name,
                                   std::optional<int> revision) override;
  Result<std::vector<StoredProfile>> ListProfiles(std::string_view tenant) override;

  Result<std::pair<Run, bool>> CreateRun(const NewRun& run) override;
  Result<Run> GetRun(std::string_view tenant, std::string_view id) override;
  Result<RunPage> ListRuns(std::string_view tenant, const RunFilter& filter,
                           const PageRequest& page) override;

  Result<std::optional<Run>> ClaimNextRun(std::string_view worker, std::int64_t now,
                                          std::int64_t lease_seconds) override;
  Result<HeartbeatReply> Heartbeat(std::string_view id, std::string_view worker,
                                   std::int64_t now, std::int64_t lease_seconds,
                                   Progress progress) override;
  Status FinishRun(std::string_view id, std::string_view worker, RunStatus status,
                   std::string_view reason, std::string_view result_json,
                   std::int64_t now) override;
  Status RequestCancel(std::string_view tenant, std::string_view id, std::int64_t now) override;
  Result<std::int64_t> QueueDepth() override;

  Result<std::int64_t> AppendEvent(std::string_view run_id, std::string_view type,
                                   std::string_view data_json, std::int64_t now) override;
  Result<std::vector<RunEvent>> Events(std::string_view tenant, std::string_view run_id,
                                       std::int64_t after_seq, int limit) override;

  Result<bool> RecordDistribution(std::string_view run_id, std::string_view target,
                                  std::string_view digest, std::int64_t now) override;
  Result<std::vector<DistributionRecord>> Distributions(std::string_view tenant,
                                                        std::string_view run_id) override;

  Result<IssuedToken> CreateToken(std::string_view tenant, std::string_view name,
                                  const std::vector<std::string>& scopes,
                                  std::int64_t now) override;
  Result<Principal> Authenticate(std::string_view secret) override;
  Status RevokeToken(std::string_view tenant, std::string_view id, std::int64_t now) override;
  Result<std::vector<TokenInfo>> ListTokens(std::string_view tenant) override;

  Result<std::int64_t> AppendAudit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> ListAudit(std::string_view tenant, std::int64_t after_seq,
                                            int limit) override;

 private:
  SqliteRunStore(std::filesystem::path path, RunStoreOptions options,
                 std::unique_ptr<oci::store::ConnectionPool> pool);

  std::filesystem::path path_;
  RunStoreOptions options_;
  std::unique_ptr<oci::store::ConnectionPool> pool_;
};

}  // namespace ec::service
