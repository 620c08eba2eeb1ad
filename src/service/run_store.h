// RunStore: the export service's persistent state behind one interface. That state is profile
// revisions, runs and their queue, run events, distribution records, API tokens and the audit
// log. SqliteRunStore (sqlite_run_store.h) implements it over one file, and a PostgreSQL store
// can implement the same contract later. The checks and id / secret helpers at the end of this
// header are shared by implementations, so both refuse the same input with the same words.
//
// Contract for every implementation:
// - Thread-safe, and safe for several processes sharing one database. A call that reads and
//   then writes runs in one transaction holding the write lock, so two workers never claim the
//   same run and two publishers never both create one profile revision.
// - Tenant isolation: a getter given a tenant answers NotFound for another tenant's object,
//   with the same message as for a missing one. Existence never leaks across tenants.
// - Times are unix seconds passed in by the caller (`now`), so tests control the clock. 0
//   means "not yet" for started_at, finished_at, lease_expires and revoked_at.
// - Every state change of a run appends its event in the same transaction: queued, started,
//   lease_expired, progress, cancel_requested, then succeeded, failed or canceled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "status.h"

namespace ec::service {

// Named limits. A list asking for more than its maximum gets the maximum.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;                        // runs per ListRuns page
inline constexpr int kMaxEventPage = 1000;                      // events / audit entries per call
inline constexpr std::size_t kMaxNameBytes = 128;               // tenant, profile, token, worker
inline constexpr std::size_t kMaxIdempotencyKeyBytes = 255;
inline constexpr std::size_t kMaxStoredProfileBytes = 4 << 20;  // canonical JSON
inline constexpr std::size_t kMaxJsonBytes = 1 << 20;           // parameters, results, event data
inline constexpr std::size_t kMaxReasonBytes = 4096;            // longer reasons are truncated
inline constexpr std::size_t kMaxTargetBytes = 1024;            // distribution target
inline constexpr std::size_t kMaxAuditFieldBytes = 1024;        // audit action, object, outcome
inline constexpr std::size_t kMaxAuditDetailBytes = 8192;       // longer details are truncated
inline constexpr std::int64_t kMaxLeaseSeconds = 3600;

// --- Profiles -------------------------------------------------------------------------------

// One immutable revision of a profile, as the profile layer validated and canonicalised it.
struct StoredProfile {
  std::string tenant;
  std::string name;
  int revision = 0;          // N of "rN", from 1
  std::string digest;        // "sha256:<hex>" of `document` (service::ProfileDigest)
  std::string document;      // canonical JSON bytes
  std::int64_t created_at = 0;
};

// --- Runs -----------------------------------------------------------------------------------

enum class RunStatus { kQueued, kRunning, kSucceeded, kFailed, kCanceled };

std::string_view RunStatusName(RunStatus status);  // "queued", "running", ...
std::optional<RunStatus> ParseRunStatus(std::string_view name);
inline bool IsTerminal(RunStatus s) {
  return s == RunStatus::kSucceeded || s == RunStatus::kFailed || s == RunStatus::kCanceled;
}

struct Progress {
  std::int64_t done = 0;
  std::int64_t total = 0;  // 0 when not known yet
  friend bool operator==(const Progress&, const Progress&) = default;
};

struct NewRun {
  std::string tenant;
  std::string profile_name;
  int profile_revision = 0;
  std::string profile_digest;
  std::string parameters = "{}";  // a JSON object
  std::string idempotency_key;    // empty: no deduplication
  // Identifies the request: a retry with the same idempotency key must carry the same digest
  // (the service passes "sha256:…" of the request body). If empty, a digest of profile_name
  // and parameters is used.
  std::string request_digest;
  std::int64_t created_at = 0;
};

// Run ids are "run-" followed by 26 lower-case Crockford base32 characters, laid out like a
// ULID: 48 bits of wall-clock milliseconds, then 80 random bits. Ids are made under the write
// lock and forced past the greatest existing id, so they sort strictly in creation order, even
// across processes and clock steps. "Oldest" and "newest" below mean id order. Ids cannot be
// guessed, and they do not reveal how many runs other tenants have.
struct Run {
  std::string id;
  std::string tenant;
  std::string profile_name;
  int profile_revision = 0;
  std::string profile_digest;
  std::string parameters;
  std::string idempotency_key;
  std::string request_digest;
  RunStatus status = RunStatus::kQueued;
  Progress progress;
  std::string reason;            // why it failed or was canceled
  int attempt = 0;               // 1 on the first claim, +1 each time an expired lease is taken
  std::string worker;            // lease holder while running; the last holder afterwards
  std::int64_t lease_expires = 0;
  std::int64_t created_at = 0;
  std::int64_t started_at = 0;   // first claim
  std::int64_t finished_at = 0;
  std::string result = "{}";     // JSON: manifest digest, files, artefacts, bytes
  bool cancel_requested = false;
};

// Default member initialisers, so that designated initialisers ({.profile = "x"}) may leave
// the other fields out without -Wmissing-field-initializers.
struct RunFilter {
  std::optional<RunStatus> status = std::nullopt;
  std::string profile = {};  // empty: any
};

struct PageRequest {
  int limit = kDefaultPageSize;  // <= 0: the default; above kMaxPageSize: kMaxPageSize
  std::string after = {};        // a run id from a previous page's `next`; empty: from the newest
};

struct RunPage {
  std::vector<Run> runs;  // newest first
  std::string next;       // pass as `after` for the next page; empty on the last page
};

struct HeartbeatReply {
  bool cancel_requested = false;  // stop, then FinishRun(..., RunStatus::kCanceled, ...)
};

// One entry of a run's append-only event log. seq counts 1, 2, 3... per run.
struct RunEvent {
  std::string run_id;
  std::int64_t seq = 0;
  std::string type;  // [a-z0-9_.], e.g. "started", "progress", "artifact_ready"
  std::string data;  // JSON
  std::int64_t time = 0;
};

struct DistributionRecord {
  std::string run_id;
  std::string target;  // where it went, e.g. "registry.example/exports/vex:2025-12-06"
  std::string digest;  // what went there
  std::int64_t recorded_at = 0;
};

// --- Tokens and audit -----------------------------------------------------------------------

inline constexpr std::string_view kScopeProfileManage = "export:profile:manage";
inline constexpr std::string_view kScopeRun = "export:run";
inline constexpr std::string_view kScopeRead = "export:read";
inline constexpr std::string_view kScopeDownload = "export:download";
inline constexpr std::string_view kScopeAdmin = "admin";

// Token secrets are "ect_" + base64url of 32 bytes from OpenSSL's CSPRNG. A secret is returned
// once, by CreateToken. Only the hex SHA-256 of the whole secret is stored.
inline constexpr std::string_view kTokenSecretPrefix = "ect_";

struct TokenInfo {
  std::string id;                   // "tok-" + 26 base32 characters (as run ids)
  std::string tenant;
  std::string name;                 // unique among the tenant's active tokens
  std::vector<std::string> scopes;  // sorted
  std::int64_t created_at = 0;
  std::int64_t revoked_at = 0;
};

struct IssuedToken {
  TokenInfo token;
  std::string secret;  // shown once; not recoverable from the store
};

// Who is calling, from an authenticated token.
struct Principal {
  std::string token_id;
  std::string name;
  std::string tenant;
  std::vector<std::string> scopes;
  // True if `scope` was granted, or "admin" was, which implies every scope.
  bool HasScope(std::string_view scope) const;
};

struct AuditEntry {
  std::int64_t seq = 0;  // assigned by AppendAudit; increases over the whole log
  std::int64_t time = 0;
  std::string tenant;    // empty for entries not tied to a tenant
  std::string actor;     // token name or id; "system" for the service itself
  std::string action;    // e.g. "run.create", "profile.publish", "token.revoke"
  std::string object;    // e.g. a run id or "acme/daily-vex r3"
  std::string outcome;   // e.g. "ok", "denied", "error"
  std::string detail;    // free text or JSON; truncated to kMaxAuditDetailBytes
};

// --- The interface --------------------------------------------------------------------------

struct RunStoreOptions {
  // A run whose lease expired this many times is failed instead of being claimed again, so
  // one run that kills its worker every time cannot take down every worker in turn.
  int max_attempts = 3;
};

class RunStore {
 public:
  virtual ~RunStore() = default;

