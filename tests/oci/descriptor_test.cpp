#include <catch2/catch.hpp>

#include "oci/descriptor.h"
#include "oci/media_types.h"

namespace ec::oci {

TEST_CASE("EmptyDescriptor is the image-spec's empty JSON blob", "[oci][descriptor]") {
  Descriptor d = EmptyDescriptor();
  CHECK(d.media_type == "application/vnd.oci.empty.v1+json");
  CHECK(d.digest.str() == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  CHECK(d.size == 2);
  CHECK(d.data == "e30=");
}

TEST_CASE("Descriptor JSON round-trips every optional field", "[oci][descriptor]") {
  Descriptor d = DescriptorOf(kOciManifest, "{}");
  d.artifact_type = "application/vnd.example";
  d.annotations["k"] = "v";
  d.platform = Platform{"linux", "arm64", "v8", ""};
  auto back = Descriptor::FromJson(d.ToJson(), "test");
  REQUIRE(back.ok());
  CHECK(back->ToJson() == d.ToJson());
  CHECK(back->platform->str() == "linux/arm64/v8");
}

TEST_CASE("Descriptor::FromJson names what is missing", "[oci][descriptor]") {
  auto err = [](const json::Json& j) { return Descriptor::FromJson(j, "manifest layers[1]").status().message(); };
  CHECK(err(json::Json::array()) == "manifest layers[1]: descriptor is not a JSON object");
  CHECK(err({{"digest", "sha256:x"}, {"size", 1}}) == "manifest layers[1]: descriptor has no mediaType");
  CHECK(err({{"mediaType", "a/b"}, {"size", 1}}) == "manifest layers[1]: descriptor has no digest");
  CHECK(err({{"mediaType", "a/b"}, {"digest", "sha256:x"}, {"size", 1}}) ==
        "manifest layers[1]: invalid digest \"sha256:x\": got 1 hex characters, want 64");
  json::Json bad_size = DescriptorOf("a/b", "x").ToJson();
  bad_size["size"] = -1;
  CHECK_THAT(err(bad_size), Catch::EndsWith("has no valid size; want a non-negative integer"));
}

}  // namespace ec::oci
