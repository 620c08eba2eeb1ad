#include "service/postgres_run_store.h"

#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <concepts>
#include <condition_variable>
#include <mutex>
#include <sstream>

#include "json/parse.h"

namespace ec::service {

// --- libpq, RAII ----------------------------------------------------------------------------

namespace pg {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using ResultHandle = std::unique_ptr<PGresult, ResultDeleter>;
using ConnHandle = std::unique_ptr<PGconn, ConnDeleter>;

constexpr std::size_t kMaxSqlInMessage = 120;
constexpr auto kAcquireTimeout = std::chrono::seconds(30);

// libpq's messages end in a newline and may span lines; errors here are one line.
std::string OneLine(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The statement, short enough for an error message: a long column list becomes "…", so the
// table and the condition stay in view.
std::string Excerpt(std::string_view sql) {
  std::string text(sql);
  if (text.size() > kMaxSqlInMessage && text.starts_with("SELECT ")) {
    if (std::size_t from = text.find(" FROM "); from != std::string::npos && from > 40) {
      text = "SELECT ..." + text.substr(from);
    }
  }
  if (text.size() > kMaxSqlInMessage) text = TruncateUtf8(text, kMaxSqlInMessage) + "...";
  return text;
}

// SQLSTATEs after which the same call may succeed: connection exceptions (08), operator
// intervention (57: shutdown, cancel), insufficient resources (53: too many connections),
// serialization failure and deadlock (40001, 40P01), lock not available (55P03).
Code CodeOf(std::string_view state) {
  if (state.starts_with("08") || state.starts_with("57") || state.starts_with("53") ||
      state == "40001" || state == "40P01" || state == "55P03") {
    return Code::kUnavailable;
  }
  if (state.starts_with("22")) return Code::kInvalidArgument;  // data exception
  return Code::kInternal;
}

Status ErrorOf(PGconn* conn, const PGresult* r, std::string_view sql) {
  std::string message;
  std::string state;
  if (r != nullptr) {
    if (const char* m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)) message = m;
    if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
  }
  if (message.empty()) message = OneLine(PQerrorMessage(conn));
  if (message.empty()) message = "no answer from the server";
  Code code = PQstatus(conn) == CONNECTION_BAD ? Code::kUnavailable : CodeOf(state);
  return Status(code, StrCat("postgres: ", OneLine(message),
                             state.empty() ? std::string() : StrCat(" [SQLSTATE ", state, "]"),
                             " (in: ", Excerpt(sql), ")"));
}


// One statement parameter, sent as text; PostgreSQL infers (or the SQL casts) its type.
struct Param {
  Param(std::string_view s) : text(s) {}      // NOLINT: implicit by design
  Param(const char* s) : text(s) {}           // NOLINT
  Param(const std::string& s) : text(s) {}    // NOLINT
  Param(bool b) : text(b ? "true" : "false") {}  // NOLINT
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  Param(T v) : text(std::to_string(v)) {}  // NOLINT
  std::string text;
};

// A statement's answer; every value is read as text.
class Rows {
 public:
  explicit Rows(ResultHandle r) : r_(std::move(r)) {}
  int size() const { return PQntuples(r_.get()); }
  bool empty() const { return size() == 0; }
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col),
                       static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
  }
  std::int64_t Int(int row, int col) const {
    const char* v = PQgetvalue(r_.get(), row, col);
    std::int64_t out = 0;
    (void)std::from_chars(v, v + PQgetlength(r_.get(), row, col), out);
    return out;
  }
  bool Bool(int row, int col) const { return PQgetvalue(r_.get(), row, col)[0] == 't'; }
  // Rows an INSERT, UPDATE or DELETE touched.
  std::int64_t Affected() const {
    const char* v = PQcmdTuples(r_.get());
    std::int64_t out = 0;
    (void)std::from_chars(v, v + std::char_traits<char>::length(v), out);
    return out;
  }

 private:
  ResultHandle r_;
};

