// BlobLocations: a persistent record of which repositories of a registry are known to hold a
// blob, so that a later copy into another repository of that registry can mount the blob
// instead of uploading it again (containers/image keeps a similar "blob info cache"). Stored
// in SQLite (WAL, busy timeout), shared safely by concurrent processes; a lookup that fails
// is only a missed optimisation, never an error. Thread-safe.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "status.h"

namespace ec::oci::remote {

class BlobLocations {
 public:
  // Opens (creating) the database at `path`.
  static Result<std::shared_ptr<BlobLocations>> Open(const std::filesystem::path& path);
  // $XDG_CACHE_HOME/export-center/blob-locations.db, else ~/.cache/export-center/...
  static std::filesystem::path DefaultPath();

  void Record(std::string_view registry, std::string_view digest, std::string_view repository);
  // Repositories of `registry` known to hold `digest`, most recently seen first, at most `limit`.
  std::vector<std::string> Lookup(std::string_view registry, std::string_view digest,
                                  int limit = 3);
  void Forget(std::string_view registry, std::string_view digest, std::string_view repository);

 private:
  using Db = std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)>;
  explicit BlobLocations(Db db) : db_(std::move(db)) {}
  bool Exec(const char* sql, std::initializer_list<std::string_view> args,
            std::vector<std::string>* column0 = nullptr);

  std::mutex mu_;
  Db db_;
};

}  // namespace ec::oci::remote
