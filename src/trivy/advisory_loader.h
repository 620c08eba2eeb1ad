// LoadAdvisories fills a BucketTree with what `trivy-db build` would store for the given
// advisory files (trivy-db.md §2): one bucket per platform / data source
// (`alpine 3.18`, `debian 12`, `pip::GitHub Security Advisory pip`, …) holding
// package → vulnerability ID → advisory JSON, plus `vulnerability` (merged details per ID)
// and `data-source` (DataSource JSON per platform bucket).
//
// Inputs: files and directories. Directories are walked recursively (symlinked directories
// are not followed; entries whose name starts with "." are skipped) for *.json, *.yaml and
// *.yml; a file named explicitly is read whatever its extension. All files are deduplicated
// and read in sorted path order. Each file is one document whose format is recognised by
// content (trivy/sources/format.h): OSV (JSON or YAML, GHSA included), Alpine secdb (JSON or
// YAML), the Debian security tracker JSON, or a Node.js Security WG advisory. Readers:
// trivy/sources/*_reader.h.
//
// Unreadable, malformed, oversized or unrecognised documents are skipped and reported as
// "<file>: <reason>"; the load goes on. Conflicts between documents are settled by content,
// never by the order files are read (trivy/sources/staging.h), so the same set of files
// always yields the same tree. The `vulnerability` bucket is always created (Trivy panics
// without it). Existing keys in `db` are overwritten.
//
// Limits (trivy/sources/limits.h): file size, nesting depth, YAML node count, file count.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "status.h"
#include "trivy/bucket_tree.h"

namespace ec::trivy {

struct LoadReport {
  int documents = 0;  // documents recognised and loaded
  int skipped = 0;    // documents skipped (see problems)
  // "<file>: <reason>", in file order: one per skipped document, plus defects inside
  // documents that were otherwise loaded (Debian tracker entries).
  std::vector<std::string> problems;
  int advisories = 0;                        // advisory values written into the tree
  std::map<std::string, int> formats;        // "osv", "alpine-secdb", "debian-tracker",
                                             // "nodejs-security-wg" → documents
  std::map<std::string, int> dropped;        // reason → count ("withdrawn", "unsupported ecosystem Hackage", …)
};

struct LoadOptions {
  // The time OSV `withdrawn` stamps are compared with; the system clock when unset.
  // (Seconds, so that far-future times such as 3001-01-01 are representable.)
  std::optional<std::chrono::sys_seconds> now;
};

// Errors only for the inputs as a whole: a source path that does not exist or cannot be
// walked, or more than kMaxSourceFiles files.
Result<LoadReport> LoadAdvisories(const std::vector<std::filesystem::path>& sources, BucketTree& db);
Result<LoadReport> LoadAdvisories(const std::vector<std::filesystem::path>& sources, BucketTree& db,
                                  const LoadOptions& options);

}  // namespace ec::trivy
