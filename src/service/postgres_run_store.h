// PostgresRunStore: RunStore over a PostgreSQL database through libpq, so that several
// `export-center serve` processes on different machines share one queue.
//
// Design:
// - Connections: a small pool, one PGconn per concurrent caller (a PGconn is not thread-safe),
//   at most kMaxConnections per store; a caller beyond that waits for a free one. A pooled
//   connection the server dropped is reset and its statement retried once, but only outside a
//   transaction (BEGIN, or a read), so no write ever runs twice. A connection that broke or
//   was left inside a transaction is closed rather than pooled.
// - Concurrency: READ COMMITTED transactions with row locks, not SERIALIZABLE with retries.
//   Each conflict has one row to lock, so callers queue for a moment instead of failing and
//   retrying the whole call. ClaimNextRun takes the oldest claimable run with
//   SELECT … FOR UPDATE SKIP LOCKED: two workers never take the same run and never wait for
//   each other. Heartbeat, FinishRun, RequestCancel and AppendEvent lock their run with
//   SELECT … FOR UPDATE, and a run's events are only appended under that lock, so per-run
//   event numbers cannot collide. CreateRun locks the "run_id" row of run_store_locks and
//   makes its id past MAX(id) under it, so ids increase strictly in commit order across
//   processes, and the Idempotency-Key check cannot race. AppendAudit holds the "audit" row
//   likewise, so audit seqs commit in order and a reader paging with after_seq never skips
//   one. Profiles, distributions and token names rely on INSERT … ON CONFLICT DO NOTHING,
//   atomic on its unique key.
// - Schema: created on Open (CREATE … IF NOT EXISTS under an advisory lock, so processes
//   starting together do not collide), in the first schema of the connection's search_path.
//   Its version is kept in schema_version, and a database written by a newer build is
//   refused. Text columns that are compared or sorted use COLLATE "C", so ids and names sort
//   by bytes as in SQLite.
// - Errors name the statement and PostgreSQL's message (with SQLSTATE). Connection failures,
//   deadlocks and serialization failures are Unavailable (retrying may succeed). PostgreSQL
//   text cannot hold NUL bytes or invalid UTF-8: such values are refused (InvalidArgument),
//   and an id that cannot be stored is simply not found.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "service/run_store.h"

namespace ec::service {

namespace pg {
class ConnectionPool;
}

class PostgresRunStore final : public RunStore {
 public:
  // Connections one store keeps open at most.
  static constexpr std::size_t kMaxConnections = 16;

  // Connects to `url` ("postgres://user@host:port/db" or "postgresql://…", any libpq URI
  // parameters allowed) and creates or checks the schema. Unavailable if the server cannot be
  // reached.
  static Result<std::unique_ptr<PostgresRunStore>> Open(std::string_view url,
                                                        RunStoreOptions options = {});
  ~PostgresRunStore() override;
  PostgresRunStore(const PostgresRunStore&) = delete;
  PostgresRunStore& operator=(const PostgresRunStore&) = delete;

  // The URL with any password masked, for logs.
  const std::string& display_url() const { return display_url_; }
  // `url` with any password shown as ***, for messages and logs.
  static std::string DisplayUrl(std::string_view url);

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
  PostgresRunStore(std::string display_url, RunStoreOptions options,
                   std::unique_ptr<pg::ConnectionPool> pool);

  std::string display_url_;
  RunStoreOptions options_;
  std::unique_ptr<pg::ConnectionPool> pool_;
};

}  // namespace ec::service
