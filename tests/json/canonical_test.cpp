#include "json/canonical.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

#include "json/parse.h"
#include "support/test_support.h"

namespace ec::json {
namespace {

Json MustParse(std::string_view text) {
  auto r = Parse(text, "test document");
  REQUIRE_OK(r);
  return *r;
}

}  // namespace

TEST_CASE("Canonical matches the RFC 8785 §3.2.2 example", "[json][canonical]") {
  Json value = MustParse(R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })");
  CHECK(Canonical(value) ==
        "{\"literals\":[null,true,false],"
        "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
        "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST_CASE("Canonical sorts member names by UTF-16 code units (RFC 8785 §3.2.3)",
          "[json][canonical]") {
  Json value = MustParse(R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })");
  // U+1F600 (surrogates D83D DE00) sorts before U+FB33 in UTF-16, after it in UTF-8.
  CHECK(Canonical(value) ==
        "{\"\\r\":\"Carriage Return\","
        "\"1\":\"One\","
        "\"\xc2\x80\":\"Control\","
        "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
        "\"\xe2\x82\xac\":\"Euro Sign\","
        "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
        "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

TEST_CASE("Canonical serialises numbers as RFC 8785 Appendix B", "[json][canonical]") {
  struct Row {
    std::uint64_t bits;
    const char* text;
  };
  const Row rows[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const Row& row : rows) {
    const double x = std::bit_cast<double>(row.bits);
    INFO("bits " << std::hex << row.bits);
    CHECK(Canonical(Json(x)) == row.text);
    auto checked = CanonicalChecked(Json(x));
    REQUIRE_OK(checked);
    CHECK(*checked == row.text);
  }
}

TEST_CASE("Canonical prints integers exactly and floats by ECMAScript rules", "[json][canonical]") {
  CHECK(Canonical(Json(std::int64_t{-42})) == "-42");
  CHECK(Canonical(Json(std::numeric_limits<std::uint64_t>::max())) == "18446744073709551615");
  CHECK(Canonical(Json(std::numeric_limits<std::int64_t>::min())) == "-9223372036854775808");
  CHECK(Canonical(Json(1.0)) == "1");
  CHECK(Canonical(Json(-0.0)) == "0");
  CHECK(Canonical(Json(1e21)) == "1e+21");
  CHECK(Canonical(Json(1e20)) == "100000000000000000000");
  CHECK(Canonical(Json(1e-7)) == "1e-7");
  CHECK(Canonical(Json(1.5e-7)) == "1.5e-7");
  CHECK(Canonical(Json(0.000001)) == "0.000001");
  CHECK(Canonical(Json(123.456)) == "123.456");
  CHECK(Canonical(Json(0.1)) == "0.1");
}

TEST_CASE("Canonical escapes strings as JSON.stringify does", "[json][canonical]") {
  std::string raw = "a\"b\\c\b\t\n\f\r";
  raw.push_back('\0');
  raw += "\x01\x1f\x7f/<>&\xc3\xa9";
  CHECK(Canonical(Json(raw)) ==
        "\"a\\\"b\\\\c\\b\\t\\n\\f\\r\\u0000\\u0001\\u001f\x7f/<>&\xc3\xa9\"");
}

TEST_CASE("Canonical writes nested structures without whitespace", "[json][canonical]") {
  Json value = MustParse(R"({"b": [1, {"z": null, "a": true}], "a": {}, "c": []})");
  CHECK(Canonical(value) == R"({"a":{},"b":[1,{"a":true,"z":null}],"c":[]})");
}

TEST_CASE("CanonicalChecked refuses NaN and infinities with the value's pointer",
          "[json][canonical]") {
  Json value = {{"a", Json::array({1, std::numeric_limits<double>::quiet_NaN()})}};
  auto r = CanonicalChecked(value);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().message() ==
        "canonical JSON: value at /a/1 is NaN, which JSON cannot represent");

  auto inf = CanonicalChecked(Json(-std::numeric_limits<double>::infinity()));
  REQUIRE_FALSE(inf.ok());
  CHECK(inf.status().message() ==
        "canonical JSON: value at / is infinite, which JSON cannot represent");
  CHECK(Canonical(Json(std::numeric_limits<double>::infinity())) == "null");
}

TEST_CASE("CanonicalChecked refuses invalid UTF-8 in strings and names", "[json][canonical]") {
  Json bad_string = {{"x/y", "ok\xff"}};
  auto r = CanonicalChecked(bad_string);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "canonical JSON: string at /x~1y is not valid UTF-8");

  Json bad_name = {{"k\xc0\xaf", 1}};  // overlong '/'
  auto n = CanonicalChecked(bad_name);
  REQUIRE_FALSE(n.ok());
  CHECK(n.status().message() == "canonical JSON: member name at /k\xc0\xaf is not valid UTF-8");

  // A UTF-8-encoded surrogate (CESU-8) is not valid UTF-8 either.
  CHECK_FALSE(CanonicalChecked(Json("\xed\xa0\xbd")).ok());
  CHECK_FALSE(CanonicalChecked(Json("\xe2\x82")).ok());          // truncated
  CHECK(CanonicalChecked(Json("\xf4\x8f\xbf\xbf")).ok());        // U+10FFFF
  CHECK_FALSE(CanonicalChecked(Json("\xf4\x90\x80\x80")).ok());  // beyond U+10FFFF
}

TEST_CASE("CanonicalChecked refuses binary values", "[json][canonical]") {
  Json value = {{"b", Json::binary({1, 2, 3})}};
  auto r = CanonicalChecked(value);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "canonical JSON: value at /b is not a JSON value (binary)");
}

}  // namespace ec::json
