#include "service/sqlite_run_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>

#include "json/parse.h"
#include "oci/store/sqlite.h"

namespace ec::service {
namespace {

using oci::store::ConnectionPool;
using oci::store::Database;
using oci::store::Statement;
using oci::store::Transaction;

// Bump with a migration step in SetUpSchema when the tables change.
constexpr std::int64_t kSchemaVersion = 1;

constexpr std::string_view kSchemaVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";

// Plain SQL that PostgreSQL also takes, apart from AUTOINCREMENT (BIGSERIAL there). Unset times
// are 0 rather than NULL, so every column is NOT NULL and compares simply.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS profiles (
  tenant TEXT NOT NULL, name TEXT NOT NULL, revision INTEGER NOT NULL, digest TEXT NOT NULL,
  document TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, name, revision));
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, tenant TEXT NOT NULL, profile_name TEXT NOT NULL,
  profile_revision INTEGER NOT NULL, profile_digest TEXT NOT NULL, parameters TEXT NOT NULL,
  idempotency_key TEXT NOT NULL, request_digest TEXT NOT NULL, status TEXT NOT NULL,
  progress_done INTEGER NOT NULL, progress_total INTEGER NOT NULL, reason TEXT NOT NULL,
  attempt INTEGER NOT NULL, worker TEXT NOT NULL, lease_expires INTEGER NOT NULL,
  created_at INTEGER NOT NULL, started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL,
  result TEXT NOT NULL, cancel_requested INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS runs_by_idempotency_key ON runs (tenant, idempotency_key)
  WHERE idempotency_key <> '';
CREATE INDEX IF NOT EXISTS runs_by_tenant ON runs (tenant, id);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status, id);
CREATE TABLE IF NOT EXISTS run_events (
  run_id TEXT NOT NULL REFERENCES runs (id), seq INTEGER NOT NULL, type TEXT NOT NULL,
  data TEXT NOT NULL, time INTEGER NOT NULL, PRIMARY KEY (run_id, seq));
CREATE TABLE IF NOT EXISTS distributions (
  run_id TEXT NOT NULL REFERENCES runs (id), target TEXT NOT NULL, digest TEXT NOT NULL,
  recorded_at INTEGER NOT NULL, PRIMARY KEY (run_id, target, digest));
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL, created_at INTEGER NOT NULL,
  revoked_at INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS tokens_by_active_name ON tokens (tenant, name)
  WHERE revoked_at = 0;
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, tenant TEXT NOT NULL,
  actor TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL, outcome TEXT NOT NULL,
  detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_by_tenant ON audit (tenant, seq);
)sql";

constexpr std::string_view kRunColumns =
    "id, tenant, profile_name, profile_revision, profile_digest, parameters, idempotency_key,"
    " request_digest, status, progress_done, progress_total, reason, attempt, worker,"
    " lease_expires, created_at, started_at, finished_at, result, cancel_requested";
constexpr std::string_view kProfileColumns =
    "tenant, name, revision, digest, document, created_at";
constexpr std::string_view kTokenColumns = "id, tenant, name, scopes, created_at, revoked_at";

constexpr std::string_view kCancelReason = "canceled on request";
constexpr std::size_t kMaxIdInMessage = 80;

// Types the store appends itself. AppendEvent refuses them, so a log cannot be forged to show
// a state the run was never in.
constexpr std::string_view kStoreEventTypes[] = {
    "queued", "started", "lease_expired", "progress", "cancel_requested", "succeeded", "failed",
    "canceled"};

std::int64_t UnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An id from a request, cut short for an error message.
std::string Shown(std::string_view id) { return TruncateUtf8(id, kMaxIdInMessage); }

Status RunNotFound(std::string_view id) {
  return NotFound(StrCat("run ", Shown(id), " not found"));
}

Status Unauthenticated(std::string_view why) {
  return Status(Code::kUnauthenticated, std::string(why));
}

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const std::string& s : scopes) out += out.empty() ? s : " " + s;
  return out;
}

std::vector<std::string> SplitScopes(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string s; in >> s;) out.push_back(s);
  return out;
}

