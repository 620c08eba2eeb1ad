#include "oci/store/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "oci/limits.h"
#include "oci/manifest.h"
#include "oci/media_types.h"
#include "oci/reference.h"
#include "oci/store/sqlite.h"

namespace ec::oci::store {
namespace {

constexpr std::string_view kMarkerName = "ec-store";
constexpr std::string_view kMarkerContent = "{\"exportCenterStore\":1}\n";

// Manifest bytes live in blobs/ like any blob; these tables say which repository holds what.
// manifest_refs records what a manifest needs (config, layers, child manifests): garbage
// collection keeps every blob some manifest row points at.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS blobs (
  digest TEXT PRIMARY KEY, size INTEGER NOT NULL, touched INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS repo_blobs (
  repository TEXT NOT NULL, digest TEXT NOT NULL,
  PRIMARY KEY (repository, digest)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS repo_blobs_by_digest ON repo_blobs (digest);
CREATE TABLE IF NOT EXISTS manifests (
  repository TEXT NOT NULL, digest TEXT NOT NULL, media_type TEXT NOT NULL,
  size INTEGER NOT NULL, artifact_type TEXT NOT NULL, subject TEXT,
  annotations TEXT NOT NULL, PRIMARY KEY (repository, digest)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifests_by_subject ON manifests (repository, subject);
CREATE INDEX IF NOT EXISTS manifests_by_digest ON manifests (digest);
CREATE TABLE IF NOT EXISTS manifest_refs (
  repository TEXT NOT NULL, manifest TEXT NOT NULL, digest TEXT NOT NULL,
  PRIMARY KEY (repository, manifest, digest)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifest_refs_by_digest ON manifest_refs (digest);
CREATE TABLE IF NOT EXISTS tags (
  repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL,
  PRIMARY KEY (repository, tag)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_by_digest ON tags (repository, digest);
)sql";

std::int64_t Now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string Errno() { return std::strerror(errno); }


bool IsManifestReference(std::string_view reference) {
  return reference.find(':') != std::string_view::npos;
}

// Layers a registry never holds (Windows foreign layers, non-distributable layers).
bool IsNondistributable(std::string_view media_type) {
  return media_type.find("nondistributable") != std::string_view::npos ||
         media_type.find("foreign") != std::string_view::npos;
}

bool IsKnownManifestType(std::string_view t) {
  return t == kOciManifest || t == kOciIndex || t == kDockerManifest ||
         t == kDockerManifestList;
}

Result<Descriptor> RecordDescriptor(Statement& row, int first) {
  // Columns from `first`: digest, media_type, size, artifact_type, annotations.
  EC_ASSIGN_OR_RETURN(Digest digest, Digest::Parse(row.Text(first)));
  Descriptor d;
  d.digest = digest;
  d.media_type = row.Text(first + 1);
  d.size = row.Int(first + 2);
  d.artifact_type = row.Text(first + 3);
  auto annotations = json::Parse(row.Text(first + 4), "stored annotations");
  if (annotations.ok() && annotations->is_object()) {
    for (const auto& [k, v] : annotations->items()) {
      if (v.is_string()) d.annotations[k] = v.template get<std::string>();
    }
  }
  return d;
}

}  // namespace

Store::Store(std::filesystem::path dir, StoreOptions options, std::unique_ptr<ConnectionPool> pool)
    : dir_(std::move(dir)), options_(options), pool_(std::move(pool)) {}

Store::~Store() = default;

std::filesystem::path Store::DefaultPath() {
  if (const char* env = std::getenv("EC_STORE"); env != nullptr && *env != '\0') return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::filesystem::path(xdg) / "export-center" / "store";
  }
  const char* home = std::getenv("HOME");
  std::filesystem::path base = home != nullptr && *home != '\0' ? home : ".";
  return base / ".local" / "share" / "export-center" / "store";
}

Result<std::shared_ptr<Store>> Store::Open(const std::filesystem::path& dir, StoreOptions options) {
  std::error_code ec;
  const std::filesystem::path marker = dir / kMarkerName;
  if (!std::filesystem::exists(marker, ec)) {
    // Refuse to take over a directory that holds something else.
    bool empty = !std::filesystem::exists(dir, ec) || std::filesystem::is_empty(dir, ec);
    if (!empty) {
      return FailedPrecondition(StrCat("open store ", dir.string(),
                                       ": not an Export Center store (no ", kMarkerName,
                                       " file) and not empty"));
    }
    if (!options.create) return NotFound(StrCat("open store ", dir.string(), ": no store there"));
    std::filesystem::create_directories(dir, ec);
    if (ec) return Unavailable(StrCat("create store ", dir.string(), ": ", ec.message()));
  }
  for (const char* sub : {"blobs/sha256", "blobs/sha512", "uploads"}) {
    std::filesystem::create_directories(dir / sub, ec);
    if (ec) return Unavailable(StrCat("create ", (dir / sub).string(), ": ", ec.message()));
  }
  auto pool = std::make_unique<ConnectionPool>(dir / "metadata.db", nullptr);
  {
    EC_ASSIGN_OR_RETURN(auto db, pool->Acquire());
    EC_RETURN_IF_ERROR(db->Exec(kSchema).WithPrefix(StrCat("set up store ", dir.string())));
  }
  if (!std::filesystem::exists(marker, ec)) {
    EC_RETURN_IF_ERROR(WriteFileAtomic(marker, kMarkerContent));
  }
  return std::shared_ptr<Store>(new Store(dir, options, std::move(pool)));
}

std::filesystem::path Store::BlobPath(const Digest& digest) const {
  return dir_ / "blobs" / std::string(digest.algorithm_name()) / digest.hex();
}

// --- Blobs -----------------------------------------------------------------------------------

Result<std::int64_t> Store::BlobSize(std::string_view repository, const Digest& digest) {
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT b.size FROM repo_blobs r JOIN blobs b ON b.digest = r.digest "
      "WHERE r.repository = ? AND r.digest = ?"));
  q.Bind(1, repository).Bind(2, digest.str());
  EC_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFound(StrCat("blob ", digest.str(), " not in repository ", repository));
  return q.Int(0);
}

Result<std::unique_ptr<Reader>> Store::OpenBlob(std::string_view repository, const Digest& digest,
                                                std::int64_t offset) {
  EC_ASSIGN_OR_RETURN(std::int64_t size, BlobSize(repository, digest));
  if (offset > size) {
    return InvalidArgument(StrCat("blob ", digest.str(), ": offset ", offset, " past its size ", size));
  }
  EC_ASSIGN_OR_RETURN(auto reader, FileReader::Open(BlobPath(digest), offset));
  return std::unique_ptr<Reader>(std::move(reader));
}

Result<std::vector<std::string>> Store::RepositoriesWithBlob(const Digest& digest) {
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT repository FROM repo_blobs WHERE digest = ? ORDER BY repository"));
  q.Bind(1, digest.str());
  std::vector<std::string> out;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(q.Text(0));
  }
}

