#include "oci/remote/blob_locations.h"

#include <cstdlib>
#include <ctime>

namespace ec::oci::remote {
namespace {

using Stmt = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

}  // namespace

std::filesystem::path BlobLocations::DefaultPath() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  std::filesystem::path base;
  if (xdg != nullptr && *xdg != '\0') {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    base = std::filesystem::path(home) / ".cache";
  } else {
    base = std::filesystem::temp_directory_path();
  }
  return base / "export-center" / "blob-locations.db";
}

Result<std::shared_ptr<BlobLocations>> BlobLocations::Open(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  Db db(raw, &sqlite3_close_v2);
  if (rc != SQLITE_OK) {
    return Unavailable(StrCat("open blob location cache ", path.string(), ": ",
                              raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db.get(), 2000);
  const char* schema =
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=NORMAL;"  // a cache: losing the last entries on a crash is fine
      "CREATE TABLE IF NOT EXISTS locations ("
      "  registry TEXT NOT NULL, digest TEXT NOT NULL, repository TEXT NOT NULL,"
      "  seen INTEGER NOT NULL, PRIMARY KEY (registry, digest, repository));";
  char* err = nullptr;
  if (sqlite3_exec(db.get(), schema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Unavailable(StrCat("set up blob location cache ", path.string(), ": ", msg));
  }
  return std::shared_ptr<BlobLocations>(new BlobLocations(std::move(db)));
}

bool BlobLocations::Exec(const char* sql, std::initializer_list<std::string_view> args,
                         std::vector<std::string>* column0) {
  std::lock_guard lock(mu_);
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql, -1, &raw, nullptr) != SQLITE_OK) return false;
  Stmt stmt(raw, &sqlite3_finalize);
  int i = 1;
  for (std::string_view a : args) {
    sqlite3_bind_text(stmt.get(), i++, a.data(), static_cast<int>(a.size()), SQLITE_TRANSIENT);
  }
  while (true) {
    int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) return true;
    if (rc != SQLITE_ROW) return false;
    if (column0 != nullptr) {
      const unsigned char* text = sqlite3_column_text(stmt.get(), 0);
      if (text != nullptr) column0->emplace_back(reinterpret_cast<const char*>(text));
    }
  }
}

void BlobLocations::Record(std::string_view registry, std::string_view digest,
                           std::string_view repository) {
  std::string now = std::to_string(static_cast<long long>(std::time(nullptr)));
  (void)Exec("INSERT INTO locations (registry, digest, repository, seen) VALUES (?, ?, ?, ?) "
             "ON CONFLICT (registry, digest, repository) DO UPDATE SET seen = excluded.seen",
             {registry, digest, repository, now});
}

std::vector<std::string> BlobLocations::Lookup(std::string_view registry, std::string_view digest,
                                               int limit) {
  std::vector<std::string> out;
  std::string sql = StrCat("SELECT repository FROM locations WHERE registry = ? AND digest = ? "
                           "ORDER BY seen DESC, repository LIMIT ", limit);
  (void)Exec(sql.c_str(), {registry, digest}, &out);
  return out;
}

void BlobLocations::Forget(std::string_view registry, std::string_view digest,
                           std::string_view repository) {
  (void)Exec("DELETE FROM locations WHERE registry = ? AND digest = ? AND repository = ?",
             {registry, digest, repository});
}

}  // namespace ec::oci::remote
