#include <catch2/catch.hpp>

#include "oci/manifest.h"
#include "oci/media_types.h"

namespace ec::oci {
namespace {

const char* kLayer =
    R"({"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0,"annotations":{"org.opencontainers.image.title":"a.txt"}})";
const char* kConfig =
    R"({"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2})";

}  // namespace

TEST_CASE("Manifest::Parse reads config, layers, subject, artifactType and annotations", "[oci][manifest]") {
  std::string bytes = std::string(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example","config":)") +
                      kConfig + R"(,"layers":[)" + kLayer + R"(],"subject":)" + kConfig +
                      R"(,"annotations":{"a":"b"}})";
  auto m = Manifest::Parse(bytes, kOciManifest, "m");
  REQUIRE(m.ok());
  CHECK_FALSE(m->is_index);
  CHECK(m->artifact_type == "application/vnd.example");
  REQUIRE(m->layers.size() == 1);
  CHECK(m->layers[0].annotations.at("org.opencontainers.image.title") == "a.txt");
  REQUIRE(m->subject);
  CHECK(m->annotations.at("a") == "b");
  auto succ = m->Successors();
  REQUIRE(succ.size() == 2);
  CHECK(succ[0].media_type == kOciConfig);  // config first, then layers; no subject
}

TEST_CASE("Manifest::Parse takes the media type from the descriptor when the content has none", "[oci][manifest]") {
  // umoci writes manifests without mediaType.
  std::string bytes = std::string(R"({"schemaVersion":2,"config":)") + kConfig + R"(,"layers":[]})";
  auto m = Manifest::Parse(bytes, kOciManifest, "m");
  REQUIRE(m.ok());
  CHECK(m->media_type == kOciManifest);
  auto idx = Manifest::Parse(R"({"schemaVersion":2,"manifests":[]})", "", "i");
  REQUIRE(idx.ok());
  CHECK(idx->is_index);
}

TEST_CASE("Manifest::Parse rejects a content type that contradicts the descriptor", "[oci][manifest]") {
  auto m = Manifest::Parse(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})",
                           kOciManifest, "manifest sha256:1");
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message() ==
        "manifest sha256:1: content mediaType is application/vnd.oci.image.index.v1+json; got descriptor "
        "mediaType application/vnd.oci.image.manifest.v1+json, want them equal");
}

TEST_CASE("Manifest::Parse rejects bad documents with the failing field", "[oci][manifest]") {
  CHECK(Manifest::Parse("[]", kOciManifest, "m").status().message() == "m: manifest is not a JSON object");
  CHECK(Manifest::Parse(R"({"schemaVersion":1})", kOciManifest, "m").status().message() ==
        "m: unsupported schemaVersion; want 2");
  CHECK(Manifest::Parse(R"({"schemaVersion":2,"layers":[]})", kOciManifest, "m").status().message() ==
        "m: manifest has no config");
  std::string bad_layer = std::string(R"({"schemaVersion":2,"config":)") + kConfig +
                          R"(,"layers":[{"mediaType":"x/y","size":1}]})";
  CHECK(Manifest::Parse(bad_layer, kOciManifest, "m").status().message() ==
        "m layers[0]: descriptor has no digest");
}

TEST_CASE("BuildImageManifest writes the image-spec field order byte for byte", "[oci][manifest]") {
  Descriptor config = EmptyDescriptor();
  Descriptor layer = DescriptorOf(kOciLayerTar, "hello");
  layer.annotations[std::string(kAnnotationTitle)] = "hello.txt";
  std::string bytes = BuildImageManifest(config, {layer}, "application/vnd.example+type", {{"k", "v"}}, std::nullopt);
  CHECK(bytes ==
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
        R"("artifactType":"application/vnd.example+type",)"
        R"("config":{"data":"e30=","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","mediaType":"application/vnd.oci.empty.v1+json","size":2},)"
        R"("layers":[{"annotations":{"org.opencontainers.image.title":"hello.txt"},"digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","mediaType":"application/vnd.oci.image.layer.v1.tar","size":5}],)"
        R"("annotations":{"k":"v"}})");
  auto parsed = Manifest::Parse(bytes, kOciManifest, "m");
  REQUIRE(parsed.ok());
  CHECK(parsed->layers[0].digest == layer.digest);
}

}  // namespace ec::oci