Status Store::LinkBlob(std::string_view repository, const Digest& digest) {
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Statement touch, Statement::Prepare(*db,
      "UPDATE blobs SET touched = ? WHERE digest = ?"));
  EC_RETURN_IF_ERROR(touch.Bind(1, Now()).Bind(2, digest.str()).Run());
  if (sqlite3_changes(db->get()) == 0) return NotFound(StrCat("blob ", digest.str(), " not in the store"));
  EC_ASSIGN_OR_RETURN(Statement link, Statement::Prepare(*db,
      "INSERT OR IGNORE INTO repo_blobs (repository, digest) VALUES (?, ?)"));
  EC_RETURN_IF_ERROR(link.Bind(1, repository).Bind(2, digest.str()).Run());
  return tx.Commit();
}

Status Store::UnlinkBlob(std::string_view repository, const Digest& digest) {
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "DELETE FROM repo_blobs WHERE repository = ? AND digest = ?"));
  EC_RETURN_IF_ERROR(q.Bind(1, repository).Bind(2, digest.str()).Run());
  if (sqlite3_changes(db->get()) == 0) {
    return NotFound(StrCat("blob ", digest.str(), " not in repository ", repository));
  }
  return OkStatus();
}

Status Store::Publish(Database& db, const std::filesystem::path& temp, const Digest& digest,
                      std::int64_t size, std::string_view link_repository) {
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));
  const std::filesystem::path dest = BlobPath(digest);
  struct stat st {};
  if (::stat(dest.c_str(), &st) == 0 && st.st_size == size) {
    // Already there: files in blobs/ only ever appear verified, so keep the existing one.
    ::unlink(temp.c_str());
  } else if (::rename(temp.c_str(), dest.c_str()) != 0) {
    return Unavailable(StrCat("rename ", temp.string(), " to ", dest.string(), ": ", Errno()));
  } else if (options_.durable) {
    UniqueFd dir(::open(dest.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.valid()) ::fsync(dir.get());
  }
  EC_ASSIGN_OR_RETURN(Statement put, Statement::Prepare(db,
      "INSERT INTO blobs (digest, size, touched) VALUES (?, ?, ?) "
      "ON CONFLICT (digest) DO UPDATE SET touched = excluded.touched"));
  EC_RETURN_IF_ERROR(put.Bind(1, digest.str()).Bind(2, size).Bind(3, Now()).Run());
  if (!link_repository.empty()) {
    EC_ASSIGN_OR_RETURN(Statement link, Statement::Prepare(db,
        "INSERT OR IGNORE INTO repo_blobs (repository, digest) VALUES (?, ?)"));
    EC_RETURN_IF_ERROR(link.Bind(1, link_repository).Bind(2, digest.str()).Run());
  }
  return tx.Commit();
}

