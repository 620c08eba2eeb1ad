// Packaging a Trivy DB: metadata.json, a deterministic tar.gz, and the manifest Trivy expects.
#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>

#include <map>

#include "oci/manifest.h"
#include "oci/media_types.h"
#include "oci/memory_target.h"
#include "support/test_support.h"
#include "trivy/db_package.h"

namespace ec::trivy {
using namespace ec::testing;

namespace {

// Entry name → (bytes, mode, mtime, uid) of a .tar.gz held in memory.
struct Entry {
  std::string bytes;
  int mode = 0;
  long long mtime = -1;
  long long uid = -1;
};
std::map<std::string, Entry> ReadTarGz(const std::string& blob) {
  std::map<std::string, Entry> out;
  archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_memory(a, blob.data(), blob.size()) == ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    Entry entry;
    entry.mode = static_cast<int>(archive_entry_perm(e));
    entry.mtime = static_cast<long long>(archive_entry_mtime(e));
    entry.uid = static_cast<long long>(archive_entry_uid(e));
    char buf[8192];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) entry.bytes.append(buf, static_cast<std::size_t>(n));
    out[archive_entry_pathname(e)] = entry;
  }
  archive_read_free(a);
  return out;
}

}  // namespace

TEST_CASE("Trivy metadata.json is what trivy-db writes", "[trivy]") {
  CHECK(MetadataJson(2, 1700000000, 1700086400) ==
        "{\"Version\":2,\"NextUpdate\":\"2023-11-15T22:13:20Z\",\"UpdatedAt\":\"2023-11-14T22:13:20Z\","
        "\"DownloadedAt\":\"0001-01-01T00:00:00Z\"}\n");
  CHECK(FormatGoTime(0) == "0001-01-01T00:00:00Z");
}

TEST_CASE("PublishDatabase pushes the single-layer artifact Trivy pulls, reproducibly", "[trivy]") {
  TempDir dir;
  WriteFile(dir / "trivy.db", RandomBytes(1, 20000));
  oci::MemoryTarget first, second;
  PublishOptions options{.updated_at = 1700000000, .next_update = 0, .work_dir = dir / "a"};
  auto m1 = PublishDatabase(first, VulnerabilityDb(), dir / "trivy.db", options);
  REQUIRE(m1.ok());
  options.work_dir = dir / "b";
  auto m2 = PublishDatabase(second, VulnerabilityDb(), dir / "trivy.db", options);
  REQUIRE(m2.ok());
  CHECK(m1->digest == m2->digest);  // same inputs, same digest, whatever the scratch directory

  CHECK(first.Resolve("2")->digest == m1->digest);
  CHECK(first.Resolve("latest")->digest == m1->digest);
  std::string bytes = FetchAll(first, *m1);
  auto manifest = oci::Manifest::Parse(bytes, oci::kOciManifest, "trivy manifest");
  REQUIRE(manifest.ok());
  CHECK(manifest->artifact_type == kTrivyArtifactType);
  CHECK(manifest->config->media_type == oci::kOciEmpty);
  REQUIRE(manifest->layers.size() == 1);
  const oci::Descriptor& layer = manifest->layers[0];
  CHECK(layer.media_type == "application/vnd.aquasec.trivy.db.layer.v1.tar+gzip");
  CHECK(layer.annotations.at(std::string(oci::kAnnotationTitle)) == "db.tar.gz");
  CHECK(manifest->annotations.at(std::string(oci::kAnnotationCreated)) == "2023-11-14T22:13:20Z");

  std::string gz = FetchAll(first, layer);
  REQUIRE(gz.size() > 10);
  CHECK(static_cast<unsigned char>(gz[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(gz[1]) == 0x8b);
  CHECK(gz.substr(4, 4) == std::string(4, '\0'));  // gzip mtime 0
  auto entries = ReadTarGz(gz);
  REQUIRE(entries.size() == 2);
  CHECK(entries.at("trivy.db").bytes == RandomBytes(1, 20000));
  CHECK(entries.at("trivy.db").mode == 0644);
  CHECK(entries.at("trivy.db").mtime == 0);
  CHECK(entries.at("trivy.db").uid == 0);
  CHECK(entries.at("metadata.json").bytes == MetadataJson(2, 1700000000, 1700000000 + 24 * 3600));
}

TEST_CASE("The Java DB flavour: javadb.tar.gz, its media type, Version 1, tag 1", "[trivy]") {
  TempDir dir;
  WriteFile(dir / "trivy-java.db", "sqlite bytes");
  oci::MemoryTarget dst;
  auto m = PublishDatabase(dst, JavaDb(), dir / "trivy-java.db",
                           {.updated_at = 1700000000, .next_update = 0, .work_dir = dir / "w"});
  REQUIRE(m.ok());
  CHECK(*dst.ListTags() == std::vector<std::string>{"1"});
  auto manifest = oci::Manifest::Parse(FetchAll(dst, *m), oci::kOciManifest, "java manifest");
  REQUIRE(manifest.ok());
  CHECK(manifest->layers[0].media_type == "application/vnd.aquasec.trivy.javadb.layer.v1.tar+gzip");
  CHECK(manifest->layers[0].annotations.at(std::string(oci::kAnnotationTitle)) == "javadb.tar.gz");
  auto entries = ReadTarGz(FetchAll(dst, manifest->layers[0]));
  CHECK(entries.at("metadata.json").bytes == MetadataJson(1, 1700000000, 1700000000 + 72 * 3600));
  CHECK(entries.at("trivy-java.db").bytes == "sqlite bytes");
}

TEST_CASE("PublishDatabase names a missing database file", "[trivy]") {
  TempDir dir;
  oci::MemoryTarget dst;
  auto m = PublishDatabase(dst, VulnerabilityDb(), dir / "nope.db", {.updated_at = 1, .next_update = 0, .work_dir = dir / "w"});
  CHECK(m.status().code() == Code::kNotFound);
  CHECK_THAT(m.status().message(), Catch::StartsWith(StrCat("trivy:db: database ", (dir / "nope.db").string())));
}

}  // namespace ec::trivy
