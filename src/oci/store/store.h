// Store: the local store `serve` exposes and exports are written to. Many repositories share
// one content-addressed blob directory (blobs/<alg>/<hex>, manifests included); which
// repository holds which blob, manifest and tag lives in SQLite (metadata.db). Repository
// names never reach the filesystem.
//
// Writes are safe against crashes and against each other: uploads go to uploads/<id>, are
// hashed while they stream, fsynced, verified, then renamed into blobs/ inside a write
// transaction, so a visible blob is always complete and correct, and two uploads of the same
// blob just both succeed. CollectGarbage takes the same write lock, so a sweep and an upload
// finishing never interleave (see gc notes in store.cpp).
//
// Thread-safe; several processes may share one store (SQLite locking).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/descriptor.h"
#include "oci/digest.h"
#include "oci/io.h"
#include "status.h"

namespace ec::oci::store {

class Database;
class ConnectionPool;

struct StoreOptions {
  bool create = true;    // create an empty store when the directory has none
  bool durable = true;   // fsync blobs before they become visible
};

// What the store knows of a manifest in a repository.
struct ManifestRecord {
  Descriptor descriptor;           // media type, digest, size, artifactType, annotations
  std::optional<Digest> subject;
};

// An upload in progress (the distribution API's upload session). Bytes are appended in
// order; the running hash makes completion cost one fsync, not a re-read.
class Upload {
 public:
  const std::string& id() const { return id_; }
  const std::string& repository() const { return repository_; }
  // Serialises PATCH/PUT/GET on one session; hold it while calling the rest.
  std::mutex& mutex() { return mu_; }
  std::int64_t size() const { return size_; }
  // Appends; bytes may wait in a small buffer until Flush (HTTP bodies arrive in 4 KiB reads,
  // and a write per read would double the syscalls of an upload).
  Status Append(std::string_view bytes);
  // Writes out buffered bytes; the server calls it at the end of every request.
  Status Flush();

 private:
  friend class Store;
  Upload(std::string id, std::string repository, std::filesystem::path path, UniqueFd fd)
      : id_(std::move(id)), repository_(std::move(repository)), path_(std::move(path)),
        fd_(std::move(fd)) {}
  std::string id_;
  std::string repository_;
  std::filesystem::path path_;
  UniqueFd fd_;
  std::mutex mu_;
  std::int64_t size_ = 0;      // bytes appended, buffered ones included
  std::int64_t written_ = 0;   // bytes in the file
  std::string buffer_;
  std::unique_ptr<Hasher> hasher_ = std::make_unique<Hasher>();
  std::int64_t last_used_ = 0;
  bool closed_ = false;
};

struct GcOptions {
  std::int64_t grace_seconds = 3600;  // keep blobs written or mounted more recently than this
  bool dry_run = false;
};

struct GcReport {
  std::vector<Digest> removed;       // blobs (sorted)
  std::int64_t bytes_freed = 0;
  int stale_files_removed = 0;       // orphan files and abandoned uploads
};

class Store {
 public:
  static Result<std::shared_ptr<Store>> Open(const std::filesystem::path& dir,
                                             StoreOptions options = {});
  // $EC_STORE, else $XDG_DATA_HOME/export-center/store, else ~/.local/share/export-center/store.
  static std::filesystem::path DefaultPath();
  ~Store();

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path BlobPath(const Digest& digest) const;

  // Blobs, as seen from `repository`: present only when linked to it (uploaded or mounted).
  Result<std::int64_t> BlobSize(std::string_view repository, const Digest& digest);
  Result<std::unique_ptr<Reader>> OpenBlob(std::string_view repository, const Digest& digest,
                                           std::int64_t offset = 0);
  // Repositories a blob is linked to (sorted); empty when the store lacks it.
  Result<std::vector<std::string>> RepositoriesWithBlob(const Digest& digest);
  // Links a blob the store already holds into `repository` (a cross-repository mount).
  Status LinkBlob(std::string_view repository, const Digest& digest);
  Status UnlinkBlob(std::string_view repository, const Digest& digest);
  // Streams a whole blob in, verified against `expected`, and links it.
  Status PutBlob(std::string_view repository, const Descriptor& expected, Reader& content);

  // Upload sessions. Lookups check the session belongs to `repository`.
  Result<std::shared_ptr<Upload>> StartUpload(std::string_view repository);
  Result<std::shared_ptr<Upload>> FindUpload(std::string_view repository, std::string_view id);
  // Verifies the uploaded bytes against `digest` (and `size` when >= 0), makes the blob
  // visible and links it. The session ends whatever the outcome.
  // Call with the upload's mutex held.
  Status CompleteUpload(Upload& upload, const Digest& digest);
  void CancelUpload(Upload& upload);

  // Manifests. `reference` is a tag or a digest; `tags` are extra tags to set.
  // Errors: kInvalidArgument (not a manifest / type mismatch), kDataLoss (digest mismatch),
  // kFailedPrecondition (a referenced blob is not in the repository).
  Result<ManifestRecord> PutManifest(std::string_view repository, std::string_view reference,
                                     std::string_view content_type, std::string_view bytes,
                                     const std::vector<std::string>& tags = {});
  Result<ManifestRecord> ResolveManifest(std::string_view repository, std::string_view reference);
  Result<std::string> ReadManifest(const ManifestRecord& record);
  Status TagManifest(std::string_view repository, std::string_view tag, const Digest& digest);
  // Deletes the manifest and every tag pointing at it; bytes stay until garbage collection.
  Status DeleteManifest(std::string_view repository, const Digest& digest);
  Status DeleteTag(std::string_view repository, std::string_view tag);
  // Sorted tags after `last`, at most `n` (n < 0: all). kNotFound for an unknown repository.
  Result<std::vector<std::string>> ListTags(std::string_view repository, std::string_view last,
                                            int n);
  // Sorted repositories holding manifests, after `last`, at most `n` (n < 0: all).
  Result<std::vector<std::string>> Catalog(std::string_view last, int n);
  // Manifests in `repository` whose subject is `subject`, sorted by digest; artifactType is the
  // manifest's artifactType, else its config media type.
  Result<std::vector<Descriptor>> Referrers(std::string_view repository, const Digest& subject,
                                            std::string_view artifact_type);
  Result<bool> RepositoryExists(std::string_view repository);

  Result<GcReport> CollectGarbage(const GcOptions& options);

 private:
  Store(std::filesystem::path dir, StoreOptions options, std::unique_ptr<ConnectionPool> pool);
  // Renames a verified file into blobs/ and records it, in one write transaction.
  Status Publish(Database& db, const std::filesystem::path& temp, const Digest& digest,
                 std::int64_t size, std::string_view link_repository);
  Status WriteManifestBlob(Database& db, const Digest& digest, std::string_view bytes);
  void ExpireUploads();

  std::filesystem::path dir_;
  StoreOptions options_;
  std::unique_ptr<ConnectionPool> pool_;
  std::mutex uploads_mu_;
  std::map<std::string, std::shared_ptr<Upload>, std::less<>> uploads_;
};

// Bytes an upload gathers before writing them out.
inline constexpr std::size_t kUploadBufferBytes = 256u << 10;
// Upload sessions idle for longer than this are dropped and their files removed.
inline constexpr std::int64_t kUploadIdleSeconds = 3600;

}  // namespace ec::oci::store