Status Store::PutBlob(std::string_view repository, const Descriptor& expected, Reader& content) {
  const std::string what = StrCat("blob ", expected.digest.str());
  EC_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(dir_ / "uploads" / expected.digest.hex()));
  VerifyingReader verified(content, expected, what);
  EC_RETURN_IF_ERROR(file.WriteFrom(verified).status());
  EC_RETURN_IF_ERROR(verified.Verify());
  if (options_.durable && ::fsync(file.fd()) != 0) {
    return Unavailable(StrCat("fsync ", file.temp_path().string(), ": ", Errno()));
  }
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  // Publish renames the temp file away; the AtomicFile then finds nothing to remove.
  return Publish(*db, file.temp_path(), expected.digest, expected.size, repository);
}

// --- Manifests -------------------------------------------------------------------------------

Status Store::WriteManifestBlob(Database& db, const Digest& digest, std::string_view bytes) {
  const std::filesystem::path dest = BlobPath(digest);
  struct stat st {};
  if (::stat(dest.c_str(), &st) != 0 || st.st_size != static_cast<off_t>(bytes.size())) {
    EC_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(dest));
    EC_RETURN_IF_ERROR(file.Write(bytes));
    EC_RETURN_IF_ERROR(file.Commit(options_.durable));
  }
  EC_ASSIGN_OR_RETURN(Statement put, Statement::Prepare(db,
      "INSERT INTO blobs (digest, size, touched) VALUES (?, ?, ?) "
      "ON CONFLICT (digest) DO UPDATE SET touched = excluded.touched"));
  return put.Bind(1, digest.str()).Bind(2, static_cast<std::int64_t>(bytes.size()))
      .Bind(3, Now()).Run();
}