// One server connection, used by one caller at a time.
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& url) {
    // Keywords before dbname are defaults the URL may override; those after it are forced.
    const char* const keys[] = {"connect_timeout", "application_name", "dbname",
                                "client_encoding", nullptr};
    const char* const values[] = {"10", "export-center", url.c_str(), "UTF8", nullptr};
    ConnHandle conn(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
    if (conn == nullptr) return Unavailable("postgres: cannot allocate a connection");
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      return Unavailable(StrCat("postgres: ", OneLine(PQerrorMessage(conn.get()))));
    }
    // Notices ("relation already exists, skipping") would go to stderr.
    PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
    return std::unique_ptr<Connection>(new Connection(std::move(conn)));
  }

  // One parameterised statement. Outside a transaction, a connection the server dropped
  // (restart, idle timeout, failover) is reset and the statement sent once more: outside a
  // transaction only BEGIN and reads run, and sending those twice is harmless.
  Result<Rows> Exec(std::string_view sql, const std::vector<Param>& params = {}) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) {
      if (p.text.find('\0') != std::string::npos) {
        return InvalidArgument(StrCat("postgres: a value contains a NUL byte, which PostgreSQL"
                                      " text cannot hold (in: ", Excerpt(sql), ")"));
      }
      values.push_back(p.text.c_str());
    }
    const std::string text(sql);
    for (int attempt = 0;; ++attempt) {
      ResultHandle r(PQexecParams(conn_.get(), text.c_str(), static_cast<int>(values.size()),
                                  nullptr, values.data(), nullptr, nullptr, 0));
      const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
      if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Rows(std::move(r));
      if (attempt == 0 && !in_transaction_ && PQstatus(conn_.get()) == CONNECTION_BAD) {
        PQreset(conn_.get());
        if (PQstatus(conn_.get()) == CONNECTION_OK) continue;
        return Unavailable(StrCat("postgres: reconnecting: ", OneLine(PQerrorMessage(conn_.get())),
                                  " (in: ", Excerpt(sql), ")"));
      }
      return ErrorOf(conn_.get(), r.get(), sql);
    }
  }

  // Several statements without parameters (the schema), in the simple query protocol.
  Status Script(std::string_view sql) {
    const std::string text(sql);
    ResultHandle r(PQexec(conn_.get(), text.c_str()));
    const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return OkStatus();
    return ErrorOf(conn_.get(), r.get(), sql);
  }

  Status Begin() {
    EC_RETURN_IF_ERROR(Exec("BEGIN ISOLATION LEVEL READ COMMITTED"));
    in_transaction_ = true;
    return OkStatus();
  }
  Status Commit() {
    Status s = Exec("COMMIT").status();
    in_transaction_ = false;
    return s;
  }
  void Rollback() {
    (void)Exec("ROLLBACK");
    in_transaction_ = false;
  }

  // Fit to go back to the pool: connected and not inside a transaction.
  bool Reusable() const {
    return !in_transaction_ && PQstatus(conn_.get()) == CONNECTION_OK &&
           PQtransactionStatus(conn_.get()) == PQTRANS_IDLE;
  }

 private:
  explicit Connection(ConnHandle conn) : conn_(std::move(conn)) {}
  ConnHandle conn_;
  bool in_transaction_ = false;
};

// BEGIN … COMMIT, rolled back unless committed.
class Transaction {
 public:
  static Result<Transaction> Begin(Connection& db) {
    EC_RETURN_IF_ERROR(db.Begin());
    return Transaction(db);
  }
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction() {
    if (db_ != nullptr) db_->Rollback();
  }
  Status Commit() {
    Connection* db = db_;
    db_ = nullptr;
    return db->Commit();
  }

 private:
  explicit Transaction(Connection& db) : db_(&db) {}
  Connection* db_;
};

}  // namespace

// Connections to one database, one per concurrent caller, at most `max` open.
class ConnectionPool {
 public:
  ConnectionPool(std::string url, std::size_t max) : url_(std::move(url)), max_(max) {}

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> db)
        : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (db_) pool_->Release(std::move(db_));
    }
    Connection& operator*() { return *db_; }
    Connection* operator->() { return db_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> db_;
  };

  Result<Lease> Acquire() {
    {
      std::unique_lock lock(mu_);
      if (!free_.wait_for(lock, kAcquireTimeout,
                          [&] { return !idle_.empty() || open_ < max_; })) {
        return Unavailable(StrCat("postgres: all ", max_, " connections stayed busy for ",
                                  kAcquireTimeout.count(), "s"));
      }
      if (!idle_.empty()) {
        std::unique_ptr<Connection> db = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(db));
      }
      ++open_;
    }
    auto db = Connection::Open(url_);
    if (!db.ok()) {
      std::lock_guard lock(mu_);
      --open_;
      free_.notify_one();
      return db.status();
    }
    return Lease(this, std::move(db).value());
  }

 private:
  void Release(std::unique_ptr<Connection> db) {
    const bool keep = db->Reusable();
    if (!keep) db.reset();  // closed outside the lock
    std::lock_guard lock(mu_);
    if (keep) {
      idle_.push_back(std::move(db));
    } else {
      --open_;
    }
    free_.notify_one();
  }

  const std::string url_;
  const std::size_t max_;
  std::mutex mu_;
  std::condition_variable free_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle and leased
};

}  // namespace pg

// --- The store ------------------------------------------------------------------------------

namespace {

using pg::Connection;
using pg::ConnectionPool;
using pg::Rows;
using pg::Transaction;

// Bump with a migration step in SetUpSchema when the tables change.
constexpr std::int64_t kSchemaVersion = 1;

// Held (pg_advisory_xact_lock) while the schema is created or checked.
constexpr std::int64_t kSchemaLockKey = 0x65632d72756e73;  // "ec-runs"

constexpr std::string_view kSchemaVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";

// The SQLite store's tables with PostgreSQL's types. Unset times are 0 rather than NULL.
// run_store_locks holds one row per lock point (see the header). distributions.position keeps
// insertion order, which SQLite's rowid gives.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS profiles (
  tenant TEXT COLLATE "C" NOT NULL, name TEXT COLLATE "C" NOT NULL, revision INTEGER NOT NULL,
  digest TEXT NOT NULL, document TEXT NOT NULL, created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant, name, revision));
