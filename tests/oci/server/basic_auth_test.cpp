#include "oci/server/basic_auth.h"

#include "support/test_support.h"

namespace ec::oci::server {
namespace {

BasicCredentials MustParseBasic(std::string_view header) {
  auto c = ParseBasicAuthorization(header);
  INFO(c.status().message());
  REQUIRE(c.ok());
  return *c;
}

std::string BasicError(std::string_view header) {
  auto c = ParseBasicAuthorization(header);
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().code() == Code::kInvalidArgument);
  return c.status().message();
}

std::string BearerError(std::string_view header) {
  auto t = ParseBearerAuthorization(header);
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == Code::kInvalidArgument);
  return t.status().message();
}

}  // namespace

TEST_CASE("Basic credentials decode to user and password", "[oci][server]") {
  // printf 'alice:correct horse' | base64
  BasicCredentials c = MustParseBasic("Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==");
  CHECK(c.user == "alice");
  CHECK(c.password == "correct horse");

  // Scheme case-insensitive, extra spaces tolerated, padding optional.
  CHECK(MustParseBasic("basic   YWxpY2U6Y29ycmVjdCBob3JzZQ  ").password == "correct horse");
  CHECK(MustParseBasic("BASIC YWxpY2U6Y29ycmVjdCBob3JzZQ==").user == "alice");
  CHECK(MustParseBasic("Basic YWxpY2U6cHc").password == "pw");  // "alice:pw" unpadded

  // The password keeps everything after the first ':' ("bob:pa:ss wörd").
  BasicCredentials bob = MustParseBasic("Basic Ym9iOnBhOnNzIHfDtnJk");
  CHECK(bob.user == "bob");
  CHECK(bob.password == "pa:ss wörd");

  // An empty password is a password ("carol:").
  BasicCredentials carol = MustParseBasic("Basic Y2Fyb2w6");
  CHECK(carol.user == "carol");
  CHECK(carol.password.empty());
}

TEST_CASE("Malformed Basic credentials are refused without quoting them", "[oci][server]") {
  CHECK(BasicError("") == "Authorization header: scheme is not Basic");
  CHECK(BasicError("Bearer abc") == "Authorization header: scheme is not Basic");
  CHECK(BasicError("Basic") == "Authorization header: Basic without credentials");
  CHECK(BasicError("Basic    ") == "Authorization header: Basic without credentials");
  // Not base64: bad characters, URL-safe alphabet, inner space, bad padding, lone sextet.
  for (std::string_view header :
       {"Basic YWxpY2U6!!!", "Basic YWxp-2U6_w==", "Basic YWxp Y2U6cHc=", "Basic YWxpY2U6cH=",
        "Basic YWxpY2U6cHc===", "Basic Y=Wx", "Basic YWxpY", "Basic ===="}) {
    INFO(header);
    CHECK(BasicError(header) == "Authorization header: Basic credentials are not base64");
  }
  // "alicepw": no colon.
  CHECK(BasicError("Basic YWxpY2Vwdw==") ==
        "Authorization header: Basic credentials have no ':' between user and password");
  // ":pw": empty user.
  CHECK(BasicError("Basic OnB3") == "Authorization header: Basic credentials have an empty user");
  // "al\nice:pw": control character in the user.
  CHECK(BasicError("Basic YWwKaWNlOnB3") ==
        "Authorization header: Basic user holds a control character");
}

TEST_CASE("Bearer tokens are returned as sent", "[oci][server]") {
  auto t = ParseBearerAuthorization("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln");
  REQUIRE_OK(t);
  CHECK(*t == "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln");
  auto lower = ParseBearerAuthorization("bearer  abc~+/-_.==  ");
  REQUIRE_OK(lower);
  CHECK(*lower == "abc~+/-_.==");

  CHECK(BearerError("Basic YWxpY2U6cHc=") == "Authorization header: scheme is not Bearer");
  CHECK(BearerError("Bearer") == "Authorization header: Bearer without a token");
  CHECK(BearerError("Bearer a b") == "Authorization header: Bearer token is not a b64token");
  CHECK(BearerError("Bearer a=b") == "Authorization header: Bearer token is not a b64token");
  CHECK(BearerError("Bearer ==") == "Authorization header: Bearer token is not a b64token");
  CHECK(BearerError("Bearer \"tok\"") == "Authorization header: Bearer token is not a b64token");
}

TEST_CASE("AuthorizationScheme tells Basic, Bearer, others and none apart", "[oci][server]") {
  CHECK(AuthorizationScheme("") == AuthScheme::kNone);
  CHECK(AuthorizationScheme("   ") == AuthScheme::kNone);
  CHECK(AuthorizationScheme("Basic abc") == AuthScheme::kBasic);
  CHECK(AuthorizationScheme("basic") == AuthScheme::kBasic);
  CHECK(AuthorizationScheme("BEARER x") == AuthScheme::kBearer);
  CHECK(AuthorizationScheme("Digest username=\"a\"") == AuthScheme::kOther);
  CHECK(AuthorizationScheme("Basicx abc") == AuthScheme::kOther);
}

}  // namespace ec::oci::server