Result<Run> RunFromRow(const Statement& q) {
  Run r;
  r.id = q.Text(0);
  r.tenant = q.Text(1);
  r.profile_name = q.Text(2);
  r.profile_revision = static_cast<int>(q.Int(3));
  r.profile_digest = q.Text(4);
  r.parameters = q.Text(5);
  r.idempotency_key = q.Text(6);
  r.request_digest = q.Text(7);
  std::optional<RunStatus> status = ParseRunStatus(q.Text(8));
  if (!status) return DataLoss(StrCat("run ", r.id, ": unknown status \"", q.Text(8), "\""));
  r.status = *status;
  r.progress = {q.Int(9), q.Int(10)};
  r.reason = q.Text(11);
  r.attempt = static_cast<int>(q.Int(12));
  r.worker = q.Text(13);
  r.lease_expires = q.Int(14);
  r.created_at = q.Int(15);
  r.started_at = q.Int(16);
  r.finished_at = q.Int(17);
  r.result = q.Text(18);
  r.cancel_requested = q.Int(19) != 0;
  return r;
}

StoredProfile ProfileFromRow(const Statement& q) {
  return {q.Text(0), q.Text(1), static_cast<int>(q.Int(2)), q.Text(3), q.Text(4), q.Int(5)};
}

TokenInfo TokenFromRow(const Statement& q) {
  return {q.Text(0), q.Text(1), q.Text(2), SplitScopes(q.Text(3)), q.Int(4), q.Int(5)};
}

// The run `id`, of `tenant` unless that is empty (worker calls, which have no tenant).
Result<Run> LoadRun(Database& db, std::string_view tenant, std::string_view id) {
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(db, StrCat(
      "SELECT ", kRunColumns, " FROM runs WHERE id = ?", tenant.empty() ? "" : " AND tenant = ?")));
  q.Bind(1, id);
  if (!tenant.empty()) q.Bind(2, tenant);
  EC_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return RunNotFound(id);
  return RunFromRow(q);
}

Status CheckRunInTenant(Database& db, std::string_view tenant, std::string_view id) {
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(db,
      "SELECT 1 FROM runs WHERE id = ? AND tenant = ?"));
  q.Bind(1, id).Bind(2, tenant);
  EC_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? OkStatus() : RunNotFound(id);
}

Status InsertRun(Database& db, const Run& r) {
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(db, StrCat(
      "INSERT INTO runs (", kRunColumns, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
      " ?, ?, ?, ?, ?)")));
  q.Bind(1, r.id).Bind(2, r.tenant).Bind(3, r.profile_name).Bind(4, r.profile_revision)
      .Bind(5, r.profile_digest).Bind(6, r.parameters).Bind(7, r.idempotency_key)
      .Bind(8, r.request_digest).Bind(9, RunStatusName(r.status)).Bind(10, r.progress.done)
      .Bind(11, r.progress.total).Bind(12, r.reason).Bind(13, r.attempt).Bind(14, r.worker)
      .Bind(15, r.lease_expires).Bind(16, r.created_at).Bind(17, r.started_at)
      .Bind(18, r.finished_at).Bind(19, r.result).Bind(20, r.cancel_requested ? 1 : 0);
  return q.Run();
}

// The next id after every existing one (see Run). Called under the write lock.
Result<std::string> NewRunId(Database& db) {
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(db, "SELECT MAX(id) FROM runs"));
  EC_ASSIGN_OR_RETURN(bool row, q.Step());
  std::string last = row ? q.Text(0) : "";
  std::string id = NewSortableId("run-", UnixMillis());
  return !last.empty() && id <= last ? NextSortableId(last) : id;
}

Result<std::int64_t> AppendEventIn(Database& db, std::string_view run_id, std::string_view type,
                                   std::string_view data, std::int64_t now) {
  EC_ASSIGN_OR_RETURN(Statement next, Statement::Prepare(db,
      "SELECT COALESCE(MAX(seq), 0) + 1 FROM run_events WHERE run_id = ?"));
  next.Bind(1, run_id);
  EC_ASSIGN_OR_RETURN(bool row, next.Step());
  const std::int64_t seq = row ? next.Int(0) : 1;
  next.Reset();
  EC_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db,
      "INSERT INTO run_events (run_id, seq, type, data, time) VALUES (?, ?, ?, ?, ?)"));
  EC_RETURN_IF_ERROR(
      insert.Bind(1, run_id).Bind(2, seq).Bind(3, type).Bind(4, data).Bind(5, now).Run());
  return seq;
}

