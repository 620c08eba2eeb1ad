#include "oci/server/challenge.h"

#include "oci/remote/http_headers.h"
#include "support/test_support.h"

namespace ec::oci::server {

TEST_CASE("Basic and Bearer challenges have Docker's exact form", "[oci][server]") {
  CHECK(BasicChallenge("export-center") == R"(Basic realm="export-center")");
  CHECK(
      BearerChallenge("http://127.0.0.1:5000/token", "export-center",
                      {{"repository", "team/app", {"pull", "push"}}}) ==
      R"(Bearer realm="http://127.0.0.1:5000/token",service="export-center",scope="repository:team/app:pull,push")");
  CHECK(BearerChallenge("http://h/token", "svc", {}) ==
        R"(Bearer realm="http://h/token",service="svc")");
  CHECK(
      BearerChallenge("http://h/token", "svc",
                      {{"repository", "a", {"pull"}}, {"repository", "b", {"pull", "push"}}},
                      "insufficient_scope") ==
      R"(Bearer realm="http://h/token",service="svc",scope="repository:a:pull repository:b:pull,push",error="insufficient_scope")");
}

TEST_CASE("Challenge values escape quotes and backslashes and drop control characters",
          "[oci][server]") {
  CHECK(BasicChallenge(R"(say "hi" \ bye)") == R"(Basic realm="say \"hi\" \\ bye")");
  CHECK(BasicChallenge("a\r\nSet-Cookie: x=1") == R"(Basic realm="aSet-Cookie: x=1")");

  // The registry client's parser reads back what we wrote.
  auto parsed = remote::ParseWwwAuthenticate(
      BearerChallenge(R"(http://h/"t")", R"(s\v)", {{"repository", "a/b", {"pull"}}}));
  REQUIRE_OK(parsed);
  REQUIRE(parsed->size() == 1);
  CHECK((*parsed)[0].scheme == "bearer");
  CHECK((*parsed)[0].params.at("realm") == R"(http://h/"t")");
  CHECK((*parsed)[0].params.at("service") == R"(s\v)");
  CHECK((*parsed)[0].params.at("scope") == "repository:a/b:pull");
}

}  // namespace ec::oci::server