Result<ManifestRecord> Store::PutManifest(std::string_view repository, std::string_view reference,
                                          std::string_view content_type, std::string_view bytes,
                                          const std::vector<std::string>& tags) {
  const std::string where = StrCat("manifest ", repository, ":", reference);
  if (bytes.size() > kMaxManifestBytes) {
    return InvalidArgument(StrCat(where, ": ", bytes.size(), " bytes, over the limit of ",
                                  kMaxManifestBytes));
  }
  // The declared type must agree with the document's own mediaType when it has one.
  std::string media_type(content_type);
  auto doc = json::Parse(bytes, where);
  if (!doc.ok() || !doc->is_object()) return InvalidArgument(StrCat(where, ": not a JSON object"));
  if (auto it = doc->find("mediaType"); it != doc->end() && it->is_string()) {
    std::string declared = it->template get<std::string>();
    if (media_type.empty()) media_type = declared;
    if (declared != media_type) {
      return InvalidArgument(StrCat(where, ": Content-Type ", media_type,
                                    " does not match its mediaType ", declared));
    }
  }
  if (media_type.empty()) {
    return InvalidArgument(StrCat(where, ": no Content-Type and no mediaType"));
  }
  if (!IsKnownManifestType(media_type)) {
    return InvalidArgument(StrCat(where, ": unsupported manifest type ", media_type));
  }
  EC_ASSIGN_OR_RETURN(Manifest manifest, Manifest::Parse(bytes, media_type, where));

  std::vector<std::string> all_tags = tags;
  Digest digest = Digest::OfBytes(bytes);
  if (IsManifestReference(reference)) {
    EC_ASSIGN_OR_RETURN(Digest want, Digest::Parse(reference));
    digest = Digest::OfBytes(bytes, want.algorithm());
    if (digest != want) {
      return DataLoss(StrCat(where, ": digest mismatch: got ", digest.str(), ", want ", want.str()));
    }
  } else {
    all_tags.emplace_back(reference);
  }
  for (const std::string& tag : all_tags) EC_RETURN_IF_ERROR(ValidateTag(tag).WithPrefix(where));

  ManifestRecord record;
  record.descriptor.media_type = media_type;
  record.descriptor.digest = digest;
  record.descriptor.size = static_cast<std::int64_t>(bytes.size());
  record.descriptor.artifact_type = manifest.artifact_type;
  if (record.descriptor.artifact_type.empty() && manifest.config) {
    record.descriptor.artifact_type = manifest.config->media_type;
  }
  record.descriptor.annotations = manifest.annotations;
  if (manifest.subject) record.subject = manifest.subject->digest;

  json::Json annotations = json::Json::object();
  for (const auto& [k, v] : manifest.annotations) annotations[k] = v;

  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  // An image manifest's blobs must be in the repository; an index may be sparse (its
  // children pushed later, or never, as in a platform-filtered mirror).
  if (!manifest.is_index) {
    EC_ASSIGN_OR_RETURN(Statement has, Statement::Prepare(*db,
        "SELECT 1 FROM repo_blobs WHERE repository = ? AND digest = ?"));
    for (const Descriptor& blob : manifest.Successors()) {
      if (IsNondistributable(blob.media_type)) continue;
      has.Reset();
      EC_ASSIGN_OR_RETURN(bool found, has.Bind(1, repository).Bind(2, blob.digest.str()).Step());
      if (!found) {
        return FailedPrecondition(StrCat(where, ": blob ", blob.digest.str(),
                                         " is not in repository ", repository));
      }
    }
  }
  EC_RETURN_IF_ERROR(WriteManifestBlob(*db, digest, bytes));
  EC_ASSIGN_OR_RETURN(Statement put, Statement::Prepare(*db,
      "INSERT OR REPLACE INTO manifests (repository, digest, media_type, size, artifact_type,"
      " subject, annotations) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  put.Bind(1, repository).Bind(2, digest.str()).Bind(3, media_type)
      .Bind(4, record.descriptor.size).Bind(5, record.descriptor.artifact_type)
      .Bind(7, annotations.dump());
  if (record.subject) put.Bind(6, record.subject->str());
  EC_RETURN_IF_ERROR(put.Run());
  for (const Descriptor& successor : manifest.Successors()) {
    EC_ASSIGN_OR_RETURN(Statement ref, Statement::Prepare(*db,
        "INSERT OR IGNORE INTO manifest_refs (repository, manifest, digest) VALUES (?, ?, ?)"));
    EC_RETURN_IF_ERROR(ref.Bind(1, repository).Bind(2, digest.str())
                           .Bind(3, successor.digest.str()).Run());
  }
  for (const std::string& tag : all_tags) {
    EC_ASSIGN_OR_RETURN(Statement t, Statement::Prepare(*db,
        "INSERT OR REPLACE INTO tags (repository, tag, digest) VALUES (?, ?, ?)"));
    EC_RETURN_IF_ERROR(t.Bind(1, repository).Bind(2, tag).Bind(3, digest.str()).Run());
  }
  EC_RETURN_IF_ERROR(tx.Commit());
  return record;
}

Result<ManifestRecord> Store::ResolveManifest(std::string_view repository,
                                              std::string_view reference) {
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  const bool by_digest = IsManifestReference(reference);
  std::string digest_text;
  if (by_digest) {
    EC_ASSIGN_OR_RETURN(Digest d, Digest::Parse(reference));
    digest_text = d.str();
  } else {
    EC_RETURN_IF_ERROR(ValidateTag(reference));
  }
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db, by_digest
      ? "SELECT digest, media_type, size, artifact_type, annotations, subject FROM manifests "
        "WHERE repository = ? AND digest = ?"
      : "SELECT m.digest, m.media_type, m.size, m.artifact_type, m.annotations, m.subject "
        "FROM tags t JOIN manifests m ON m.repository = t.repository AND m.digest = t.digest "
        "WHERE t.repository = ? AND t.tag = ?"));
  q.Bind(1, repository).Bind(2, by_digest ? std::string_view(digest_text) : reference);
  EC_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFound(StrCat("manifest ", repository, by_digest ? "@" : ":", reference, " not found"));
  ManifestRecord record;
  EC_ASSIGN_OR_RETURN(record.descriptor, RecordDescriptor(q, 0));
  if (!q.IsNull(5)) {
    EC_ASSIGN_OR_RETURN(Digest subject, Digest::Parse(q.Text(5)));
    record.subject = subject;
  }
  return record;
}

Result<std::string> Store::ReadManifest(const ManifestRecord& record) {
  const Descriptor& d = record.descriptor;
  EC_ASSIGN_OR_RETURN(std::string bytes, ReadSmallFile(BlobPath(d.digest), kMaxManifestBytes));
  // Cheap for a manifest, and it turns silent disk corruption into a clear error.
  Digest got = Digest::OfBytes(bytes, d.digest.algorithm());
  if (got != d.digest) {
    return DataLoss(StrCat("stored manifest ", d.digest.str(), " is corrupt: got digest ",
                           got.str(), ", want ", d.digest.str()));
  }
  return bytes;
}