  // Profiles. Publishing the same revision again with the same digest succeeds and changes
  // nothing. With another digest it fails with FailedPrecondition "profile acme/daily-vex r3
  // exists with sha256:…; revisions are immutable, publish r4", naming the next free revision.
  virtual Status PutProfile(const StoredProfile& profile) = 0;
  // The given revision, or the latest one if `revision` is empty.
  virtual Result<StoredProfile> GetProfile(std::string_view tenant, std::string_view name,
                                           std::optional<int> revision) = 0;
  // The latest revision of each of the tenant's profiles, sorted by name.
  virtual Result<std::vector<StoredProfile>> ListProfiles(std::string_view tenant) = 0;

  // Queues a run. If the tenant already used the idempotency key, this returns the original
  // run with created = false. If that run came from another request (request_digest differs),
  // it fails with FailedPrecondition "Idempotency-Key K was used for another request".
  virtual Result<std::pair<Run, bool /*created*/>> CreateRun(const NewRun& run) = 0;
  virtual Result<Run> GetRun(std::string_view tenant, std::string_view id) = 0;
  virtual Result<RunPage> ListRuns(std::string_view tenant, const RunFilter& filter,
                                   const PageRequest& page) = 0;

  // The queue. Worker ids must be unique per worker instance (e.g. "host:pid:n"): the lease is
  // checked by worker id alone.
  //
  // Atomically takes the oldest run that is queued, or running with a lease expired at `now`
  // (its worker died; the run resumes with attempt + 1). The run is marked running, held by
  // `worker` until now + lease_seconds. An expired run whose cancel was requested is canceled
  // instead, and one at max_attempts is failed. Empty when there is nothing to do.
  virtual Result<std::optional<Run>> ClaimNextRun(std::string_view worker, std::int64_t now,
                                                  std::int64_t lease_seconds) = 0;
  // Extends the lease to now + lease_seconds and records progress (an event when it changed).
  // FailedPrecondition if `worker` no longer holds the run (another worker took it over, or
  // it finished). A heartbeat after the lease expired still succeeds if nobody took the run.
  virtual Result<HeartbeatReply> Heartbeat(std::string_view id, std::string_view worker,
                                           std::int64_t now, std::int64_t lease_seconds,
                                           Progress progress) = 0;
  // Ends the run as succeeded, failed (reason required) or canceled (only after a cancel
  // request). Only the lease holder may do this, and only once. Repeating the same finish
  // from the same worker is OK; any other change to a finished run is FailedPrecondition.
  // An empty result_json stores "{}".
  virtual Status FinishRun(std::string_view id, std::string_view worker, RunStatus status,
                           std::string_view reason, std::string_view result_json,
                           std::int64_t now) = 0;
  // A queued run is canceled at once. A running run is marked cancel_requested, and its worker
  // learns that on its next Heartbeat. Canceling a canceled run is OK. Canceling a succeeded
  // or failed run is FailedPrecondition.
  virtual Status RequestCancel(std::string_view tenant, std::string_view id,
                               std::int64_t now) = 0;
  // Runs waiting in the queue, all tenants.
  virtual Result<std::int64_t> QueueDepth() = 0;

