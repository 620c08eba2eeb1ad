#include <catch2/catch.hpp>

#include "oci/artifact.h"
#include "oci/manifest.h"
#include "oci/media_types.h"
#include "oci/memory_target.h"
#include "support/test_support.h"

namespace ec::oci {
using namespace ec::testing;

TEST_CASE("ParseArtifactFile splits a media type only after the last colon", "[oci][artifact]") {
  auto f = ParseArtifactFile("dir:x/report.json:application/json");
  CHECK(f.path == "dir:x/report.json");
  CHECK(f.media_type == "application/json");
  auto plain = ParseArtifactFile("a:b.txt");
  CHECK(plain.path == "a:b.txt");
  CHECK(plain.media_type.empty());
}

TEST_CASE("PushArtifact makes one titled layer per file and the same digest every time", "[oci][artifact]") {
  TempDir dir;
  WriteFile(dir / "a.json", R"({"a":1})");
  WriteFile(dir / "b.bin", RandomBytes(3, 4096));
  ArtifactSpec spec;
  spec.files = {{dir / "a.json", "application/json"}, {dir / "b.bin", ""}};
  spec.artifact_type = "application/vnd.example.evidence";
  spec.annotations["k"] = "v";
  MemoryTarget t1, t2;
  auto m1 = PushArtifact(t1, spec);
  auto m2 = PushArtifact(t2, spec);
  REQUIRE(m1.ok());
  REQUIRE(m2.ok());
  CHECK(m1->digest == m2->digest);
  auto parsed = Manifest::Parse(FetchAll(t1, *m1), kOciManifest, "m");
  REQUIRE(parsed.ok());
  CHECK(parsed->artifact_type == "application/vnd.example.evidence");
  CHECK(parsed->config->digest == EmptyDescriptor().digest);
  REQUIRE(parsed->layers.size() == 2);
  CHECK(parsed->layers[0].media_type == "application/json");
  CHECK(parsed->layers[0].annotations.at(std::string(kAnnotationTitle)) == "a.json");
  CHECK(parsed->layers[1].media_type == kOciLayerTar);
  CHECK(FetchAll(t1, parsed->layers[1]) == RandomBytes(3, 4096));
}

TEST_CASE("PushArtifact names a missing file", "[oci][artifact]") {
  MemoryTarget t;
  ArtifactSpec spec;
  spec.files = {{"does/not/exist.txt", ""}};
  auto m = PushArtifact(t, spec);
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message() == "read does/not/exist.txt: not a regular file");
}

}  // namespace ec::oci