Status Store::TagManifest(std::string_view repository, std::string_view tag, const Digest& digest) {
  EC_RETURN_IF_ERROR(ValidateTag(tag));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Statement has, Statement::Prepare(*db,
      "SELECT 1 FROM manifests WHERE repository = ? AND digest = ?"));
  EC_ASSIGN_OR_RETURN(bool found, has.Bind(1, repository).Bind(2, digest.str()).Step());
  if (!found) return NotFound(StrCat("manifest ", repository, "@", digest.str(), " not found"));
  EC_ASSIGN_OR_RETURN(Statement t, Statement::Prepare(*db,
      "INSERT OR REPLACE INTO tags (repository, tag, digest) VALUES (?, ?, ?)"));
  EC_RETURN_IF_ERROR(t.Bind(1, repository).Bind(2, tag).Bind(3, digest.str()).Run());
  return tx.Commit();
}

Status Store::DeleteManifest(std::string_view repository, const Digest& digest) {
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db));
  EC_ASSIGN_OR_RETURN(Statement del, Statement::Prepare(*db,
      "DELETE FROM manifests WHERE repository = ? AND digest = ?"));
  EC_RETURN_IF_ERROR(del.Bind(1, repository).Bind(2, digest.str()).Run());
  if (sqlite3_changes(db->get()) == 0) {
    return NotFound(StrCat("manifest ", repository, "@", digest.str(), " not found"));
  }
  for (const char* sql : {"DELETE FROM manifest_refs WHERE repository = ? AND manifest = ?",
                          "DELETE FROM tags WHERE repository = ? AND digest = ?"}) {
    EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db, sql));
    EC_RETURN_IF_ERROR(q.Bind(1, repository).Bind(2, digest.str()).Run());
  }
  return tx.Commit();
}

Status Store::DeleteTag(std::string_view repository, std::string_view tag) {
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "DELETE FROM tags WHERE repository = ? AND tag = ?"));
  EC_RETURN_IF_ERROR(q.Bind(1, repository).Bind(2, tag).Run());
  if (sqlite3_changes(db->get()) == 0) return NotFound(StrCat("tag ", repository, ":", tag, " not found"));
  return OkStatus();
}

Result<bool> Store::RepositoryExists(std::string_view repository) {
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT EXISTS (SELECT 1 FROM manifests WHERE repository = ?1)"
      " OR EXISTS (SELECT 1 FROM repo_blobs WHERE repository = ?1)"));
  EC_ASSIGN_OR_RETURN(bool row, q.Bind(1, repository).Step());
  return row && q.Int(0) != 0;
}

Result<std::vector<std::string>> Store::ListTags(std::string_view repository,
                                                 std::string_view last, int n) {
  EC_ASSIGN_OR_RETURN(bool exists, RepositoryExists(repository));
  if (!exists) return NotFound(StrCat("repository ", repository, " not found"));
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT tag FROM tags WHERE repository = ? AND tag > ? ORDER BY tag LIMIT ?"));
  q.Bind(1, repository).Bind(2, last).Bind(3, static_cast<std::int64_t>(n));
  std::vector<std::string> out;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(q.Text(0));
  }
}

Result<std::vector<std::string>> Store::Catalog(std::string_view last, int n) {
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT DISTINCT repository FROM manifests WHERE repository > ? ORDER BY repository LIMIT ?"));
  q.Bind(1, last).Bind(2, static_cast<std::int64_t>(n));
  std::vector<std::string> out;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(q.Text(0));
  }
}

Result<std::vector<Descriptor>> Store::Referrers(std::string_view repository, const Digest& subject,
                                                 std::string_view artifact_type) {
  EC_ASSIGN_OR_RETURN(auto db, pool_->Acquire());
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db,
      "SELECT digest, media_type, size, artifact_type, annotations FROM manifests "
      "WHERE repository = ? AND subject = ? AND (? = '' OR artifact_type = ?) ORDER BY digest"));
  q.Bind(1, repository).Bind(2, subject.str()).Bind(3, artifact_type).Bind(4, artifact_type);
  std::vector<Descriptor> out;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    EC_ASSIGN_OR_RETURN(Descriptor d, RecordDescriptor(q, 0));
    out.push_back(std::move(d));
  }
}

}  // namespace ec::oci::store
