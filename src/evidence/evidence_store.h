// The evidence store: every ingested document kept byte-exact under blobs/sha256/<hex>
// (shared by tenants, written once), and per tenant in SQLite (evidence.db, WAL) the
// document's row and its normalised records. A batch of documents becomes visible in one
// transaction, after its blobs are on disk, so a crash never leaves a row without its bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "evidence/record.h"
#include "oci/digest.h"
#include "oci/store/sqlite.h"
#include "status.h"

namespace ec::evidence {

struct StoredDocument {
  std::string digest;  // sha256:<hex> of the raw bytes
  std::string format;  // DocumentFormatName
  std::string kind;    // SourceKindName
  std::string name;    // file name it was ingested from (base name only)
  std::string id;      // the document's own id
  std::string modified;
  std::int64_t size = 0;
  std::int64_t records = 0;
};

struct StoredRecord {
  std::string digest;  // the document it came from
  std::int64_t seq = 0;
  // The fields selectors look at (kind, vulnerability, aliases, purl, ecosystem, severity,
  // modified); the full record is `body`.
  Record index;
  std::string body;  // canonical JSON of RecordToJson
};

class EvidenceStore {
 public:
  // $EC_EVIDENCE, else $XDG_DATA_HOME/export-center/evidence, else
  // ~/.local/share/export-center/evidence.
  static std::filesystem::path DefaultPath();
  // Opens or creates the store; refuses a non-empty directory that is not one.
  static Result<std::unique_ptr<EvidenceStore>> Open(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }

  // Writes the raw bytes under their digest (no fsync: Commit syncs the file system once).
  Status PutRaw(const oci::Digest& digest, std::string_view bytes);
  // True when the tenant already holds this document.
  Result<bool> HasDocument(std::string_view tenant, const oci::Digest& digest);

  // A batch of documents added under one transaction.
  class Batch {
   public:
    // Adds the document's row and records; false when the tenant already held it.
    Result<bool> Add(std::string_view tenant, const StoredDocument& doc,
                     const NormalisedDocument& normalised);
    // Syncs the blobs written so far, then commits the rows.
    Status Commit();

   private:
    friend class EvidenceStore;
    Batch(EvidenceStore* store, oci::store::Transaction txn, oci::store::Statement insert_document,
          oci::store::Statement insert_record)
        : store_(store), txn_(std::move(txn)), insert_document_(std::move(insert_document)),
          insert_record_(std::move(insert_record)) {}
    EvidenceStore* store_;
    oci::store::Transaction txn_;
    // Prepared once for the batch: ingest adds thousands of documents.
    oci::store::Statement insert_document_;
    oci::store::Statement insert_record_;
  };
  Result<Batch> BeginBatch();

  // The tenant's documents, ordered by (kind, id, digest).
  Result<std::vector<StoredDocument>> Documents(std::string_view tenant);
  // The tenant's records in (digest, seq) order; stops at the first error `fn` returns.
  Status ForEachRecord(std::string_view tenant, const std::function<Status(const StoredRecord&)>& fn);
  // Opens a document's raw bytes for streaming; the caller verifies them against the digest.
  std::filesystem::path RawPath(const oci::Digest& digest) const;
  // Reads a document's raw bytes whole, verified against its digest.
  Result<std::string> ReadRaw(const oci::Digest& digest);

 private:
  EvidenceStore(std::filesystem::path dir, std::unique_ptr<oci::store::Database> db)
      : dir_(std::move(dir)), db_(std::move(db)) {}
  std::filesystem::path dir_;
  std::unique_ptr<oci::store::Database> db_;
};

}  // namespace ec::evidence
