// json:raw / json:policy file sets: reproducible bytes, size-bounded shards that never split
// a line, the rerunHash formula, scope, and the policy overlay's place in the manifest.
#include "profiles/json_export.h"

#include <zstd.h>

#include "evidence/ingest.h"
#include "support/test_support.h"

namespace ec::profiles {
namespace {

namespace fs = std::filesystem;
using ec::testing::ReadFile;
using ec::testing::TempDir;

std::string Decompress(const fs::path& file) {
  const std::string in = ReadFile(file);
  const unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
  REQUIRE(size != ZSTD_CONTENTSIZE_ERROR);
  REQUIRE(size != ZSTD_CONTENTSIZE_UNKNOWN);
  std::string out(size, '\0');
  REQUIRE(ZSTD_decompress(out.data(), out.size(), in.data(), in.size()) == size);
  return out;
}

std::unique_ptr<evidence::EvidenceStore> Filled(const fs::path& dir) {
  auto store = evidence::EvidenceStore::Open(dir / "store");
  REQUIRE_OK(store);
  const fs::path data(EC_SHARED_DATA_DIR);
  std::vector<fs::path> inputs = {data / "golang-vulndb/data/osv/GO-2022-0229.json",
                                  data / "golang-vulndb/data/osv/GO-2023-1571.json",
                                  data / "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.3.json",
                                  data / "openvex-go-vex/pkg/vex/testdata/v001-1.vex.json"};
  auto report = evidence::IngestPaths(**store, inputs, {"acme", 2});
  REQUIRE_OK(report);
  REQUIRE(report->added == 4);
  return std::move(*store);
}

JsonExportOptions Options() {
  JsonExportOptions o;
  o.selectors.tenant = "acme";
  REQUIRE_OK(evidence::NormaliseSelectors(o.selectors));
  o.generated_at = "2025-01-01T00:00:00Z";
  return o;
}

TEST_CASE("json:raw is byte-identical across runs and its manifest describes it") {
  TempDir tmp;
  auto store = Filled(tmp.path());
  fs::create_directories(tmp / "a");
  fs::create_directories(tmp / "b");
  auto a = WriteJsonExport(*store, Options(), tmp / "a");
  auto b = WriteJsonExport(*store, Options(), tmp / "b");
  REQUIRE_OK(a);
  REQUIRE_OK(b);
  CHECK(a->manifest_json == b->manifest_json);
  REQUIRE(a->files.size() == b->files.size());
  for (std::size_t i = 0; i < a->files.size(); ++i) CHECK(ReadFile(a->files[i].file) == ReadFile(b->files[i].file));
  CHECK(a->files.back().path == "manifest.json");
  CHECK(a->documents == 4);

  auto m = json::Parse(a->manifest_json, "manifest");
  REQUIRE_OK(m);
  CHECK((*m)["schema"] == kManifestSchema);
  CHECK((*m)["profile"]["variant"] == "raw");
  CHECK((*m)["generatedAt"] == "2025-01-01T00:00:00Z");
  CHECK((*m)["exportId"] == StrCat("default-", a->rerun_hash.substr(7, 12)));
  std::vector<std::string> digests;
  for (const auto& c : (*m)["contents"]) digests.push_back(c["digest"]);
  CHECK((*m)["rerunHash"] == HashOfSortedDigests(digests));
  std::sort(digests.begin(), digests.end());
  std::string joined;
  for (const auto& d : digests) joined += (joined.empty() ? "" : "\n") + d;
  CHECK(a->rerun_hash == oci::Digest::OfBytes(joined).str());

  // Every record line is canonical and points at an input document.
  const std::string records = Decompress(tmp / "a" / "records-0000.jsonl.zst");
  std::size_t lines = 0;
  for (std::size_t pos = 0; pos < records.size();) {
    std::size_t nl = records.find('\n', pos);
    REQUIRE(nl != std::string::npos);
    auto line = json::Parse(std::string_view(records).substr(pos, nl - pos), "line");
    REQUIRE_OK(line);
    CHECK(json::Compact(*line) == records.substr(pos, nl - pos));
    CHECK(std::binary_search(a->input_digests.begin(), a->input_digests.end(), (*line)["document"].get<std::string>()));
    pos = nl + 1;
    ++lines;
  }
  CHECK(static_cast<std::int64_t>(lines) == a->records);
}

TEST_CASE("shards close before the bound and never split a line") {
  TempDir tmp;
  auto store = Filled(tmp.path());
  JsonExportOptions o = Options();
  o.shard_bytes = 4096;
  fs::create_directories(tmp / "out");
  auto e = WriteJsonExport(*store, o, tmp / "out");
  REQUIRE_OK(e);
  std::int64_t records = 0;
  int record_shards = 0;
  for (const ExportFile& f : e->files) {
    if (f.path.rfind("records-", 0) != 0) continue;
    ++record_shards;
    const std::string text = Decompress(f.file);
    CHECK(text.back() == '\n');
    // A shard passes the bound only when it holds one line longer than the bound.
    const auto count = std::count(text.begin(), text.end(), '\n');
    CHECK((text.size() <= 4096 || count == 1));
    CHECK(count == f.records);
    records += f.records;
  }
  CHECK(record_shards > 1);
  CHECK(records == e->records);
}

TEST_CASE("selectors narrow the export and the policy overlay joins the manifest") {
  TempDir tmp;
  auto store = Filled(tmp.path());
  JsonExportOptions o = Options();
  o.selectors.vulnerabilities = {"GO-2022-0229"};
  REQUIRE_OK(evidence::NormaliseSelectors(o.selectors));
  std::size_t seen = 0;
  o.policy = [&](const std::vector<evidence::Record>& records, const std::string& inputs_hash) -> Result<PolicyOverlay> {
    seen = records.size();
    PolicyOverlay p;
    p.decision_lines = {R"({"decision":"allow"})"};
    p.snapshot = {{"policyVersion", "abc"}, {"inputsHash", inputs_hash}};
    return p;
  };
  fs::create_directories(tmp / "out");
  auto e = WriteJsonExport(*store, o, tmp / "out");
  REQUIRE_OK(e);
  CHECK(e->documents == 1);
  CHECK(seen == static_cast<std::size_t>(e->records));
  auto m = json::Parse(e->manifest_json, "manifest");
  REQUIRE_OK(m);
  CHECK((*m)["profile"]["variant"] == "policy");
  CHECK((*m)["policy"]["inputsHash"] == e->inputs_hash);
  CHECK((*m)["selectors"]["vulnerabilities"][0] == "GO-2022-0229");
  CHECK(fs::exists(tmp / "out" / "policy-decisions-0000.jsonl.zst"));
  CHECK(ReadFile(tmp / "out" / "policy-snapshot.json") == json::Compact((*m)["policy"]));
}

}  // namespace
}  // namespace ec::profiles