  // Appends an event to an unfinished run's log and returns its seq. The log of a finished run
  // is closed (FailedPrecondition). An empty data_json stores "{}".
  virtual Result<std::int64_t> AppendEvent(std::string_view run_id, std::string_view type,
                                           std::string_view data_json, std::int64_t now) = 0;
  // Events with seq > after_seq, oldest first, at most `limit` (<= 0 or above kMaxEventPage:
  // kMaxEventPage).
  virtual Result<std::vector<RunEvent>> Events(std::string_view tenant, std::string_view run_id,
                                               std::int64_t after_seq, int limit) = 0;

  // Distribution records, so a resumed run does not push twice. Before pushing, a worker looks
  // for (target, digest) in Distributions. After the push succeeds, it records it here. Returns
  // true if the record is new, or false if (run_id, target, digest) was already recorded. A run
  // may send several digests to one target (a bundle and its signature).
  virtual Result<bool> RecordDistribution(std::string_view run_id, std::string_view target,
                                          std::string_view digest, std::int64_t now) = 0;
  virtual Result<std::vector<DistributionRecord>> Distributions(std::string_view tenant,
                                                          std::string_view run_id) = 0;

  // Tokens. Scopes must be among kScope*; duplicates are dropped. AlreadyExists if the tenant
  // has an active token with that name.
  virtual Result<IssuedToken> CreateToken(std::string_view tenant, std::string_view name,
                                          const std::vector<std::string>& scopes,
                                          std::int64_t now) = 0;
  // Unauthenticated (one message for all cases) for a malformed, unknown or revoked secret.
  virtual Result<Principal> Authenticate(std::string_view secret) = 0;
  // Revoking a revoked token is OK. Another tenant's token is NotFound.
  virtual Status RevokeToken(std::string_view tenant, std::string_view id, std::int64_t now) = 0;
  // Active and revoked tokens, oldest first; never secrets.
  virtual Result<std::vector<TokenInfo>> ListTokens(std::string_view tenant) = 0;