// Ends `run` (held or queued) as `status`, with its event.
Status FinishIn(Database& db, Run& run, RunStatus status, std::string_view reason,
                std::string_view result, std::int64_t now) {
  run.status = status;
  run.reason = TruncateUtf8(ToStorableText(reason), kMaxReasonBytes);
  run.result = result.empty() ? "{}" : std::string(result);
  run.finished_at = now;
  run.lease_expires = 0;
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(db,
      "UPDATE runs SET status = ?, reason = ?, result = ?, finished_at = ?, lease_expires = 0"
      " WHERE id = ?"));
  EC_RETURN_IF_ERROR(q.Bind(1, RunStatusName(status)).Bind(2, run.reason).Bind(3, run.result)
                         .Bind(4, now).Bind(5, run.id).Run());
  json::Json data = json::Json::object();
  if (!run.reason.empty()) data["reason"] = run.reason;
  if (auto parsed = json::Parse(run.result, "run result");
      parsed.ok() && !(parsed->is_object() && parsed->empty())) {
    data["result"] = *parsed;
  }
  return AppendEventIn(db, run.id, RunStatusName(status), json::Compact(data), now).status();
}

// Why `worker` may not heartbeat or finish `run`.
Status NotHeld(const Run& run, std::string_view worker) {
  if (IsTerminal(run.status)) {
    return FailedPrecondition(StrCat("run ", run.id, " already ", RunStatusName(run.status),
                                     "; worker ", worker, " no longer holds it"));
  }
  if (run.status == RunStatus::kQueued) {
    return FailedPrecondition(StrCat("run ", run.id, " is queued; worker ", worker,
                                     " does not hold it"));
  }
  return FailedPrecondition(StrCat("run ", run.id, " is held by worker ", run.worker,
                                   " (attempt ", run.attempt, "); worker ", worker,
                                   " lost its lease"));
}

Status SetUpSchema(Database& db) {
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));
  EC_RETURN_IF_ERROR(db.Exec(kSchemaVersionTable));
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(db,
      "SELECT MAX(version) FROM schema_version"));
  EC_ASSIGN_OR_RETURN(bool row, q.Step());
  const bool fresh = !row || q.IsNull(0);
  const std::int64_t version = fresh ? 0 : q.Int(0);
  q.Reset();
  if (version > kSchemaVersion) {
    return FailedPrecondition(StrCat("schema version ", version, " is newer than this build's (",
                                     kSchemaVersion, "); use a newer export-center"));
  }
  EC_RETURN_IF_ERROR(db.Exec(kSchema));
  // Migrations from older versions go here, one step per version.
  if (fresh) {
    EC_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db,
        "INSERT INTO schema_version (version) VALUES (?)"));
    EC_RETURN_IF_ERROR(insert.Bind(1, kSchemaVersion).Run());
  }
  return tx.Commit();
}

// SQLite would create the file 0644 (less the umask); it holds token hashes and the audit log.
Status CreatePrivateFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return Unavailable(StrCat("create ", path.parent_path().string(), ": ", ec.message()));
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable(StrCat("create ", path.string(), ": ", std::strerror(errno)));
  ::close(fd);
  return OkStatus();
}

}  // namespace

SqliteRunStore::SqliteRunStore(std::filesystem::path path, RunStoreOptions options,
                               std::unique_ptr<ConnectionPool> pool)
    : path_(std::move(path)), options_(options), pool_(std::move(pool)) {}

SqliteRunStore::~SqliteRunStore() = default;

Result<std::unique_ptr<SqliteRunStore>> SqliteRunStore::Open(const std::filesystem::path& path,
                                                             RunStoreOptions options) {
  if (options.max_attempts < 1) {
    return InvalidArgument(StrCat("max_attempts ", options.max_attempts, ": use 1 or more"));
  }
  EC_RETURN_IF_ERROR(CreatePrivateFile(path));
  auto pool = std::make_unique<ConnectionPool>(path, nullptr);
  {
    EC_ASSIGN_OR_RETURN(auto db, pool->Acquire());
    EC_RETURN_IF_ERROR(SetUpSchema(*db).WithPrefix(StrCat("open run store ", path.string())));
  }
  return std::unique_ptr<SqliteRunStore>(new SqliteRunStore(path, options, std::move(pool)));
}

// --- Profiles -------------------------------------------------------------------------------

