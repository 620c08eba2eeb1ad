// A thin RAII layer over SQLite: Database (one connection), Statement (prepared, bound,
// stepped), and Transaction (BEGIN IMMEDIATE ... COMMIT, rolled back unless committed).
// Errors become Status with the statement's text, so a failing query names itself.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace ec::oci::store {

class Database {
 public:
  // Opens (creating) `path` in WAL mode with a busy timeout, so that several processes (a
  // running `serve` and an `export-center gc`) can share it.
  static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& path);
  Status Exec(std::string_view sql);
  sqlite3* get() const { return db_.get(); }
  std::string ErrorMessage() const { return sqlite3_errmsg(db_.get()); }

 private:
  using Handle = std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)>;
  explicit Database(Handle db) : db_(std::move(db)) {}
  Handle db_;
};

class Statement {
 public:
  static Result<Statement> Prepare(Database& db, std::string_view sql);

  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, std::int64_t value);
  // Rewinds the statement so it can run again with new bindings.
  void Reset() { sqlite3_reset(stmt_.get()); sqlite3_clear_bindings(stmt_.get()); }
  // SQLITE_ROW → true, SQLITE_DONE → false; anything else is an error naming the statement.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();
  std::string Text(int column) const;
  std::int64_t Int(int column) const;
  bool IsNull(int column) const;

 private:
  using Handle = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;
  Statement(Database& db, Handle stmt) : db_(&db), stmt_(std::move(stmt)) {}
  Database* db_;
  Handle stmt_;
};

// BEGIN IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
// instead of failing with SQLITE_BUSY half-way through.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database& db) : db_(&db) {}
  Database* db_;
};

// Connections to one database file, handed out one per caller: SQLite connections are not
// shared between threads here (SQLITE_OPEN_NOMUTEX), and WAL lets the readers run side by
// side. A lease returns its connection to the pool.
class ConnectionPool {
 public:
  using Setup = Status (*)(Database&);
  ConnectionPool(std::filesystem::path path, Setup setup) : path_(std::move(path)), setup_(setup) {}

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Database> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() { if (db_) pool_->Release(std::move(db_)); }
    Database& operator*() { return *db_; }
    Database* operator->() { return db_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Database> db_;
  };

  Result<Lease> Acquire();

 private:
  void Release(std::unique_ptr<Database> db);
  std::filesystem::path path_;
  Setup setup_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Database>> idle_;
};

}  // namespace ec::oci::store
