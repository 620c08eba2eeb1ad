#include "evidence/evidence_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "evidence/normalise_common.h"
#include "json/canonical.h"
#include "oci/io.h"

namespace ec::evidence {
namespace {

using oci::store::Database;
using oci::store::Statement;

constexpr const char* kMarkerName = "evidence.db";

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS documents(
  tenant TEXT NOT NULL, digest TEXT NOT NULL, format TEXT NOT NULL, kind TEXT NOT NULL,
  name TEXT NOT NULL, doc_id TEXT NOT NULL, modified TEXT NOT NULL, size INTEGER NOT NULL,
  records INTEGER NOT NULL, PRIMARY KEY (tenant, digest)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records(
  tenant TEXT NOT NULL, digest TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
  vulnerability TEXT NOT NULL, aliases TEXT NOT NULL, purl TEXT NOT NULL,
  ecosystem TEXT NOT NULL, severity TEXT NOT NULL, modified TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (tenant, digest, seq)) WITHOUT ROWID;
)sql";

SourceKind KindFromName(std::string_view name) {
  if (name == "vex") return SourceKind::kVex;
  if (name == "sbom") return SourceKind::kSbom;
  return SourceKind::kAdvisory;
}

std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += '\n';
    out += s;
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

std::filesystem::path EvidenceStore::DefaultPath() {
  if (const char* env = std::getenv("EC_EVIDENCE"); env != nullptr && *env != '\0') return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::filesystem::path(xdg) / "export-center" / "evidence";
  }
  const char* home = std::getenv("HOME");
  std::filesystem::path base = home != nullptr && *home != '\0' ? home : ".";
  return base / ".local" / "share" / "export-center" / "evidence";
}

Result<std::unique_ptr<EvidenceStore>> EvidenceStore::Open(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir / kMarkerName, ec) && std::filesystem::exists(dir, ec) &&
      !std::filesystem::is_empty(dir, ec)) {
    return FailedPrecondition(StrCat("evidence store ", dir.string(),
                                     ": directory is not empty and holds no evidence.db; "
                                     "choose an empty or new directory"));
  }
  std::filesystem::create_directories(dir / "blobs" / "sha256", ec);
  if (ec) return Unavailable(StrCat("create evidence store ", dir.string(), ": ", ec.message()));
  EC_ASSIGN_OR_RETURN(auto db, Database::Open(dir / kMarkerName));
  EC_RETURN_IF_ERROR(db->Exec(kSchema));
  return std::unique_ptr<EvidenceStore>(new EvidenceStore(dir, std::move(db)));
}

std::filesystem::path EvidenceStore::RawPath(const oci::Digest& digest) const {
  return dir_ / "blobs" / std::string(digest.algorithm_name()) / digest.hex();
}

Status EvidenceStore::PutRaw(const oci::Digest& digest, std::string_view bytes) {
  const std::filesystem::path path = RawPath(digest);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return OkStatus();  // content-addressed: same bytes
  EC_ASSIGN_OR_RETURN(oci::AtomicFile file, oci::AtomicFile::Create(path));
  EC_RETURN_IF_ERROR(file.Write(bytes));
  return file.Commit(/*durable=*/false);
}

Result<bool> EvidenceStore::HasDocument(std::string_view tenant, const oci::Digest& digest) {
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db_, "SELECT 1 FROM documents WHERE tenant=? AND digest=?"));
  q.Bind(1, tenant).Bind(2, digest.str());
  return q.Step();
}