Status SqliteRunStore::PutProfile(const StoredProfile& p) {
  EC_RETURN_IF_ERROR(CheckStoredProfile(p));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT digest FROM profiles WHERE tenant = ? AND name = ? AND revision = ?"));
  q.Bind(1, p.tenant).Bind(2, p.name).Bind(3, p.revision);
  EC_ASSIGN_OR_RETURN(bool exists, q.Step());
  if (exists) {
    const std::string digest = q.Text(0);
    q.Reset();
    if (digest == p.digest) return OkStatus();  // the same revision published again
    EC_ASSIGN_OR_RETURN(Statement latest, Statement::Prepare(*db,
        "SELECT MAX(revision) FROM profiles WHERE tenant = ? AND name = ?"));
    latest.Bind(1, p.tenant).Bind(2, p.name);
    EC_ASSIGN_OR_RETURN(bool row, latest.Step());
    const std::int64_t next = (row ? latest.Int(0) : p.revision) + 1;
    return FailedPrecondition(StrCat("profile ", p.tenant, "/", p.name, " r", p.revision,
                                     " exists with ", digest,
                                     "; revisions are immutable, publish r", next));
  }
  q.Reset();
  EC_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(*db, StrCat(
      "INSERT INTO profiles (", kProfileColumns, ") VALUES (?, ?, ?, ?, ?, ?)")));
  EC_RETURN_IF_ERROR(insert.Bind(1, p.tenant).Bind(2, p.name).Bind(3, p.revision)
                         .Bind(4, p.digest).Bind(5, p.document).Bind(6, p.created_at).Run());
  return tx.Commit();
}

Result<StoredProfile> SqliteRunStore::GetProfile(std::string_view tenant, std::string_view name,
                                                 std::optional<int> revision) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_RETURN_IF_ERROR(CheckName("profile name", name));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db, StrCat(
      "SELECT ", kProfileColumns, " FROM profiles WHERE tenant = ? AND name = ?",
      revision ? " AND revision = ?" : " ORDER BY revision DESC LIMIT 1")));
  q.Bind(1, tenant).Bind(2, name);
  if (revision) q.Bind(3, *revision);
  EC_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) {
    return NotFound(StrCat("profile ", tenant, "/", name,
                           revision ? StrCat(" r", *revision) : std::string(), " not found"));
  }
  return ProfileFromRow(q);
}

Result<std::vector<StoredProfile>> SqliteRunStore::ListProfiles(std::string_view tenant) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db, StrCat(
      "SELECT ", kProfileColumns, " FROM profiles p WHERE tenant = ? AND revision = ("
      "SELECT MAX(revision) FROM profiles l WHERE l.tenant = p.tenant AND l.name = p.name)"
      " ORDER BY name")));
  q.Bind(1, tenant);
  std::vector<StoredProfile> out;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(ProfileFromRow(q));
  }
}

// --- Runs -----------------------------------------------------------------------------------

Result<std::pair<Run, bool>> SqliteRunStore::CreateRun(const NewRun& in) {
  EC_RETURN_IF_ERROR(CheckNewRun(in));
  const std::string request_digest =
      in.request_digest.empty() ? DefaultRequestDigest(in) : in.request_digest;
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  if (!in.idempotency_key.empty()) {
    EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db, StrCat(
        "SELECT ", kRunColumns, " FROM runs WHERE tenant = ? AND idempotency_key = ?")));
    q.Bind(1, in.tenant).Bind(2, in.idempotency_key);
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) {
      EC_ASSIGN_OR_RETURN(Run original, RunFromRow(q));
      if (original.request_digest != request_digest) {
        return FailedPrecondition(StrCat("Idempotency-Key ", in.idempotency_key,
                                         " was used for another request (run ", original.id,
                                         ")"));
      }
      return std::make_pair(std::move(original), false);
    }
  }
  Run run;
  EC_ASSIGN_OR_RETURN(run.id, NewRunId(*db));
  run.tenant = in.tenant;
  run.profile_name = in.profile_name;
  run.profile_revision = in.profile_revision;
  run.profile_digest = in.profile_digest;
  run.parameters = in.parameters;
  run.idempotency_key = in.idempotency_key;
  run.request_digest = request_digest;
  run.created_at = in.created_at;
  EC_RETURN_IF_ERROR(InsertRun(*db, run));
  json::Json data = {{"profile", run.profile_name}, {"revision", run.profile_revision},
                     {"digest", run.profile_digest}};
  EC_RETURN_IF_ERROR(AppendEventIn(*db, run.id, "queued", json::Compact(data), in.created_at));
  EC_RETURN_IF_ERROR(tx.Commit());
  return std::make_pair(std::move(run), true);
}

