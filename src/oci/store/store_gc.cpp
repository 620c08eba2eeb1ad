// Garbage collection: removes blobs no manifest of any repository needs.
//
// Why it is safe against concurrent pushes: the sweep runs inside one write transaction, and
// every way a blob becomes visible (Publish, LinkBlob, a manifest push) takes the same write
// lock and stamps the blob's `touched` time. A blob is a candidate only if no manifest row
// references it and it was not touched within the grace period, so a client that uploaded
// a blob and has not pushed its manifest yet has `grace_seconds` to do so. A blob the sweep
// removed and a client uploads again simply comes back: the upload's rename happens under
// the lock, after the sweep's unlink.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "oci/store/sqlite.h"
#include "oci/store/store.h"

namespace ec::oci::store {
namespace {

bool IsHexName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

std::int64_t ModifiedAt(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<std::int64_t>(st.st_mtime);
}

}  // namespace

Result<GcReport> Store::CollectGarbage(const GcOptions& options) {
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  const std::int64_t cutoff = now - std::max<std::int64_t>(0, options.grace_seconds);
  GcReport report;

  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT digest, size FROM blobs WHERE touched <= ?"
      " AND digest NOT IN (SELECT digest FROM manifests)"
      " AND digest NOT IN (SELECT digest FROM manifest_refs) ORDER BY digest"));
  q.Bind(1, cutoff);
  std::vector<std::pair<Digest, std::int64_t>> doomed;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    auto digest = Digest::Parse(q.Text(0));
    if (digest.ok()) doomed.emplace_back(*digest, q.Int(1));
  }
  for (const auto& [digest, size] : doomed) {
    report.removed.push_back(digest);
    report.bytes_freed += size;
    if (options.dry_run) continue;
    for (const char* sql : {"DELETE FROM blobs WHERE digest = ?",
                            "DELETE FROM repo_blobs WHERE digest = ?"}) {
      EC_ASSIGN_OR_RETURN(Statement del, Statement::Prepare(*db, sql));
      EC_RETURN_IF_ERROR(del.Bind(1, digest.str()).Run());
    }
    if (::unlink(BlobPath(digest).c_str()) != 0 && errno != ENOENT) {
      return Unavailable(StrCat("remove ", BlobPath(digest).string(), ": ", std::strerror(errno)));
    }
  }

  // Files with no row: temp files of writers that crashed, or a blob renamed in by a process
  // that died before its transaction committed. Old ones only: young ones may be in flight.
  std::error_code ec;
  for (const char* alg : {"sha256", "sha512"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir_ / "blobs" / alg, ec)) {
      const std::string name = entry.path().filename().string();
      if (ModifiedAt(entry.path()) > cutoff) continue;
      bool orphan = !IsHexName(name);
      if (!orphan) {
        EC_ASSIGN_OR_RETURN(Statement has, Statement::Prepare(*db,
            "SELECT 1 FROM blobs WHERE digest = ?"));
        EC_ASSIGN_OR_RETURN(bool row, has.Bind(1, StrCat(alg, ":", name)).Step());
        orphan = !row;
      }
      if (!orphan) continue;
      ++report.stale_files_removed;
      if (!options.dry_run) ::unlink(entry.path().c_str());
    }
  }
  // Upload files are removed only well after a running server would have expired them.
  const std::int64_t upload_cutoff = now - std::max(options.grace_seconds, kUploadIdleSeconds * 2);
  for (const auto& entry : std::filesystem::directory_iterator(dir_ / "uploads", ec)) {
    if (ModifiedAt(entry.path()) > upload_cutoff) continue;
    ++report.stale_files_removed;
    if (!options.dry_run) ::unlink(entry.path().c_str());
  }
  EC_RETURN_IF_ERROR(tx.Commit());
  return report;
}

}  // namespace ec::oci::store