CREATE TABLE IF NOT EXISTS runs (
  id TEXT COLLATE "C" PRIMARY KEY, tenant TEXT COLLATE "C" NOT NULL,
  profile_name TEXT COLLATE "C" NOT NULL, profile_revision INTEGER NOT NULL,
  profile_digest TEXT NOT NULL, parameters TEXT NOT NULL,
  idempotency_key TEXT COLLATE "C" NOT NULL, request_digest TEXT NOT NULL,
  status TEXT COLLATE "C" NOT NULL, progress_done BIGINT NOT NULL,
  progress_total BIGINT NOT NULL, reason TEXT NOT NULL, attempt INTEGER NOT NULL,
  worker TEXT COLLATE "C" NOT NULL, lease_expires BIGINT NOT NULL, created_at BIGINT NOT NULL,
  started_at BIGINT NOT NULL, finished_at BIGINT NOT NULL, result TEXT NOT NULL,
  cancel_requested BOOLEAN NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS runs_by_idempotency_key ON runs (tenant, idempotency_key)
  WHERE idempotency_key <> '';
CREATE INDEX IF NOT EXISTS runs_by_tenant ON runs (tenant, id);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status, id);
CREATE INDEX IF NOT EXISTS runs_claimable ON runs (id) WHERE status IN ('queued', 'running');
CREATE TABLE IF NOT EXISTS run_events (
  run_id TEXT COLLATE "C" NOT NULL REFERENCES runs (id), seq BIGINT NOT NULL,
  type TEXT NOT NULL, data TEXT NOT NULL, time BIGINT NOT NULL, PRIMARY KEY (run_id, seq));
CREATE TABLE IF NOT EXISTS distributions (
  run_id TEXT COLLATE "C" NOT NULL REFERENCES runs (id), target TEXT COLLATE "C" NOT NULL,
  digest TEXT COLLATE "C" NOT NULL, recorded_at BIGINT NOT NULL,
  position BIGINT GENERATED ALWAYS AS IDENTITY, PRIMARY KEY (run_id, target, digest));
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT COLLATE "C" PRIMARY KEY, tenant TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL, secret_sha256 TEXT COLLATE "C" NOT NULL UNIQUE,
  scopes TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS tokens_by_active_name ON tokens (tenant, name)
  WHERE revoked_at = 0;