Result<Run> SqliteRunStore::GetRun(std::string_view tenant, std::string_view id) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  return LoadRun(*db, tenant, id);
}

Result<RunPage> SqliteRunStore::ListRuns(std::string_view tenant, const RunFilter& filter,
                                         const PageRequest& page) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  if (page.after.size() > kMaxNameBytes) return InvalidArgument("page cursor is too long");
  const int limit = PageLimit(page.limit, kDefaultPageSize, kMaxPageSize);
  std::string sql = StrCat("SELECT ", kRunColumns, " FROM runs WHERE tenant = ?");
  std::vector<std::string> values = {std::string(tenant)};
  if (filter.status) {
    sql += " AND status = ?";
    values.emplace_back(RunStatusName(*filter.status));
  }
  if (!filter.profile.empty()) {
    sql += " AND profile_name = ?";
    values.push_back(filter.profile);
  }
  if (!page.after.empty()) {
    sql += " AND id < ?";
    values.push_back(page.after);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db, sql));
  for (std::size_t i = 0; i < values.size(); ++i) q.Bind(static_cast<int>(i + 1), values[i]);
  // One row more than the page: if it comes, there is a next page.
  q.Bind(static_cast<int>(values.size() + 1), std::int64_t{limit} + 1);
  RunPage out;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    if (out.runs.size() == static_cast<std::size_t>(limit)) {
      out.next = out.runs.back().id;
      break;
    }
    EC_ASSIGN_OR_RETURN(Run run, RunFromRow(q));
    out.runs.push_back(std::move(run));
  }
  return out;
}

// --- Queue ----------------------------------------------------------------------------------

Result<std::optional<Run>> SqliteRunStore::ClaimNextRun(std::string_view worker, std::int64_t now,
                                                        std::int64_t lease_seconds) {
  EC_RETURN_IF_ERROR(CheckName("worker", worker));
  EC_RETURN_IF_ERROR(CheckLeaseSeconds(lease_seconds));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Statement pick, Statement::Prepare(*db, StrCat(
      "SELECT ", kRunColumns, " FROM runs WHERE status = 'queued'"
      " OR (status = 'running' AND lease_expires <= ?) ORDER BY id LIMIT 1")));
  // Each pass either claims a run or finishes one that must not run again, so this ends.
  while (true) {
    pick.Reset();
    pick.Bind(1, now);
    EC_ASSIGN_OR_RETURN(bool row, pick.Step());
    if (!row) {
      EC_RETURN_IF_ERROR(tx.Commit());
      return std::optional<Run>();
    }
    EC_ASSIGN_OR_RETURN(Run run, RunFromRow(pick));
    pick.Reset();
    if (run.status == RunStatus::kRunning) {  // its worker stopped heartbeating
      if (run.cancel_requested) {
        EC_RETURN_IF_ERROR(FinishIn(*db, run, RunStatus::kCanceled, kCancelReason, "", now));
        continue;
      }
      if (run.attempt >= options_.max_attempts) {
        EC_RETURN_IF_ERROR(FinishIn(*db, run, RunStatus::kFailed, StrCat(
            "lease expired on attempt ", run.attempt, " of ", options_.max_attempts,
            " (last worker ", run.worker, ")"), "", now));
        continue;
      }
      json::Json expired = {{"worker", run.worker}, {"attempt", run.attempt}};
      EC_RETURN_IF_ERROR(AppendEventIn(*db, run.id, "lease_expired", json::Compact(expired), now));
    }
    run.status = RunStatus::kRunning;
    run.attempt += 1;
    run.worker = std::string(worker);
    run.lease_expires = now + lease_seconds;
    if (run.started_at == 0) run.started_at = now;
    EC_ASSIGN_OR_RETURN(Statement update, Statement::Prepare(*db,
        "UPDATE runs SET status = 'running', attempt = ?, worker = ?, lease_expires = ?,"
        " started_at = ? WHERE id = ?"));
    EC_RETURN_IF_ERROR(update.Bind(1, run.attempt).Bind(2, run.worker).Bind(3, run.lease_expires)
                           .Bind(4, run.started_at).Bind(5, run.id).Run());
    json::Json started = {{"worker", run.worker}, {"attempt", run.attempt}};
    EC_RETURN_IF_ERROR(AppendEventIn(*db, run.id, "started", json::Compact(started), now));
    EC_RETURN_IF_ERROR(tx.Commit());
    return std::optional<Run>(std::move(run));
  }
}

