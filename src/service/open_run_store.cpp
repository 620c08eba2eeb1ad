#include "service/open_run_store.h"

#include "service/postgres_run_store.h"
#include "service/sqlite_run_store.h"

namespace ec::service {
namespace {

bool IsPostgres(std::string_view url) { return url.starts_with("postgres://") || url.starts_with("postgresql://"); }

}  // namespace

Result<std::unique_ptr<RunStore>> OpenRunStore(std::string_view url, const std::filesystem::path& default_sqlite) {
  if (IsPostgres(url)) {
    EC_ASSIGN_OR_RETURN(auto pg, PostgresRunStore::Open(url));
    return std::unique_ptr<RunStore>(std::move(pg));
  }
  std::filesystem::path path = default_sqlite;
  if (!url.empty()) path = std::string(url.starts_with("sqlite:") ? url.substr(7) : url);
  EC_ASSIGN_OR_RETURN(auto lite, SqliteRunStore::Open(path));
  return std::unique_ptr<RunStore>(std::move(lite));
}

std::string DescribeDatabase(std::string_view url, const std::filesystem::path& default_sqlite) {
  if (IsPostgres(url)) return PostgresRunStore::DisplayUrl(url);
  if (url.empty()) return StrCat("sqlite:", default_sqlite.string());
  return std::string(url.starts_with("sqlite:") ? url : StrCat("sqlite:", url));
}

}  // namespace ec::service