CREATE TABLE IF NOT EXISTS audit (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, time BIGINT NOT NULL,
  tenant TEXT COLLATE "C" NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  object TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_by_tenant ON audit (tenant, seq);
CREATE TABLE IF NOT EXISTS run_store_locks (name TEXT COLLATE "C" PRIMARY KEY);
INSERT INTO run_store_locks (name) VALUES ('run_id'), ('audit') ON CONFLICT DO NOTHING;
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
// CreateToken's tries when the conflicting token is revoked between its insert and its look.
constexpr int kTokenNameTries = 3;

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

// "postgres://user:secret@host/db?password=x" → "postgres://user:***@host/db?password=***".
std::string MaskPassword(std::string_view url) {
  std::string out(url);
  const std::size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const std::size_t start = scheme + 3;
    const std::size_t end = std::min(out.find_first_of("/?", start), out.size());
    const std::size_t at = out.rfind('@', end);
    if (at != std::string::npos && at >= start) {
      const std::size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (std::size_t pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    const std::size_t value = pos + 9;
    const std::size_t end = std::min(out.find('&', value), out.size());
    out.replace(value, end - value, "***");
  }
  return out;
}

Result<Run> RunFromRow(const Rows& q, int i) {
  Run r;
  r.id = q.Text(i, 0);
  r.tenant = q.Text(i, 1);
  r.profile_name = q.Text(i, 2);
  r.profile_revision = static_cast<int>(q.Int(i, 3));
  r.profile_digest = q.Text(i, 4);
  r.parameters = q.Text(i, 5);
  r.idempotency_key = q.Text(i, 6);
  r.request_digest = q.Text(i, 7);
  std::optional<RunStatus> status = ParseRunStatus(q.Text(i, 8));
  if (!status) return DataLoss(StrCat("run ", r.id, ": unknown status \"", q.Text(i, 8), "\""));
  r.status = *status;
  r.progress = {q.Int(i, 9), q.Int(i, 10)};
  r.reason = q.Text(i, 11);
  r.attempt = static_cast<int>(q.Int(i, 12));
  r.worker = q.Text(i, 13);
  r.lease_expires = q.Int(i, 14);
  r.created_at = q.Int(i, 15);
  r.started_at = q.Int(i, 16);
  r.finished_at = q.Int(i, 17);
  r.result = q.Text(i, 18);
  r.cancel_requested = q.Bool(i, 19);
  return r;
}

StoredProfile ProfileFromRow(const Rows& q, int i) {
  return {q.Text(i, 0), q.Text(i, 1), static_cast<int>(q.Int(i, 2)), q.Text(i, 3),
          q.Text(i, 4), q.Int(i, 5)};
}

TokenInfo TokenFromRow(const Rows& q, int i) {
  return {q.Text(i, 0), q.Text(i, 1), q.Text(i, 2), SplitScopes(q.Text(i, 3)), q.Int(i, 4),
          q.Int(i, 5)};
}

enum class Lock { kNone, kForUpdate };

// The run `id`, of `tenant` unless that is empty (worker calls, which have no tenant). With
// kForUpdate the row stays locked until the transaction ends.
Result<Run> LoadRun(Connection& db, std::string_view tenant, std::string_view id,
                    Lock lock = Lock::kNone) {
  if (!IsStorableText(id)) return RunNotFound(id);  // could never have been stored
  std::vector<pg::Param> params = {id};
  if (!tenant.empty()) params.emplace_back(tenant);
  EC_ASSIGN_OR_RETURN(Rows q, db.Exec(StrCat(
      "SELECT ", kRunColumns, " FROM runs WHERE id = $1", tenant.empty() ? "" : " AND tenant = $2",
      lock == Lock::kForUpdate ? " FOR UPDATE" : ""), params));
  if (q.empty()) return RunNotFound(id);
  return RunFromRow(q, 0);
}

Status CheckRunInTenant(Connection& db, std::string_view tenant, std::string_view id) {
  if (!IsStorableText(id)) return RunNotFound(id);
  EC_ASSIGN_OR_RETURN(Rows q, db.Exec("SELECT 1 FROM runs WHERE id = $1 AND tenant = $2",
                                      {id, tenant}));
  return q.empty() ? RunNotFound(id) : OkStatus();
}

Status InsertRun(Connection& db, const Run& r) {
  return db.Exec(StrCat("INSERT INTO runs (", kRunColumns, ") VALUES ($1, $2, $3, $4, $5, $6,"
                        " $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"),
                 {r.id, r.tenant, r.profile_name, r.profile_revision, r.profile_digest,
                  r.parameters, r.idempotency_key, r.request_digest, RunStatusName(r.status),
                  r.progress.done, r.progress.total, r.reason, r.attempt, r.worker,
                  r.lease_expires, r.created_at, r.started_at, r.finished_at, r.result,
                  r.cancel_requested})
      .status();
}

// The next id after every existing one (see Run). The caller holds the "run_id" lock row, so
// no other process makes an id until this one is committed.
Result<std::string> NewRunId(Connection& db) {
  EC_ASSIGN_OR_RETURN(Rows q, db.Exec("SELECT MAX(id) FROM runs"));
  std::string last = q.empty() || q.IsNull(0, 0) ? "" : q.Text(0, 0);
  std::string id = NewSortableId("run-", UnixMillis());
  return !last.empty() && id <= last ? NextSortableId(last) : id;
}

// Takes a run_store_locks row until the transaction ends.
Status LockPoint(Connection& db, std::string_view name) {
  EC_ASSIGN_OR_RETURN(Rows q, db.Exec("SELECT name FROM run_store_locks WHERE name = $1"
                                      " FOR UPDATE", {name}));
  if (q.empty()) return DataLoss(StrCat("run_store_locks has no row ", name));
  return OkStatus();
}

// Appends an event to a run whose row the caller locked (or inserted) in this transaction, so
// MAX(seq) + 1 is not raced.
Result<std::int64_t> AppendEventIn(Connection& db, std::string_view run_id, std::string_view type,
                                   std::string_view data, std::int64_t now) {
  EC_ASSIGN_OR_RETURN(Rows q, db.Exec(
      "INSERT INTO run_events (run_id, seq, type, data, time)"
      " SELECT $1::text, COALESCE(MAX(seq), 0) + 1, $2::text, $3::text, $4::bigint"
      " FROM run_events WHERE run_id = $1::text RETURNING seq",
      {run_id, type, data, now}));
  if (q.empty()) return Internal(StrCat("run ", run_id, ": event ", type, " was not stored"));
  return q.Int(0, 0);
}

// Ends `run` (locked, held or queued) as `status`, with its event.
Status FinishIn(Connection& db, Run& run, RunStatus status, std::string_view reason,
                std::string_view result, std::int64_t now) {
  run.status = status;
  run.reason = TruncateUtf8(ToStorableText(reason), kMaxReasonBytes);
  run.result = result.empty() ? "{}" : std::string(result);
  run.finished_at = now;
  run.lease_expires = 0;
  EC_RETURN_IF_ERROR(db.Exec(
      "UPDATE runs SET status = $1, reason = $2, result = $3, finished_at = $4,"
      " lease_expires = 0 WHERE id = $5",
      {RunStatusName(status), run.reason, run.result, now, run.id}));
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

Status SetUpSchema(Connection& db) {
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));
  // Two processes creating the tables at once could collide on PostgreSQL's catalogs.
  EC_RETURN_IF_ERROR(db.Exec("SELECT pg_advisory_xact_lock($1::bigint)", {kSchemaLockKey}));
  EC_RETURN_IF_ERROR(db.Script(kSchemaVersionTable));
  EC_ASSIGN_OR_RETURN(Rows q, db.Exec("SELECT MAX(version) FROM schema_version"));
  const bool fresh = q.empty() || q.IsNull(0, 0);
  const std::int64_t version = fresh ? 0 : q.Int(0, 0);
  if (version > kSchemaVersion) {
    return FailedPrecondition(StrCat("schema version ", version, " is newer than this build's (",
                                     kSchemaVersion, "); use a newer export-center"));
  }
  EC_RETURN_IF_ERROR(db.Script(kSchema));
  // Migrations from older versions go here, one step per version.
  if (fresh) {
    EC_RETURN_IF_ERROR(db.Exec("INSERT INTO schema_version (version) VALUES ($1)",
                               {kSchemaVersion}));
  }
  return tx.Commit();
}

}  // namespace