Result<HeartbeatReply> SqliteRunStore::Heartbeat(std::string_view id, std::string_view worker,
                                                 std::int64_t now, std::int64_t lease_seconds,
                                                 Progress progress) {
  EC_RETURN_IF_ERROR(CheckName("worker", worker));
  EC_RETURN_IF_ERROR(CheckLeaseSeconds(lease_seconds));
  if (progress.done < 0 || progress.total < 0) {
    return InvalidArgument(StrCat("run ", Shown(id), ": negative progress ", progress.done, "/",
                                  progress.total));
  }
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Run run, LoadRun(*db, "", id));
  if (run.status != RunStatus::kRunning || run.worker != worker) return NotHeld(run, worker);
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "UPDATE runs SET lease_expires = ?, progress_done = ?, progress_total = ? WHERE id = ?"));
  EC_RETURN_IF_ERROR(q.Bind(1, now + lease_seconds).Bind(2, progress.done)
                         .Bind(3, progress.total).Bind(4, run.id).Run());
  if (progress != run.progress) {
    json::Json data = {{"done", progress.done}, {"total", progress.total}};
    EC_RETURN_IF_ERROR(AppendEventIn(*db, run.id, "progress", json::Compact(data), now));
  }
  EC_RETURN_IF_ERROR(tx.Commit());
  return HeartbeatReply{run.cancel_requested};
}

Status SqliteRunStore::FinishRun(std::string_view id, std::string_view worker, RunStatus status,
                                 std::string_view reason, std::string_view result_json,
                                 std::int64_t now) {
  EC_RETURN_IF_ERROR(CheckName("worker", worker));
  if (!IsTerminal(status)) {
    return InvalidArgument(StrCat("run ", Shown(id), ": cannot finish as ",
                                  RunStatusName(status)));
  }
  if (status == RunStatus::kFailed && reason.empty()) {
    return InvalidArgument(StrCat("run ", Shown(id), ": a failed run needs a reason"));
  }
  const std::string_view result = result_json.empty() ? std::string_view("{}") : result_json;
  EC_RETURN_IF_ERROR(CheckJson(StrCat("run ", Shown(id), " result"), result, kMaxJsonBytes, true));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Run run, LoadRun(*db, "", id));
  if (IsTerminal(run.status) && run.status == status && run.worker == worker) {
    return OkStatus();  // a retried finish: already done
  }
  if (run.status != RunStatus::kRunning || run.worker != worker) return NotHeld(run, worker);
  if (status == RunStatus::kCanceled && !run.cancel_requested) {
    return FailedPrecondition(StrCat("run ", run.id, ": cannot finish as canceled, nobody"
                                     " asked to cancel it"));
  }
  std::string_view why = status == RunStatus::kCanceled && reason.empty() ? kCancelReason : reason;
  EC_RETURN_IF_ERROR(FinishIn(*db, run, status, why, result, now));
  return tx.Commit();
}

Status SqliteRunStore::RequestCancel(std::string_view tenant, std::string_view id,
                                     std::int64_t now) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Run run, LoadRun(*db, tenant, id));
  switch (run.status) {
    case RunStatus::kCanceled:
      return OkStatus();
    case RunStatus::kSucceeded:
    case RunStatus::kFailed:
      return FailedPrecondition(StrCat("run ", run.id, " already ", RunStatusName(run.status),
                                       "; too late to cancel"));
    case RunStatus::kQueued:
      EC_RETURN_IF_ERROR(FinishIn(*db, run, RunStatus::kCanceled, kCancelReason, "", now));
      break;
    case RunStatus::kRunning: {
      if (run.cancel_requested) return OkStatus();
      EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
          "UPDATE runs SET cancel_requested = 1 WHERE id = ?"));
      EC_RETURN_IF_ERROR(q.Bind(1, run.id).Run());
      EC_RETURN_IF_ERROR(AppendEventIn(*db, run.id, "cancel_requested", "{}", now));
      break;
    }
  }
  return tx.Commit();
}

