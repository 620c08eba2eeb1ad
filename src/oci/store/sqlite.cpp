#include "oci/store/sqlite.h"

namespace ec::oci::store {

Result<std::unique_ptr<Database>> Database::Open(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  Handle db(raw, &sqlite3_close_v2);
  if (rc != SQLITE_OK) {
    return Unavailable(StrCat("open database ", path.string(), ": ",
                              raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  // Long enough for a gc sweep holding the write lock; readers never wait in WAL mode.
  sqlite3_busy_timeout(db.get(), 30000);
  std::unique_ptr<Database> out(new Database(std::move(db)));
  EC_RETURN_IF_ERROR(out->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                               " PRAGMA foreign_keys=ON;")
                         .WithPrefix(path.string()));
  return out;
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : ErrorMessage();
    sqlite3_free(err);
    return Unavailable(StrCat("sqlite: ", msg, " (in: ", text.substr(0, 80), ")"));
  }
  return OkStatus();
}

Result<Statement> Statement::Prepare(Database& db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK) {
    return Internal(StrCat("sqlite prepare: ", db.ErrorMessage(), " (in: ", sql.substr(0, 80), ")"));
  }
  return Statement(db, Handle(raw, &sqlite3_finalize));
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string sql = sqlite3_sql(stmt_.get()) ? sqlite3_sql(stmt_.get()) : "";
  Status status(rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? Code::kUnavailable : Code::kInternal,
                StrCat("sqlite: ", db_->ErrorMessage(), " (in: ", sql.substr(0, 80), ")"));
  return status;
}

Status Statement::Run() {
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return OkStatus();
  }
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_.get(), column);
  int n = sqlite3_column_bytes(stmt_.get(), column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text), n);
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

Result<Transaction> Transaction::Begin(Database& db) {
  EC_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return Transaction(db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Database* db = db_;
  db_ = nullptr;
  return db->Exec("COMMIT");
}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Database> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  EC_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path_));
  if (setup_ != nullptr) EC_RETURN_IF_ERROR(setup_(*db));
  return Lease(this, std::move(db));
}

void ConnectionPool::Release(std::unique_ptr<Database> db) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(db));
}

}  // namespace ec::oci::store