std::string PostgresRunStore::DisplayUrl(std::string_view url) { return MaskPassword(url); }

PostgresRunStore::PostgresRunStore(std::string display_url, RunStoreOptions options,
                                   std::unique_ptr<ConnectionPool> pool)
    : display_url_(std::move(display_url)), options_(options), pool_(std::move(pool)) {}

PostgresRunStore::~PostgresRunStore() = default;

Result<std::unique_ptr<PostgresRunStore>> PostgresRunStore::Open(std::string_view url,
                                                                 RunStoreOptions options) {
  if (options.max_attempts < 1) {
    return InvalidArgument(StrCat("max_attempts ", options.max_attempts, ": use 1 or more"));
  }
  std::string shown = MaskPassword(url);
  if (!url.starts_with("postgres://") && !url.starts_with("postgresql://")) {
    return InvalidArgument(StrCat("run store URL ", shown,
                                  ": use postgres://user@host:port/database"));
  }
  if (!IsStorableText(url)) return InvalidArgument("run store URL is not valid UTF-8");
  auto pool = std::make_unique<ConnectionPool>(std::string(url), kMaxConnections);
  {
    auto db = pool->Acquire();
    if (!db.ok()) return db.status().WithPrefix(StrCat("open run store ", shown));
    EC_RETURN_IF_ERROR(SetUpSchema(**db).WithPrefix(StrCat("open run store ", shown)));
  }
  return std::unique_ptr<PostgresRunStore>(
      new PostgresRunStore(std::move(shown), options, std::move(pool)));
}

// --- Profiles -------------------------------------------------------------------------------

Status PostgresRunStore::PutProfile(const StoredProfile& p) {
  EC_RETURN_IF_ERROR(CheckStoredProfile(p));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  // Atomic on the primary key: of two publishers of one revision, one inserts and the other
  // waits for it, then finds its row.
  EC_ASSIGN_OR_RETURN(Rows inserted, db->Exec(StrCat(
      "INSERT INTO profiles (", kProfileColumns, ") VALUES ($1, $2, $3, $4, $5, $6)"
      " ON CONFLICT (tenant, name, revision) DO NOTHING"),
      {p.tenant, p.name, p.revision, p.digest, p.document, p.created_at}));
  if (inserted.Affected() > 0) return tx.Commit();
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec(
      "SELECT digest FROM profiles WHERE tenant = $1 AND name = $2 AND revision = $3",
      {p.tenant, p.name, p.revision}));
  if (q.empty()) return Unavailable(StrCat("profile ", p.tenant, "/", p.name, " r", p.revision,
                                           " changed while being published; try again"));
  const std::string digest = q.Text(0, 0);
  if (digest == p.digest) return OkStatus();  // the same revision published again
  EC_ASSIGN_OR_RETURN(Rows latest, db->Exec(
      "SELECT MAX(revision) FROM profiles WHERE tenant = $1 AND name = $2", {p.tenant, p.name}));
  const std::int64_t next =
      (latest.empty() || latest.IsNull(0, 0) ? p.revision : latest.Int(0, 0)) + 1;
  return FailedPrecondition(StrCat("profile ", p.tenant, "/", p.name, " r", p.revision,
                                   " exists with ", digest,
                                   "; revisions are immutable, publish r", next));
}

Result<StoredProfile> PostgresRunStore::GetProfile(std::string_view tenant,
                                                   std::string_view name,
                                                   std::optional<int> revision) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_RETURN_IF_ERROR(CheckName("profile name", name));
  std::vector<pg::Param> params = {tenant, name};
  if (revision) params.emplace_back(*revision);
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec(StrCat(
      "SELECT ", kProfileColumns, " FROM profiles WHERE tenant = $1 AND name = $2",
      revision ? " AND revision = $3" : " ORDER BY revision DESC LIMIT 1"), params));
  if (q.empty()) {
    return NotFound(StrCat("profile ", tenant, "/", name,
                           revision ? StrCat(" r", *revision) : std::string(), " not found"));
  }
  return ProfileFromRow(q, 0);
}

Result<std::vector<StoredProfile>> PostgresRunStore::ListProfiles(std::string_view tenant) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec(StrCat(
      "SELECT DISTINCT ON (name) ", kProfileColumns, " FROM profiles WHERE tenant = $1"
      " ORDER BY name, revision DESC"), {tenant}));
  std::vector<StoredProfile> out;
  for (int i = 0; i < q.size(); ++i) out.push_back(ProfileFromRow(q, i));
  return out;
}

// --- Runs -----------------------------------------------------------------------------------

