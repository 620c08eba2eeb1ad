// json:raw and json:policy: a tenant's evidence in scope as canonical JSON (RFC 8785) in
// zstd JSONL shards, and a versioned manifest.json describing them.
//
// Files (flat names: they are also OCI layer titles):
//   advisories-NNNN.jsonl.zst, vex-NNNN.jsonl.zst, sboms-NNNN.jsonl.zst
//       one document per line, {"digest","document","format","id","kind","modified","name"}:
//       "document" is the ingested document in canonical form, "digest" the sha256 of the
//       bytes as ingested; ordered by (kind, id, digest).
//   records-NNNN.jsonl.zst
//       one normalised record per line, {"document","record","seq"}; ordered by (kind,
//       vulnerability, purl, document, seq).
//   json:policy adds policy-decisions-NNNN.jsonl.zst (one decision per finding, ordered by
//       vulnerability and purl) and policy-snapshot.json.
//   manifest.json
//       {contents[{bytes,contentType,digest,path,records}], exportId, generatedAt,
//        inputs{documents,inputsHash,records}, policy?, profile{kind,name,revision,variant},
//        rerunHash, schema, selectors, tenant, version}, canonical JSON.
// rerunHash = sha256 over the sorted content digests joined by '\n' (manifest.json excluded);
// inputsHash likewise over the input documents' digests. The same store content, selectors
// and policy give byte-identical files.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "evidence/evidence_store.h"
#include "evidence/selectors.h"
#include "profiles/jsonl_shards.h"

namespace ec::profiles {

inline constexpr std::string_view kManifestSchema = "https://export-center.dev/schemas/export-manifest/v1";
inline constexpr std::string_view kManifestVersion = "1.0.0";
inline constexpr std::string_view kManifestJsonType = "application/vnd.export-center.manifest.v1+json";

// What json:policy adds, computed from the records in scope.
struct PolicyOverlay {
  std::vector<std::string> decision_lines;  // canonical JSON, in output order
  json::Json snapshot;                      // {policyVersion, policyDigest, inputsHash}
};
using PolicyEvaluator =
    std::function<Result<PolicyOverlay>(const std::vector<evidence::Record>& records, const std::string& inputs_hash)>;

struct JsonExportOptions {
  evidence::Selectors selectors;  // normalised
  std::string name = "default";   // the profile's name (a slug)
  std::string revision = "r1";    // r<N>
  std::string export_id;          // default: "<name>-<first 12 hex of rerunHash>"
  std::string generated_at;       // RFC 3339; default: newest input time, else the epoch
  std::int64_t shard_bytes = kDefaultShardBytes;
  int zstd_level = kDefaultZstdLevel;
  PolicyEvaluator policy;  // set for json:policy
};

struct JsonExport {
  std::vector<ExportFile> files;  // contents in path order, then manifest.json
  std::string manifest_json;
  std::string export_id;
  std::string rerun_hash;
  std::string inputs_hash;
  std::string generated_at;
  std::vector<std::string> input_digests;  // sorted
  std::int64_t documents = 0;
  std::int64_t records = 0;
  std::int64_t input_bytes = 0;
};

// Writes the export's files into `work_dir` (which must exist and be empty).
Result<JsonExport> WriteJsonExport(evidence::EvidenceStore& store, const JsonExportOptions& options,
                                   const std::filesystem::path& work_dir);

// sha256 over the sorted digests joined by '\n', as "sha256:<hex>" (evidence::InputsHash).
std::string HashOfSortedDigests(std::vector<std::string> digests);

}  // namespace ec::profiles
