#include <catch2/catch.hpp>

#include "trivy/sources/cvss.h"

namespace ec::trivy {
namespace {

double Score(std::string_view vector) {
  auto r = CvssV3Score(vector);
  INFO(vector << ": " << r.status().message());
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("CVSS v3 scores match the published base scores", "[trivy][cvss]") {
  // Values from the GHSA and Bitnami documents in shared/data and NVD.
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H") == 8.8);
  CHECK(Score("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N") == 5.9);
  CHECK(Score("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N") == 6.1);
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H") == 7.5);
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == 9.8);
  CHECK(Score("CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:N/I:L/A:N") == 3.1);
  CHECK(Score("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H") == 6.2);
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H") == 10.0);
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N") == 0.0);
}

TEST_CASE("CVSS v3 score is go-cvss's environmental score", "[trivy][cvss]") {
  // Temporal metrics lower it (GHSA-f5pg-7wfw-84q9: base 9.8).
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C") == 8.8);
  // CVSS 3.1's modified-impact formula for a changed scope: base 9.6, stored 9.7.
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H") == 9.7);
  CHECK(Score("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H") == 9.6);
  // Environmental metrics.
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:L/IR:L/AR:L") == 8.0);
  CHECK(Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L") == 8.4);
}

TEST_CASE("CVSS v3 vectors are validated like go-cvss does", "[trivy][cvss]") {
  auto error = [](std::string_view v) {
    auto r = CvssV3Score(v);
    REQUIRE_FALSE(r.ok());
    return r.status().message();
  };
  CHECK(error("CVSS:3.1/AV:N/AC:L") == R"(CVSS vector "CVSS:3.1/AV:N/AC:L": missing base metric PR)");
  CHECK(error("CVSS:2.0/AV:N") ==
        R"(CVSS vector "CVSS:2.0/AV:N" does not start with CVSS:3.0/ or CVSS:3.1/)");
  CHECK(error("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") ==
        R"(CVSS vector "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H": metric AV given twice)");
  CHECK(error("CVSS:3.1/AV:Z/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") ==
        R"(CVSS vector "CVSS:3.1/AV:Z/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H": invalid value AV:Z)");
  CHECK(error("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y") ==
        R"(CVSS vector "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y": unknown metric XX)");
  CHECK(error("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/") ==
        R"(CVSS vector "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/": malformed metric "")");
}

}  // namespace
}  // namespace ec::trivy