Result<std::pair<Run, bool>> PostgresRunStore::CreateRun(const NewRun& in) {
  EC_RETURN_IF_ERROR(CheckNewRun(in));
  const std::string request_digest =
      in.request_digest.empty() ? DefaultRequestDigest(in) : in.request_digest;
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  // Creates are serialised on this row: ids increase in commit order, and two requests with
  // one Idempotency-Key cannot both miss the other's run.
  EC_RETURN_IF_ERROR(LockPoint(*db, "run_id"));
  if (!in.idempotency_key.empty()) {
    EC_ASSIGN_OR_RETURN(Rows q, db->Exec(StrCat(
        "SELECT ", kRunColumns, " FROM runs WHERE tenant = $1 AND idempotency_key = $2"),
        {in.tenant, in.idempotency_key}));
    if (!q.empty()) {
      EC_ASSIGN_OR_RETURN(Run original, RunFromRow(q, 0));
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

Result<Run> PostgresRunStore::GetRun(std::string_view tenant, std::string_view id) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  return LoadRun(*db, tenant, id);
}

Result<RunPage> PostgresRunStore::ListRuns(std::string_view tenant, const RunFilter& filter,
                                           const PageRequest& page) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  if (page.after.size() > kMaxNameBytes) return InvalidArgument("page cursor is too long");
  if (!IsStorableText(page.after)) return InvalidArgument("page cursor is not a run id");
  const int limit = PageLimit(page.limit, kDefaultPageSize, kMaxPageSize);
  std::string sql = StrCat("SELECT ", kRunColumns, " FROM runs WHERE tenant = $1");
  std::vector<pg::Param> params = {tenant};
  if (filter.status) {
    params.emplace_back(RunStatusName(*filter.status));
    sql += StrCat(" AND status = $", params.size());
  }
  if (!filter.profile.empty()) {
    params.emplace_back(filter.profile);
    sql += StrCat(" AND profile_name = $", params.size());
  }
  if (!page.after.empty()) {
    params.emplace_back(page.after);
    sql += StrCat(" AND id < $", params.size());
  }
  // One row more than the page: if it comes, there is a next page.
  params.emplace_back(std::int64_t{limit} + 1);
  sql += StrCat(" ORDER BY id DESC LIMIT $", params.size());
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec(sql, params));
  RunPage out;
  for (int i = 0; i < q.size(); ++i) {
    if (out.runs.size() == static_cast<std::size_t>(limit)) {
      out.next = out.runs.back().id;
      break;
    }
    EC_ASSIGN_OR_RETURN(Run run, RunFromRow(q, i));
    out.runs.push_back(std::move(run));
  }
  return out;
}

// --- Queue ----------------------------------------------------------------------------------

Result<std::optional<Run>> PostgresRunStore::ClaimNextRun(std::string_view worker,
                                                          std::int64_t now,
                                                          std::int64_t lease_seconds) {
  EC_RETURN_IF_ERROR(CheckName("worker", worker));
  EC_RETURN_IF_ERROR(CheckLeaseSeconds(lease_seconds));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  // SKIP LOCKED: a run another worker is claiming (or whose row a heartbeat or cancel holds
  // for a moment) is passed over, not waited for. The row returned stays locked until commit,
  // and PostgreSQL re-checks the condition on its newest version, so a run claimed and
  // committed meanwhile is not returned.
  const std::string pick = StrCat(
      "SELECT ", kRunColumns, " FROM runs WHERE status = 'queued'"
      " OR (status = 'running' AND lease_expires <= $1) ORDER BY id LIMIT 1"
      " FOR UPDATE SKIP LOCKED");
  // Each pass either claims a run or finishes one that must not run again, so this ends.
  while (true) {
    EC_ASSIGN_OR_RETURN(Rows q, db->Exec(pick, {now}));
    if (q.empty()) {
      EC_RETURN_IF_ERROR(tx.Commit());
      return std::optional<Run>();
    }
    EC_ASSIGN_OR_RETURN(Run run, RunFromRow(q, 0));
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
    EC_RETURN_IF_ERROR(db->Exec(
        "UPDATE runs SET status = 'running', attempt = $1, worker = $2, lease_expires = $3,"
        " started_at = $4 WHERE id = $5",
        {run.attempt, run.worker, run.lease_expires, run.started_at, run.id}));
    json::Json started = {{"worker", run.worker}, {"attempt", run.attempt}};
    EC_RETURN_IF_ERROR(AppendEventIn(*db, run.id, "started", json::Compact(started), now));
    EC_RETURN_IF_ERROR(tx.Commit());
    return std::optional<Run>(std::move(run));
  }
}

// Heartbeat, FinishRun, RequestCancel and AppendEvent read the run and then write it: each
// locks the run's row (FOR UPDATE) first, so a claim, a cancel and a finish of one run take
// turns, and the state each decides on is the state it writes over.

Result<HeartbeatReply> PostgresRunStore::Heartbeat(std::string_view id, std::string_view worker,
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
  EC_ASSIGN_OR_RETURN(Run run, LoadRun(*db, "", id, Lock::kForUpdate));
  if (run.status != RunStatus::kRunning || run.worker != worker) return NotHeld(run, worker);
  EC_RETURN_IF_ERROR(db->Exec(
      "UPDATE runs SET lease_expires = $1, progress_done = $2, progress_total = $3 WHERE id = $4",
      {now + lease_seconds, progress.done, progress.total, run.id}));
  if (progress != run.progress) {
    json::Json data = {{"done", progress.done}, {"total", progress.total}};
    EC_RETURN_IF_ERROR(AppendEventIn(*db, run.id, "progress", json::Compact(data), now));
  }
  EC_RETURN_IF_ERROR(tx.Commit());
  return HeartbeatReply{run.cancel_requested};
}