Result<EvidenceStore::Batch> EvidenceStore::BeginBatch() {
  EC_ASSIGN_OR_RETURN(oci::store::Transaction txn, oci::store::Transaction::Begin(*db_));
  EC_ASSIGN_OR_RETURN(Statement insert_doc,
                      Statement::Prepare(*db_, "INSERT OR IGNORE INTO documents VALUES(?,?,?,?,?,?,?,?,?)"));
  EC_ASSIGN_OR_RETURN(Statement insert_rec,
                      Statement::Prepare(*db_, "INSERT INTO records VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
  return Batch(this, std::move(txn), std::move(insert_doc), std::move(insert_rec));
}

Result<bool> EvidenceStore::Batch::Add(std::string_view tenant, const StoredDocument& doc,
                                       const NormalisedDocument& normalised) {
  Database& db = *store_->db_;
  Statement& insert_doc = insert_document_;
  insert_doc.Reset();
  insert_doc.Bind(1, tenant).Bind(2, doc.digest).Bind(3, doc.format).Bind(4, doc.kind).Bind(5, doc.name);
  insert_doc.Bind(6, doc.id).Bind(7, doc.modified).Bind(8, doc.size);
  insert_doc.Bind(9, static_cast<std::int64_t>(normalised.records.size()));
  EC_RETURN_IF_ERROR(insert_doc.Run());
  if (sqlite3_changes(db.get()) == 0) return false;  // the tenant already holds it
  Statement& insert_rec = insert_record_;
  std::int64_t seq = 0;
  for (const Record& r : normalised.records) {
    insert_rec.Reset();
    insert_rec.Bind(1, tenant).Bind(2, doc.digest).Bind(3, seq++).Bind(4, SourceKindName(r.kind));
    insert_rec.Bind(5, r.vulnerability).Bind(6, JoinLines(r.aliases)).Bind(7, r.purl);
    insert_rec.Bind(8, r.ecosystem).Bind(9, r.severity).Bind(10, r.modified);
    insert_rec.Bind(11, json::Canonical(RecordToJson(r)));
    EC_RETURN_IF_ERROR(insert_rec.Run());
  }
  return true;
}

Status EvidenceStore::Batch::Commit() {
  // One syncfs for every blob of the batch, before any row naming them is committed.
  oci::UniqueFd dir(::open(store_->dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid() || ::syncfs(dir.get()) != 0) {
    return Unavailable(StrCat("sync evidence store ", store_->dir_.string()));
  }
  return txn_.Commit();
}

Result<std::vector<StoredDocument>> EvidenceStore::Documents(std::string_view tenant) {
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db_,
      "SELECT digest, format, kind, name, doc_id, modified, size, records FROM documents "
      "WHERE tenant=? ORDER BY kind, doc_id, digest"));
  q.Bind(1, tenant);
  std::vector<StoredDocument> out;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    StoredDocument d;
    d.digest = q.Text(0);
    d.format = q.Text(1);
    d.kind = q.Text(2);
    d.name = q.Text(3);
    d.id = q.Text(4);
    d.modified = q.Text(5);
    d.size = q.Int(6);
    d.records = q.Int(7);
    out.push_back(std::move(d));
  }
  return out;
}

Status EvidenceStore::ForEachRecord(std::string_view tenant,
                                    const std::function<Status(const StoredRecord&)>& fn) {
  EC_ASSIGN_OR_RETURN(Statement q, Statement::Prepare(*db_,
      "SELECT digest, seq, kind, vulnerability, aliases, purl, ecosystem, severity, modified, body "
      "FROM records WHERE tenant=? ORDER BY digest, seq"));
  q.Bind(1, tenant);
  StoredRecord r;
  while (true) {
    EC_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    r.digest = q.Text(0);
    r.seq = q.Int(1);
    r.index.kind = KindFromName(q.Text(2));
    r.index.vulnerability = q.Text(3);
    r.index.aliases = SplitLines(q.Text(4));
    r.index.purl = q.Text(5);
    r.index.ecosystem = q.Text(6);
    r.index.severity = q.Text(7);
    r.index.modified = q.Text(8);
    r.body = q.Text(9);
    EC_RETURN_IF_ERROR(fn(r));
  }
  return OkStatus();
}

Result<std::string> EvidenceStore::ReadRaw(const oci::Digest& digest) {
  EC_ASSIGN_OR_RETURN(std::string bytes, oci::ReadSmallFile(RawPath(digest), kMaxDocumentBytes));
  oci::Digest got = oci::Digest::OfBytes(bytes, digest.algorithm());
  if (got != digest) {
    return DataLoss(StrCat("evidence document ", digest.str(), ": stored bytes hash to ", got.str(),
                           "; the store is damaged"));
  }
  return bytes;
}

}  // namespace ec::evidence
