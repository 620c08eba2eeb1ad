#include "profiles/json_export.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "evidence/evaluate.h"
#include "json/canonical.h"
#include "oci/io.h"

namespace ec::profiles {
namespace {

using evidence::StoredDocument;
using evidence::StoredRecord;

// Documents canonicalised in parallel per window, then written in order.
constexpr std::size_t kDocumentWindow = 64;

const char* ShardPrefix(const std::string& kind) {
  if (kind == "vex") return "vex";
  if (kind == "sbom") return "sboms";
  return "advisories";
}

std::string Quote(std::string_view s) { return json::Canonical(json::Json(std::string(s))); }

Result<std::string> DocumentLine(evidence::EvidenceStore& store, const StoredDocument& doc) {
  EC_ASSIGN_OR_RETURN(oci::Digest digest, oci::Digest::Parse(doc.digest));
  EC_ASSIGN_OR_RETURN(std::string raw, store.ReadRaw(digest));
  EC_ASSIGN_OR_RETURN(json::Json parsed, json::Parse(raw, StrCat("evidence document ", doc.digest)));
  Result<std::string> canonical = json::CanonicalChecked(parsed);
  if (!canonical.ok()) return canonical.status().WithPrefix(StrCat("evidence document ", doc.name, " (", doc.digest, ")"));
  std::string line;
  line.reserve(canonical->size() + 256);
  line += "{\"digest\":";
  line += Quote(doc.digest);
  line += ",\"document\":";
  line += *canonical;
  line += ",\"format\":";
  line += Quote(doc.format);
  line += ",\"id\":";
  line += Quote(doc.id);
  line += ",\"kind\":";
  line += Quote(doc.kind);
  line += ",\"modified\":";
  line += Quote(doc.modified);
  line += ",\"name\":";
  line += Quote(doc.name);
  line += '}';
  return line;
}

// Canonical lines of documents [begin, end), computed on up to two threads.
std::vector<Result<std::string>> DocumentLines(evidence::EvidenceStore& store,
                                               const std::vector<const StoredDocument*>& docs,
                                               std::size_t begin, std::size_t end) {
  std::vector<Result<std::string>> out(end - begin, Status(Code::kInternal, "not built"));
  std::atomic<std::size_t> next{begin};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < end;) out[i - begin] = DocumentLine(store, *docs[i]);
  };
  unsigned threads = std::min(2u, std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return out;
}

}  // namespace

std::string HashOfSortedDigests(std::vector<std::string> digests) {
  return evidence::InputsHash(std::move(digests));
}