Status PostgresRunStore::FinishRun(std::string_view id, std::string_view worker,
                                   RunStatus status, std::string_view reason,
                                   std::string_view result_json, std::int64_t now) {
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
  EC_ASSIGN_OR_RETURN(Run run, LoadRun(*db, "", id, Lock::kForUpdate));
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

Status PostgresRunStore::RequestCancel(std::string_view tenant, std::string_view id,
                                       std::int64_t now) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Run run, LoadRun(*db, tenant, id, Lock::kForUpdate));
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
      EC_RETURN_IF_ERROR(db->Exec("UPDATE runs SET cancel_requested = TRUE WHERE id = $1",
                                  {run.id}));
      EC_RETURN_IF_ERROR(AppendEventIn(*db, run.id, "cancel_requested", "{}", now));
      break;
    }
  }
  return tx.Commit();
}

Result<std::int64_t> PostgresRunStore::QueueDepth() {
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec("SELECT COUNT(*) FROM runs WHERE status = 'queued'"));
  return q.empty() ? 0 : q.Int(0, 0);
}

// --- Events ---------------------------------------------------------------------------------

Result<std::int64_t> PostgresRunStore::AppendEvent(std::string_view run_id,
                                                   std::string_view type,
                                                   std::string_view data_json,
                                                   std::int64_t now) {
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
  EC_ASSIGN_OR_RETURN(Run run, LoadRun(*db, "", run_id, Lock::kForUpdate));
  if (IsTerminal(run.status)) {
    return FailedPrecondition(StrCat("run ", run.id, " already ", RunStatusName(run.status),
                                     "; its event log is closed"));
  }
  EC_ASSIGN_OR_RETURN(std::int64_t seq, AppendEventIn(*db, run.id, type, data, now));
  EC_RETURN_IF_ERROR(tx.Commit());
  return seq;
}

Result<std::vector<RunEvent>> PostgresRunStore::Events(std::string_view tenant,
                                                       std::string_view run_id,
                                                       std::int64_t after_seq, int limit) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_RETURN_IF_ERROR(CheckRunInTenant(*db, tenant, run_id));
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec(
      "SELECT run_id, seq, type, data, time FROM run_events WHERE run_id = $1 AND seq > $2"
      " ORDER BY seq LIMIT $3",
      {run_id, after_seq, PageLimit(limit, kMaxEventPage, kMaxEventPage)}));
  std::vector<RunEvent> out;
  for (int i = 0; i < q.size(); ++i) {
    out.push_back({q.Text(i, 0), q.Int(i, 1), q.Text(i, 2), q.Text(i, 3), q.Int(i, 4)});
  }
  return out;
}

// --- Distributions --------------------------------------------------------------------------

Result<bool> PostgresRunStore::RecordDistribution(std::string_view run_id,
                                                  std::string_view target,
                                                  std::string_view digest, std::int64_t now) {
  if (target.empty() || target.size() > kMaxTargetBytes) {
    return InvalidArgument(StrCat("run ", Shown(run_id), ": distribution target must be 1 to ",
                                  kMaxTargetBytes, " bytes"));
  }
  EC_RETURN_IF_ERROR(CheckDigest(StrCat("distribution to ", target), digest));
  if (!IsStorableText(target)) {
    return InvalidArgument(StrCat("run ", Shown(run_id), ": distribution target is not UTF-8"));
  }
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  // No row lock: runs are never deleted, and the insert is atomic on its key (of two workers
  // recording one push, exactly one gets true).
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Run run, LoadRun(*db, "", run_id));
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec(
      "INSERT INTO distributions (run_id, target, digest, recorded_at) VALUES ($1, $2, $3, $4)"
      " ON CONFLICT (run_id, target, digest) DO NOTHING",
      {run.id, target, digest, now}));
  const bool created = q.Affected() > 0;
  EC_RETURN_IF_ERROR(tx.Commit());
  return created;
}

Result<std::vector<DistributionRecord>> PostgresRunStore::Distributions(
    std::string_view tenant, std::string_view run_id) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_RETURN_IF_ERROR(CheckRunInTenant(*db, tenant, run_id));
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec(
      "SELECT run_id, target, digest, recorded_at FROM distributions WHERE run_id = $1"
      " ORDER BY position", {run_id}));
  std::vector<DistributionRecord> out;
  for (int i = 0; i < q.size(); ++i) {
    out.push_back({q.Text(i, 0), q.Text(i, 1), q.Text(i, 2), q.Int(i, 3)});
  }
  return out;
}

// --- Tokens ---------------------------------------------------------------------------------

