#include <catch2/catch.hpp>

#include "oci/platform.h"

namespace ec::oci {

TEST_CASE("Platform::Parse reads os/arch and an optional variant", "[oci][platform]") {
  auto p = Platform::Parse("linux/arm64/v8");
  REQUIRE(p.ok());
  CHECK(p->os == "linux");
  CHECK(p->architecture == "arm64");
  CHECK(p->variant == "v8");
  CHECK(Platform::Parse("linux/amd64")->str() == "linux/amd64");
}

TEST_CASE("Platform::Parse rejects other shapes", "[oci][platform]") {
  for (const char* bad : {"linux", "linux/", "/amd64", "a/b/c/d", "", "linux//v8"}) {
    auto p = Platform::Parse(bad);
    INFO(bad);
    REQUIRE_FALSE(p.ok());
    CHECK_THAT(p.status().message(), Catch::EndsWith("want OS/ARCH[/VARIANT], e.g. linux/amd64"));
  }
}

TEST_CASE("A platform filter without a variant matches every variant", "[oci][platform]") {
  Platform filter{"linux", "arm", "", ""};
  CHECK(filter.Matches({"linux", "arm", "v7", ""}));
  CHECK_FALSE(filter.Matches({"linux", "arm64", "", ""}));
  Platform v6{"linux", "arm", "v6", ""};
  CHECK_FALSE(v6.Matches({"linux", "arm", "v7", ""}));
}

}  // namespace ec::oci
