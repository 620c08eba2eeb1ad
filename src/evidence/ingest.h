// ingest: reads evidence files into a tenant's part of the evidence store. Directories are
// walked for *.json files in name order; files named explicitly are read whatever their
// extension. Each document is normalised on a worker thread; a document that fails is
// rejected with its file and reason, and the others still go in, all in one transaction.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "evidence/evidence_store.h"

namespace ec::evidence {

struct IngestOptions {
  std::string tenant;
  unsigned threads = 0;  // 0: one per core
};

struct IngestReport {
  std::int64_t files = 0;
  std::int64_t added = 0;      // new to this tenant
  std::int64_t unchanged = 0;  // the tenant already held these exact bytes
  std::int64_t rejected = 0;
  std::int64_t records = 0;    // records of the added documents
  std::int64_t bytes = 0;      // bytes read
  std::vector<std::string> rejections;  // "FILE: reason", in file order
};

// Fails (storing nothing) when an input path does not exist or the store cannot be written;
// bad documents are reported, not fatal.
Result<IngestReport> IngestPaths(EvidenceStore& store, const std::vector<std::filesystem::path>& inputs,
                                 const IngestOptions& options);

// The files ingest would read from `inputs`, in order.
Result<std::vector<std::filesystem::path>> ListEvidenceFiles(const std::vector<std::filesystem::path>& inputs);

}  // namespace ec::evidence
