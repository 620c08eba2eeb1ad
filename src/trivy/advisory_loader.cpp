#include "trivy/advisory_loader.h"

#include "trivy/sources/alpine_reader.h"
#include "trivy/sources/debian_reader.h"
#include "trivy/sources/document.h"
#include "trivy/sources/file_walk.h"
#include "trivy/sources/format.h"
#include "trivy/sources/node_reader.h"
#include "trivy/sources/osv_reader.h"
#include "trivy/sources/staging.h"

namespace ec::trivy {
namespace {

Result<DocumentOutcome> ReadDocument(AdvisoryFormat format, const json::Json& document,
                                     const ReadContext& context, Staging& staging) {
  switch (format) {
    case AdvisoryFormat::kOsv: return ReadOsvDocument(document, context, staging);
    case AdvisoryFormat::kAlpineSecdb: return ReadAlpineSecdb(document, staging);
    case AdvisoryFormat::kDebianTracker: return ReadDebianTracker(document, staging);
    case AdvisoryFormat::kNodeSecurityWg: return ReadNodeSecurityWg(document, staging);
    case AdvisoryFormat::kUnknown: break;
  }
  return InvalidArgument(
      "not a recognised advisory document (OSV, Alpine secdb, Debian security tracker or "
      "Node.js Security WG)");
}

}  // namespace

Result<LoadReport> LoadAdvisories(const std::vector<std::filesystem::path>& sources,
                                  BucketTree& db) {
  return LoadAdvisories(sources, db, LoadOptions{});
}

Result<LoadReport> LoadAdvisories(const std::vector<std::filesystem::path>& sources,
                                  BucketTree& db, const LoadOptions& options) {
  EC_ASSIGN_OR_RETURN(std::vector<std::filesystem::path> files, ListAdvisoryFiles(sources));
  ReadContext context{options.now.value_or(
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))};
  LoadReport report;
  Staging staging;
  for (const auto& path : files) {
    const std::string name = path.string();
    auto skip = [&](const Status& status) {
      ++report.skipped;
      report.problems.push_back(status.message());
    };
    auto bytes = ReadAdvisoryFile(path);
    if (!bytes.ok()) {
      skip(bytes.status());
      continue;
    }
    auto document = ParseDocument(*bytes, SyntaxForPath(path), name);
    if (!document.ok()) {
      skip(document.status());
      continue;
    }
    AdvisoryFormat format = DetectFormat(*document);
    // Each document stages on its own first, so a document that fails half-way leaves
    // nothing behind.
    Staging own;
    auto outcome = ReadDocument(format, *document, context, own);
    if (!outcome.ok()) {
      skip(outcome.status().WithPrefix(name));
      continue;
    }
    staging.MergeFrom(own);
    ++report.documents;
    ++report.formats[std::string(FormatName(format))];
    for (const auto& reason : outcome->dropped) ++report.dropped[reason];
    for (const auto& problem : outcome->problems) report.problems.push_back(StrCat(name, ": ", problem));
  }
  report.advisories = staging.WriteTo(db);
  return report;
}

}  // namespace ec::trivy
