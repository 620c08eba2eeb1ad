#include "evidence/ingest.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "evidence/normalise.h"
#include "evidence/selectors.h"
#include "oci/io.h"

namespace ec::evidence {
namespace {

// Documents normalised in parallel before being written in order: bounds memory to this
// many documents at a time.
constexpr std::size_t kWindow = 256;

struct Prepared {
  std::string bytes;
  oci::Digest digest = oci::Digest::OfBytes("");
  Result<NormalisedDocument> normalised = Status(Code::kInternal, "not read");
};

Prepared Prepare(const std::filesystem::path& file) {
  Prepared p;
  auto bytes = oci::ReadSmallFile(file, kMaxDocumentBytes);
  if (!bytes.ok()) {
    p.normalised = bytes.status();
    return p;
  }
  p.bytes = std::move(*bytes);
  p.digest = oci::Digest::OfBytes(p.bytes);
  p.normalised = Normalise(p.bytes, file.filename().string());
  return p;
}

}  // namespace

Result<std::vector<std::filesystem::path>> ListEvidenceFiles(const std::vector<std::filesystem::path>& inputs) {
  std::vector<std::filesystem::path> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    auto status = std::filesystem::symlink_status(input, ec);
    if (ec || !std::filesystem::exists(status)) {
      return InvalidArgument(StrCat("ingest ", input.string(), ": no such file or directory"));
    }
    if (std::filesystem::is_regular_file(std::filesystem::status(input, ec))) {
      files.push_back(input);
      continue;
    }
    if (!std::filesystem::is_directory(status)) {
      return InvalidArgument(StrCat("ingest ", input.string(), ": not a regular file or directory"));
    }
    std::vector<std::filesystem::path> found;
    for (auto it = std::filesystem::recursive_directory_iterator(input, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      // Symlinks are not followed: a directory of evidence should not reach outside itself.
      if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
      if (it->path().extension() == ".json") found.push_back(it->path());
    }
    if (ec) return Unavailable(StrCat("ingest ", input.string(), ": ", ec.message()));
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

Result<IngestReport> IngestPaths(EvidenceStore& store, const std::vector<std::filesystem::path>& inputs,
                                 const IngestOptions& options) {
  EC_RETURN_IF_ERROR(ValidateTenant(options.tenant));
  EC_ASSIGN_OR_RETURN(std::vector<std::filesystem::path> files, ListEvidenceFiles(inputs));
  unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());

  IngestReport report;
  report.files = static_cast<std::int64_t>(files.size());
  EC_ASSIGN_OR_RETURN(EvidenceStore::Batch batch, store.BeginBatch());
  for (std::size_t start = 0; start < files.size(); start += kWindow) {
    const std::size_t count = std::min(kWindow, files.size() - start);
    std::vector<Prepared> window(count);
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < count;) window[i] = Prepare(files[start + i]);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < std::min<std::size_t>(threads, count); ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();

    for (std::size_t i = 0; i < count; ++i) {
      Prepared& p = window[i];
      const std::filesystem::path& file = files[start + i];
      report.bytes += static_cast<std::int64_t>(p.bytes.size());
      if (!p.normalised.ok()) {
        ++report.rejected;
        report.rejections.push_back(StrCat(file.string(), ": ", p.normalised.status().message()));
        continue;
      }
      const NormalisedDocument& doc = *p.normalised;
      StoredDocument row;
      row.digest = p.digest.str();
      row.format = DocumentFormatName(doc.format);
      row.kind = SourceKindName(doc.kind);
      row.name = file.filename().string();
      row.id = doc.id;
      row.modified = doc.modified;
      row.size = static_cast<std::int64_t>(p.bytes.size());
      EC_RETURN_IF_ERROR(store.PutRaw(p.digest, p.bytes));
      EC_ASSIGN_OR_RETURN(bool added, batch.Add(options.tenant, row, doc));
      if (added) {
        ++report.added;
        report.records += static_cast<std::int64_t>(doc.records.size());
      } else {
        ++report.unchanged;
      }
    }
  }
  EC_RETURN_IF_ERROR(batch.Commit());
  return report;
}

}  // namespace ec::evidence
