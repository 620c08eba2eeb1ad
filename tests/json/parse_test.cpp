#include <catch2/catch.hpp>

#include "json/parse.h"

namespace ec::json {

TEST_CASE("Parse names the document and the position of a syntax error", "[json]") {
  auto r = Parse("{\"a\": }", "manifest sha256:abc");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK_THAT(r.status().message(), Catch::StartsWith("manifest sha256:abc: not valid JSON: parse error at line 1, column 7"));
}

TEST_CASE("Parse accepts a valid document", "[json]") {
  auto r = Parse(R"({"b":1,"a":[true,null]})", "doc");
  REQUIRE(r.ok());
  CHECK((*r)["b"] == 1);
}

TEST_CASE("Compact sorts keys and drops whitespace", "[json]") {
  auto r = Parse("{ \"b\" : 1, \"a\" : { \"d\": 2, \"c\": \"x\" } }", "doc");
  REQUIRE(r.ok());
  CHECK(Compact(*r) == R"({"a":{"c":"x","d":2},"b":1})");
}

}  // namespace ec::json