  // Audit log, append-only. Returns the entry's seq.
  virtual Result<std::int64_t> AppendAudit(const AuditEntry& entry) = 0;
  // Entries of `tenant` with seq > after_seq, oldest first, at most `limit` (as Events).
  virtual Result<std::vector<AuditEntry>> ListAudit(std::string_view tenant,
                                                    std::int64_t after_seq, int limit) = 0;
};

// --- Shared by implementations --------------------------------------------------------------

// Tenant, profile, token and worker names: 1 to kMaxNameBytes of [A-Za-z0-9._:@-], starting
// with a letter or digit. `what` names the field in the error ("tenant", "worker").
Status CheckName(std::string_view what, std::string_view value);
// "sha256:" + 64 (or "sha512:" + 128) lower-case hex.
Status CheckDigest(std::string_view what, std::string_view value);
// Well-formed JSON of at most `max_bytes`, and an object if `object` is set.
Status CheckJson(std::string_view what, std::string_view text, std::size_t max_bytes,
                 bool object);
Status CheckLeaseSeconds(std::int64_t lease_seconds);
Status CheckEventType(std::string_view type);
Status CheckStoredProfile(const StoredProfile& profile);
Status CheckNewRun(const NewRun& run);
Status CheckAudit(const AuditEntry& entry);
// Sorted, without duplicates. InvalidArgument naming the first unknown scope, or if empty.
Result<std::vector<std::string>> NormaliseScopes(const std::vector<std::string>& scopes);

// `limit` <= 0 → `fallback`; above `max` → `max`.
int PageLimit(int limit, int fallback, int max);
// Whether `s` is text both stores can hold (valid UTF-8, no NUL).
bool IsStorableText(std::string_view s);
// `s` with every byte that is not part of such text replaced by U+FFFD: free text from a
// child's stderr (a failure reason, an audit detail) is kept rather than refused.
std::string ToStorableText(std::string_view s);
// At most max_bytes, cut on a UTF-8 character boundary.
std::string TruncateUtf8(std::string_view text, std::size_t max_bytes);
// The request digest CreateRun uses when NewRun leaves it empty.
std::string DefaultRequestDigest(const NewRun& run);

// prefix + 10 base32 characters of unix_ms + 16 random ones (see Run).
std::string NewSortableId(std::string_view prefix, std::int64_t unix_ms);
// The smallest id greater than `id`: its base32 tail plus one. Keeps ids increasing when the
// clock has not moved past the last id.
std::string NextSortableId(std::string_view id);
// A new token secret, and what the store keeps of it (hex SHA-256).
std::string NewTokenSecret();
std::string TokenSecretHash(std::string_view secret);

}  // namespace ec::service