Result<IssuedToken> PostgresRunStore::CreateToken(std::string_view tenant, std::string_view name,
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
  // The unique index on active names decides, without a lock of ours: of two creates of one
  // name, one inserts, and the other waits for it to commit, then finds it.
  for (int i = 0; i < kTokenNameTries; ++i) {
    EC_ASSIGN_OR_RETURN(Rows inserted, db->Exec(
        "INSERT INTO tokens (id, tenant, name, secret_sha256, scopes, created_at, revoked_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, 0)"
        " ON CONFLICT (tenant, name) WHERE revoked_at = 0 DO NOTHING",
        {out.token.id, tenant, name, TokenSecretHash(out.secret), JoinScopes(out.token.scopes),
         now}));
    if (inserted.Affected() > 0) {
      EC_RETURN_IF_ERROR(tx.Commit());
      return out;
    }
    EC_ASSIGN_OR_RETURN(Rows q, db->Exec(
        "SELECT id FROM tokens WHERE tenant = $1 AND name = $2 AND revoked_at = 0",
        {tenant, name}));
    if (!q.empty()) {
      return AlreadyExists(StrCat("token ", tenant, "/", name, " exists (", q.Text(0, 0),
                                  "); revoke it before reusing the name"));
    }
    // Revoked between the insert and the look: the name is free now.
  }
  return Unavailable(StrCat("token ", tenant, "/", name, " is being created and revoked"
                            " concurrently; try again"));
}

Result<Principal> PostgresRunStore::Authenticate(std::string_view secret) {
  // The same answer for every failure: a caller learns nothing about which tokens exist.
  constexpr std::string_view kRefused = "unknown or revoked API token";
  if (!secret.starts_with(kTokenSecretPrefix) || secret.size() > kMaxNameBytes) {
    return Unauthenticated(kRefused);
  }
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec(
      "SELECT id, name, tenant, scopes FROM tokens WHERE secret_sha256 = $1 AND revoked_at = 0",
      {TokenSecretHash(secret)}));
  if (q.empty()) return Unauthenticated(kRefused);
  return Principal{q.Text(0, 0), q.Text(0, 1), q.Text(0, 2), SplitScopes(q.Text(0, 3))};
}

Status PostgresRunStore::RevokeToken(std::string_view tenant, std::string_view id,
                                     std::int64_t now) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  const Status not_found = NotFound(StrCat("token ", Shown(id), " not found"));
  if (!IsStorableText(id)) return not_found;
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  // The update decides on the row's newest version, so no lock is needed: of two revokes, one
  // sets revoked_at and the other finds it set.
  EC_ASSIGN_OR_RETURN(Rows updated, db->Exec(
      "UPDATE tokens SET revoked_at = $3 WHERE tenant = $1 AND id = $2 AND revoked_at = 0",
      {tenant, id, now}));
  if (updated.Affected() > 0) return tx.Commit();
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec("SELECT 1 FROM tokens WHERE tenant = $1 AND id = $2",
                                       {tenant, id}));
  return q.empty() ? not_found : OkStatus();  // already revoked: OK
}

Result<std::vector<TokenInfo>> PostgresRunStore::ListTokens(std::string_view tenant) {
  EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec(StrCat(
      "SELECT ", kTokenColumns, " FROM tokens WHERE tenant = $1 ORDER BY created_at, id"),
      {tenant}));
  std::vector<TokenInfo> out;
  for (int i = 0; i < q.size(); ++i) out.push_back(TokenFromRow(q, i));
  return out;
}

// --- Audit ----------------------------------------------------------------------------------

Result<std::int64_t> PostgresRunStore::AppendAudit(const AuditEntry& e) {
  EC_RETURN_IF_ERROR(CheckAudit(e));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  // Identity values are handed out before commit; under this lock they also commit in order.
  EC_RETURN_IF_ERROR(LockPoint(*db, "audit"));
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec(
      "INSERT INTO audit (time, tenant, actor, action, object, outcome, detail)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
      {e.time, e.tenant, ToStorableText(e.actor), ToStorableText(e.action),
       ToStorableText(e.object), ToStorableText(e.outcome),
       TruncateUtf8(ToStorableText(e.detail), kMaxAuditDetailBytes)}));
  if (q.empty()) return Internal("audit entry was not stored");
  const std::int64_t seq = q.Int(0, 0);
  EC_RETURN_IF_ERROR(tx.Commit());
  return seq;
}

Result<std::vector<AuditEntry>> PostgresRunStore::ListAudit(std::string_view tenant,
                                                            std::int64_t after_seq, int limit) {
  if (!tenant.empty()) EC_RETURN_IF_ERROR(CheckName("tenant", tenant));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Rows q, db->Exec(
      "SELECT seq, time, tenant, actor, action, object, outcome, detail FROM audit"
      " WHERE tenant = $1 AND seq > $2 ORDER BY seq LIMIT $3",
      {tenant, after_seq, PageLimit(limit, kMaxEventPage, kMaxEventPage)}));
  std::vector<AuditEntry> out;
  for (int i = 0; i < q.size(); ++i) {
    out.push_back({q.Int(i, 0), q.Int(i, 1), q.Text(i, 2), q.Text(i, 3), q.Text(i, 4),
                   q.Text(i, 5), q.Text(i, 6), q.Text(i, 7)});
  }
  return out;
}

}  // namespace ec::service