Result<std::int64_t> SqliteRunStore::QueueDepth() {
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT COUNT(*) FROM runs WHERE status = 'queued'"));
  EC_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? q.Int(0) : 0;
}

// --- Events ---------------------------------------------------------------------------------

Result<std::int64_t> SqliteRunStore::AppendEvent(std::string_view run_id, std::string_view type,
                                                 std::string_view data_json, std::int64_t now) {
  EC_RETURN_IF_ERROR(CheckEventType(type));
  for (std::string_view reserved : kStoreEventTypes) {
    if (type == reserved) {
      return InvalidArgument(StrCat("event type ", type, " is recorded by the run store itself"));
    }
  }
  const std::string_view data = data_json.empty() ? std::string_view("{}") : data_json;
  EC_RETURN_IF_ERROR(CheckJson(StrCat("event ", type, " data"), data, kMaxJsonBytes, false));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Run run, LoadRun(*db, "", run_id));
  if (IsTerminal(run.status)) {
    return FailedPrecondition(StrCat("run ", run.id, " already ", RunStatusName(run.status),
                                     "; its event log is closed"));
  }
  EC_ASSIGN_OR_RETURN(std::int64_t seq, AppendEventIn(*db, run.id, type, data, now));
  EC_RETURN_IF_ERROR(tx.Commit());
  return seq;
}

Result<std::vector<RunEvent>> SqliteRunStore::Events(std::string_view tenant,
                                                     std::string_view run_id,
                                                     std::int64_t after_seq, int limit) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_RETURN_IF_ERROR(CheckRunInTenant(*db, tenant, run_id));
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT run_id, seq, type, data, time FROM run_events WHERE run_id = ? AND seq > ?"
      " ORDER BY seq LIMIT ?"));
  q.Bind(1, run_id).Bind(2, after_seq).Bind(3, PageLimit(limit, kMaxEventPage, kMaxEventPage));
  std::vector<RunEvent> out;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back({q.Text(0), q.Int(1), q.Text(2), q.Text(3), q.Int(4)});
  }
}

// --- Distributions --------------------------------------------------------------------------

Result<bool> SqliteRunStore::RecordDistribution(std::string_view run_id, std::string_view target,
                                                std::string_view digest, std::int64_t now) {
  if (target.empty() || target.size() > kMaxTargetBytes) {
    return InvalidArgument(StrCat("run ", Shown(run_id), ": distribution target must be 1 to ",
                                  kMaxTargetBytes, " bytes"));
  }
  EC_RETURN_IF_ERROR(CheckDigest(StrCat("distribution to ", target), digest));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Run run, LoadRun(*db, "", run_id));
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "INSERT INTO distributions (run_id, target, digest, recorded_at) VALUES (?, ?, ?, ?)"
      " ON CONFLICT (run_id, target, digest) DO NOTHING"));
  EC_RETURN_IF_ERROR(q.Bind(1, run.id).Bind(2, target).Bind(3, digest).Bind(4, now).Run());
  const bool created = sqlite3_changes(db->get()) > 0;
  EC_RETURN_IF_ERROR(tx.Commit());
  return created;
}

Result<std::vector<DistributionRecord>> SqliteRunStore::Distributions(
    std::string_view tenant, std::string_view run_id) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_RETURN_IF_ERROR(CheckRunInTenant(*db, tenant, run_id));
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT run_id, target, digest, recorded_at FROM distributions WHERE run_id = ?"
      " ORDER BY rowid"));
  q.Bind(1, run_id);
  std::vector<DistributionRecord> out;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back({q.Text(0), q.Text(1), q.Text(2), q.Int(3)});
  }
}

// --- Tokens ---------------------------------------------------------------------------------