Result<JsonExport> WriteJsonExport(evidence::EvidenceStore& store, const JsonExportOptions& options,
                                   const std::filesystem::path& work_dir) {
  const evidence::Selectors& sel = options.selectors;
  EC_ASSIGN_OR_RETURN(std::vector<StoredDocument> all_docs, store.Documents(sel.tenant));
  auto kind_selected = [&](const std::string& kind) {
    return sel.kinds.empty() || std::binary_search(sel.kinds.begin(), sel.kinds.end(), kind);
  };

  // Records in scope, and the documents that have one.
  std::vector<StoredRecord> records;
  std::set<std::string> docs_with_records;
  EC_RETURN_IF_ERROR(store.ForEachRecord(sel.tenant, [&](const StoredRecord& r) {
    if (evidence::RecordInScope(sel, r.index)) {
      records.push_back(r);
      docs_with_records.insert(r.digest);
    }
    return OkStatus();
  }));
  std::sort(records.begin(), records.end(), [](const StoredRecord& a, const StoredRecord& b) {
    const auto& x = a.index;
    const auto& y = b.index;
    return std::tie(x.kind, x.vulnerability, x.purl, a.digest, a.seq) <
           std::tie(y.kind, y.vulnerability, y.purl, b.digest, b.seq);
  });

  std::vector<const StoredDocument*> docs;
  JsonExport out;
  std::string newest;
  for (const StoredDocument& d : all_docs) {
    if (!kind_selected(d.kind)) continue;
    if (evidence::HasRecordSelectors(sel) && docs_with_records.count(d.digest) == 0) continue;
    docs.push_back(&d);
    out.input_digests.push_back(d.digest);
    out.input_bytes += d.size;
    newest = std::max(newest, d.modified);
  }
  std::sort(out.input_digests.begin(), out.input_digests.end());
  out.documents = static_cast<std::int64_t>(docs.size());
  out.records = static_cast<std::int64_t>(records.size());
  out.inputs_hash = HashOfSortedDigests(out.input_digests);

  // Documents, one shard series per kind.
  std::map<std::string, std::unique_ptr<ShardWriter>> writers;
  for (std::size_t start = 0; start < docs.size(); start += kDocumentWindow) {
    const std::size_t end = std::min(docs.size(), start + kDocumentWindow);
    std::vector<Result<std::string>> lines = DocumentLines(store, docs, start, end);
    for (std::size_t i = start; i < end; ++i) {
      Result<std::string>& line = lines[i - start];
      if (!line.ok()) return line.status();
      const std::string prefix = ShardPrefix(docs[i]->kind);
      auto& w = writers[prefix];
      if (!w) w = std::make_unique<ShardWriter>(work_dir, prefix, options.shard_bytes, options.zstd_level);
      EC_RETURN_IF_ERROR(w->Add(*line));
    }
  }
  std::vector<ExportFile> files;
  for (auto& [prefix, w] : writers) {
    EC_ASSIGN_OR_RETURN(std::vector<ExportFile> shards, w->Finish());
    files.insert(files.end(), shards.begin(), shards.end());
  }

  // Normalised records.
  {
    ShardWriter w(work_dir, "records", options.shard_bytes, options.zstd_level);
    std::string line;
    for (const StoredRecord& r : records) {
      line = "{\"document\":";
      line += Quote(r.digest);
      line += ",\"record\":";
      line += r.body;
      line += ",\"seq\":";
      line += std::to_string(r.seq);
      line += '}';
      EC_RETURN_IF_ERROR(w.Add(line));
    }
    EC_ASSIGN_OR_RETURN(std::vector<ExportFile> shards, w.Finish());
    files.insert(files.end(), shards.begin(), shards.end());
  }

  // The policy overlay.
  json::Json policy_snapshot;
  if (options.policy) {
    std::vector<evidence::Record> full;
    full.reserve(records.size());
    for (const StoredRecord& r : records) {
      EC_ASSIGN_OR_RETURN(json::Json body, json::Parse(r.body, StrCat("record ", r.digest, "#", r.seq)));
      EC_ASSIGN_OR_RETURN(evidence::Record rec, evidence::RecordFromJson(body, StrCat("record ", r.digest, "#", r.seq)));
      full.push_back(std::move(rec));
    }
    EC_ASSIGN_OR_RETURN(PolicyOverlay overlay, options.policy(full, out.inputs_hash));
    ShardWriter w(work_dir, "policy-decisions", options.shard_bytes, options.zstd_level);
    for (const std::string& line : overlay.decision_lines) EC_RETURN_IF_ERROR(w.Add(line));
    EC_ASSIGN_OR_RETURN(std::vector<ExportFile> shards, w.Finish());
    files.insert(files.end(), shards.begin(), shards.end());
    std::string snapshot = json::Canonical(overlay.snapshot);
    ExportFile f;
    f.path = "policy-snapshot.json";
    f.file = work_dir / f.path;
    EC_RETURN_IF_ERROR(oci::WriteFileAtomic(f.file, snapshot));
    f.digest = oci::Digest::OfBytes(snapshot);
    f.bytes = static_cast<std::int64_t>(snapshot.size());
    f.content_type = "application/json";
    files.push_back(std::move(f));
    policy_snapshot = overlay.snapshot;
  }
  std::sort(files.begin(), files.end(), [](const ExportFile& a, const ExportFile& b) { return a.path < b.path; });

  std::vector<std::string> content_digests;
  json::Json contents = json::Json::array();
  for (const ExportFile& f : files) {
    content_digests.push_back(f.digest.str());
    json::Json c = {{"path", f.path}, {"digest", f.digest.str()}, {"bytes", f.bytes}, {"contentType", f.content_type}};
    if (f.records >= 0) c["records"] = f.records;
    contents.push_back(std::move(c));
  }
  out.rerun_hash = HashOfSortedDigests(content_digests);
  out.export_id = !options.export_id.empty()
                      ? options.export_id
                      : StrCat(options.name, "-", out.rerun_hash.substr(std::string_view("sha256:").size(), 12));
  out.generated_at = !options.generated_at.empty() ? options.generated_at
                     : !newest.empty()             ? newest
                                                   : std::string("1970-01-01T00:00:00Z");

  json::Json manifest = {
      {"schema", kManifestSchema},
      {"version", kManifestVersion},
      {"exportId", out.export_id},
      {"profile", {{"kind", "json"}, {"variant", options.policy ? "policy" : "raw"},
                   {"name", options.name}, {"revision", options.revision}}},
      {"tenant", sel.tenant},
      {"selectors", evidence::SelectorsToJson(sel)},
      {"generatedAt", out.generated_at},
      {"inputs", {{"documents", out.documents}, {"records", out.records}, {"inputsHash", out.inputs_hash}}},
      {"contents", contents},
      {"rerunHash", out.rerun_hash},
  };
  if (options.policy) manifest["policy"] = policy_snapshot;
  out.manifest_json = json::Canonical(manifest);
  ExportFile m;
  m.path = "manifest.json";
  m.file = work_dir / m.path;
  EC_RETURN_IF_ERROR(oci::WriteFileAtomic(m.file, out.manifest_json));
  m.digest = oci::Digest::OfBytes(out.manifest_json);
  m.bytes = static_cast<std::int64_t>(out.manifest_json.size());
  m.content_type = std::string(kManifestJsonType);
  files.push_back(std::move(m));
  out.files = std::move(files);
  return out;
}

}  // namespace ec::profiles
