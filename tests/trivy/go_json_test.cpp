#include <catch2/catch.hpp>

#include "trivy/sources/go_json.h"
#include "trivy/sources/trivy_types.h"

namespace ec::trivy {
namespace {

std::string Str(std::string_view s) {
  std::string out;
  gojson::AppendString(out, s);
  return out;
}

std::string Num(double v) {
  std::string out;
  gojson::AppendFloat(out, v);
  return out;
}

TEST_CASE("Go JSON strings escape HTML characters, controls and line separators", "[trivy][gojson]") {
  CHECK(Str("< 0.15.3") == R"("\u003c 0.15.3")");
  CHECK(Str("a&b>c") == R"("a\u0026b\u003ec")");
  CHECK(Str("q\"b\\") == R"("q\"b\\")");
  CHECK(Str("\n\r\t\b\f") == R"("\n\r\t\b\f")");
  CHECK(Str(std::string("\x01\x1f", 2)) == R"("\u0001\u001f")");
  CHECK(Str("\xe2\x80\xa8 \xe2\x80\xa9") == R"("\u2028 \u2029")");
  CHECK(Str("caf\xc3\xa9 \xf0\x9f\x94\x92") == "\"caf\xc3\xa9 \xf0\x9f\x94\x92\"");
  CHECK(Str("bad \xff end") == R"("bad \ufffd end")");
  CHECK(Str("\xc0\xaf") == R"("\ufffd\ufffd")");  // overlong form
}

TEST_CASE("Go JSON numbers use the shortest float64 form", "[trivy][gojson]") {
  CHECK(Num(8.8) == "8.8");
  CHECK(Num(10) == "10");
  CHECK(Num(0) == "0");
  CHECK(Num(3) == "3");
  CHECK(Num(0.1 + 0.2) == "0.30000000000000004");
  CHECK(Num(1e-7) == "1e-7");
  CHECK(Num(1e21) == "1e+21");
  CHECK(Num(123456789) == "123456789");
}

TEST_CASE("Go JSON encodes maps with sorted keys", "[trivy][gojson]") {
  auto doc = json::Parse(R"({"b":[1,2.5,"x<"],"a":{"z":null,"y":true}})", "doc");
  REQUIRE(doc.ok());
  CHECK(gojson::Encode(*doc) == R"({"a":{"y":true,"z":null},"b":[1,2.5,"x\u003c"]})");
}

TEST_CASE("Advisory values come out with the keys optimize() sorts", "[trivy][gojson]") {
  Advisory a;
  a.vulnerable_versions = {"<1.0"};
  a.patched_versions = {"1.0"};
  a.vendor_ids = {"GHSA-x"};
  a.oses = {"windows"};
  a.arches = {"amd64"};
  a.severity = Severity::kLow;
  a.status = AdvisoryStatus::kAffected;
  a.fixed_version = "1.0-r0";
  CHECK(EncodeAdvisory(a) ==
        R"({"Arches":["amd64"],"FixedVersion":"1.0-r0","OSes":["windows"],"PatchedVersions":["1.0"],)"
        R"("Severity":1,"Status":2,"VendorIDs":["GHSA-x"],"VulnerableVersions":["\u003c1.0"]})");
  CHECK(EncodeAdvisory(Advisory{}) == "{}");
}

TEST_CASE("DataSource values keep struct order", "[trivy][gojson]") {
  CHECK(EncodeDataSource({"alpine", "Alpine Secdb", "https://secdb.alpinelinux.org/"}) ==
        R"({"ID":"alpine","Name":"Alpine Secdb","URL":"https://secdb.alpinelinux.org/"})");
}

}  // namespace
}  // namespace ec::trivy