Result<IssuedToken> SqliteRunStore::CreateToken(std::string_view tenant, std::string_view name,
                                                const std::vector<std::string>& scopes,
                                                std::int64_t now) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_RETURN_IF_ERROR(CheckName("token name", name));
  EC_ASSIGN_OR_RETURN(std::vector<std::string> granted, NormaliseScopes(scopes));
  IssuedToken out;
  out.secret = NewTokenSecret();
  out.token = {NewSortableId("tok-", UnixMillis()), std::string(tenant), std::string(name),
               std::move(granted), now, 0};
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT id FROM tokens WHERE tenant = ? AND name = ? AND revoked_at = 0"));
  q.Bind(1, tenant).Bind(2, name);
  EC_ASSIGN_OR_RETURN(bool exists, q.Step());
  if (exists) {
    return AlreadyExists(StrCat("token ", tenant, "/", name, " exists (", q.Text(0),
                                "); revoke it before reusing the name"));
  }
  q.Reset();
  EC_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(*db,
      "INSERT INTO tokens (id, tenant, name, secret_sha256, scopes, created_at, revoked_at)"
      " VALUES (?, ?, ?, ?, ?, ?, 0)"));
  EC_RETURN_IF_ERROR(insert.Bind(1, out.token.id).Bind(2, tenant).Bind(3, name)
                         .Bind(4, TokenSecretHash(out.secret))
                         .Bind(5, JoinScopes(out.token.scopes)).Bind(6, now).Run());
  EC_RETURN_IF_ERROR(tx.Commit());
  return out;
}

Result<Principal> SqliteRunStore::Authenticate(std::string_view secret) {
  // The same answer for every failure: a caller learns nothing about which tokens exist.
  constexpr std::string_view kRefused = "unknown or revoked API token";
  if (!secret.starts_with(kTokenSecretPrefix) || secret.size() > kMaxNameBytes) {
    return Unauthenticated(kRefused);
  }
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT id, name, tenant, scopes FROM tokens WHERE secret_sha256 = ? AND revoked_at = 0"));
  q.Bind(1, TokenSecretHash(secret));
  EC_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Unauthenticated(kRefused);
  return Principal{q.Text(0), q.Text(1), q.Text(2), SplitScopes(q.Text(3))};
}

Status SqliteRunStore::RevokeToken(std::string_view tenant, std::string_view id,
                                   std::int64_t now) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT revoked_at FROM tokens WHERE tenant = ? AND id = ?"));
  q.Bind(1, tenant).Bind(2, id);
  EC_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFound(StrCat("token ", Shown(id), " not found"));
  const bool revoked = q.Int(0) != 0;
  q.Reset();
  if (revoked) return OkStatus();
  EC_ASSIGN_OR_RETURN(Statement update, Statement::Prepare(*db,
      "UPDATE tokens SET revoked_at = ? WHERE id = ?"));
  EC_RETURN_IF_ERROR(update.Bind(1, now).Bind(2, id).Run());
  return tx.Commit();
}

Result<std::vector<TokenInfo>> SqliteRunStore::ListTokens(std::string_view tenant) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db, StrCat(
      "SELECT ", kTokenColumns, " FROM tokens WHERE tenant = ? ORDER BY created_at, id")));
  q.Bind(1, tenant);
  std::vector<TokenInfo> out;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(TokenFromRow(q));
  }
}

// --- Audit ----------------------------------------------------------------------------------

Result<std::int64_t> SqliteRunStore::AppendAudit(const AuditEntry& e) {
  EC_RETURN_IF_ERROR(CheckAudit(e));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "INSERT INTO audit (time, tenant, actor, action, object, outcome, detail)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)"));
  EC_RETURN_IF_ERROR(q.Bind(1, e.time).Bind(2, e.tenant).Bind(3, ToStorableText(e.actor)).Bind(4, ToStorableText(e.action))
                         .Bind(5, ToStorableText(e.object)).Bind(6, ToStorableText(e.outcome))
                         .Bind(7, TruncateUtf8(ToStorableText(e.detail), kMaxAuditDetailBytes)).Run());
  // The connection is this caller's alone until the lease ends, so the rowid is ours.
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db->get()));
}

Result<std::vector<AuditEntry>> SqliteRunStore::ListAudit(std::string_view tenant,
                                                          std::int64_t after_seq, int limit) {
  if (!tenant.empty()) EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT seq, time, tenant, actor, action, object, outcome, detail FROM audit"
      " WHERE tenant = ? AND seq > ? ORDER BY seq LIMIT ?"));
  q.Bind(1, tenant).Bind(2, after_seq).Bind(3, PageLimit(limit, kMaxEventPage, kMaxEventPage));
  std::vector<AuditEntry> out;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back({q.Int(0), q.Int(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6),
                   q.Text(7)});
  }
}

}  // namespace ec::service
