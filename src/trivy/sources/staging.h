// Staging is the in-memory stand-in for trivy-db's temporary build buckets
// (advisory-detail, vulnerability-detail, vulnerability-id, data-source; trivy-db.md §2.4).
// Readers put what each document says; WriteTo() then does what optimize() does and fills
// the published layout: <platform>/<package>/<ID>, vulnerability/<ID>, data-source/<platform>.
//
// Order independence: when two puts target the same key (same ID, platform and package for
// an advisory; same ID and source for a detail), the put with the greater
// (origin.modified, origin.document_id, encoded value bytes) wins, compared bytewise. The
// winner therefore depends only on the documents' contents, never on the order in which
// files were read. `modified` is a bytewise-sortable UTC form of the document's modification
// time (empty when the format has none), so the most recently modified document wins; then
// the greater document ID; then the greater value bytes.
//
// Not thread-safe.
#pragma once

#include <map>
#include <string>
#include <tuple>

#include "trivy/bucket_tree.h"
#include "trivy/sources/trivy_types.h"

namespace ec::trivy {

// Where a put comes from; see the ordering rule above.
struct Origin {
  std::string modified;     // sortable UTC time, e.g. "00000000101704067200.000000000"; or ""
  std::string document_id;  // e.g. "GHSA-wjx8-cgrm-hh8p"; or ""
};

class Staging {
 public:
  void PutDataSource(const std::string& platform, const DataSource& source);
  void PutAdvisory(const std::string& vuln_id, const std::string& platform,
                   const std::string& package, const Advisory& advisory, const Origin& origin);
  void PutDetail(const std::string& vuln_id, const std::string& source_id,
                 const VulnerabilityDetail& detail, const Origin& origin);

  // Applies every put of `other` to this staging area (same ordering rule).
  void MergeFrom(const Staging& other);

  // Writes the published buckets into `db` (existing keys are overwritten) and always
  // creates the `vulnerability` bucket. Rejected IDs are left out entirely.
  // Returns the number of advisory values written.
  int WriteTo(BucketTree& db) const;

 private:
  using Rank = std::tuple<std::string, std::string, std::string>;  // modified, id, bytes
  void PutRankedAdvisory(const std::string& vuln_id, const std::pair<std::string, std::string>& key,
                         Rank rank, std::string bytes);
  void PutRankedDetail(const std::string& vuln_id, const std::string& source_id, Rank rank,
                       const VulnerabilityDetail& detail);
  struct StagedAdvisory {
    Rank rank;
    std::string bytes;
  };
  struct StagedDetail {
    Rank rank;
    VulnerabilityDetail detail;
  };

  // vuln ID → (platform, package) → advisory
  std::map<std::string, std::map<std::pair<std::string, std::string>, StagedAdvisory>> advisories_;
  // vuln ID → source ID → detail
  std::map<std::string, std::map<std::string, StagedDetail>> details_;
  std::map<std::string, std::string> data_sources_;  // platform → DataSource bytes
};

}  // namespace ec::trivy
