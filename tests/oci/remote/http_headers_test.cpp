#include <catch2/catch.hpp>

#include "oci/remote/http_headers.h"

namespace ec::oci::remote {
namespace {

std::vector<AuthChallenge> MustParse(std::string_view header) {
  auto r = ParseWwwAuthenticate(header);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

std::string ParseError(std::string_view header) {
  auto r = ParseWwwAuthenticate(header);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  return r.status().message();
}

using Params = std::map<std::string, std::string>;

}  // namespace

TEST_CASE("A Docker Hub bearer challenge yields realm, service and scope", "[oci][remote]") {
  auto c = MustParse(
      "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
      "scope=\"repository:library/ubuntu:pull\"");
  REQUIRE(c.size() == 1);
  CHECK(c[0].scheme == "bearer");
  CHECK(c[0].params == Params{{"realm", "https://auth.docker.io/token"},
                              {"service", "registry.docker.io"},
                              {"scope", "repository:library/ubuntu:pull"}});
}

TEST_CASE("Quoted values keep commas and unescape backslashes", "[oci][remote]") {
  auto c = MustParse(
      R"(Bearer realm="https://a/token", scope="repository:a/b:pull,push", )"
      R"(error="insufficient_scope", note="say \"hi\", \\ ok")");
  REQUIRE(c.size() == 1);
  CHECK(c[0].params == Params{{"realm", "https://a/token"},
                              {"scope", "repository:a/b:pull,push"},
                              {"error", "insufficient_scope"},
                              {"note", R"(say "hi", \ ok)"}});
}

TEST_CASE("Several challenges in one header are all returned in order", "[oci][remote]") {
  auto c = MustParse(R"(Basic realm="x", Bearer realm="y",service="z")");
  REQUIRE(c.size() == 2);
  CHECK(c[0].scheme == "basic");
  CHECK(c[0].params == Params{{"realm", "x"}});
  CHECK(c[1].scheme == "bearer");
  CHECK(c[1].params == Params{{"realm", "y"}, {"service", "z"}});

  auto d = MustParse(R"(Negotiate, Basic realm="r", NTLM)");
  REQUIRE(d.size() == 3);
  CHECK(d[0].scheme == "negotiate");
  CHECK(d[0].params.empty());
  CHECK(d[1].scheme == "basic");
  CHECK(d[1].params == Params{{"realm", "r"}});
  CHECK(d[2].scheme == "ntlm");
}

TEST_CASE("Extra spaces, case and unquoted values are accepted", "[oci][remote]") {
  auto c = MustParse("  BEARER   Realm = \"y\" ,  Service=z  ,,");
  REQUIRE(c.size() == 1);
  CHECK(c[0].scheme == "bearer");
  CHECK(c[0].params == Params{{"realm", "y"}, {"service", "z"}});

  auto d = MustParse("Bearer realm=https://auth.example/token?a=b,service=reg.example:5000");
  REQUIRE(d.size() == 1);
  CHECK(d[0].params == Params{{"realm", "https://auth.example/token?a=b"},
                              {"service", "reg.example:5000"}});
}

TEST_CASE("A token68 challenge is accepted without parameters", "[oci][remote]") {
  auto c = MustParse(R"(Basic dXNlcjpwYXNz==, Bearer realm="y")");
  REQUIRE(c.size() == 2);
  CHECK(c[0].scheme == "basic");
  CHECK(c[0].params.empty());
  CHECK(c[1].params == Params{{"realm", "y"}});
}

TEST_CASE("A repeated parameter keeps its first value", "[oci][remote]") {
  auto c = MustParse(R"(Bearer realm="a", REALM="b")");
  REQUIRE(c.size() == 1);
  CHECK(c[0].params == Params{{"realm", "a"}});
}

TEST_CASE("Empty or garbage WWW-Authenticate headers are errors quoting the header",
          "[oci][remote]") {
  CHECK(ParseError("") == R"(invalid WWW-Authenticate header "": no challenge)");
  CHECK(ParseError(" , ") == R"(invalid WWW-Authenticate header " , ": no challenge)");
  CHECK(ParseError("=x") ==
        R"(invalid WWW-Authenticate header "=x": expected an auth scheme at offset 0; got '=')");
  CHECK(ParseError(R"(Bearer realm="x)") ==
        R"(invalid WWW-Authenticate header "Bearer realm="x": unterminated quoted value of )"
        R"(parameter realm at offset 13)");
  CHECK(ParseError("Bearer realm=") ==
        R"(invalid WWW-Authenticate header "Bearer realm=": parameter realm has no value)");
  CHECK(ParseError(R"(Bearer realm="x" service="y")") ==
        R"(invalid WWW-Authenticate header "Bearer realm="x" service="y"": expected ',' after )"
        R"(parameter realm at offset 17; got 's')");
  CHECK(ParseError(R"(Bearer "x")") ==
        R"(invalid WWW-Authenticate header "Bearer "x"": expected a parameter name at offset 7; )"
        R"(got '"')");
  CHECK(ParseError(R"(Bearer realm="x", ="y")") ==
        R"(invalid WWW-Authenticate header "Bearer realm="x", ="y"": expected an auth scheme )"
        R"(at offset 18; got '=')");
  CHECK(ParseError(R"(Bearer realm "x")") ==
        R"(invalid WWW-Authenticate header "Bearer realm "x"": expected '=' after parameter )"
        R"(realm at offset 13; got '"')");
  CHECK(ParseError(R"(Bearer="x")") ==
        R"(invalid WWW-Authenticate header "Bearer="x"": expected a space after auth scheme )"
        R"(Bearer at offset 6; got '=')");
}

TEST_CASE("A very long garbage header is quoted only in part", "[oci][remote]") {
  std::string header = "=" + std::string(1000, 'a');
  std::string message = ParseError(header);
  CHECK(message.size() < 300);
  CHECK(message.find("...\": expected an auth scheme at offset 0") != std::string::npos);
}

TEST_CASE("Link next is the target of the link whose rel is next", "[oci][remote]") {
  CHECK(ParseLinkNext(R"(</v2/x/tags/list?last=b&n=2>; rel="next")") ==
        "/v2/x/tags/list?last=b&n=2");
  CHECK(ParseLinkNext(R"(<https://r/a?x=1,2>; rel="prev", <https://r/b>; )"
                      R"(title="a, b; c"; rel="next")") == "https://r/b");
  CHECK(ParseLinkNext(R"(<https://r/c>; rel="last next")") == "https://r/c");
  CHECK(ParseLinkNext("<x>;REL=Next") == "x");
  CHECK(ParseLinkNext("< /v2/y >  ;  rel = \"next\"  ") == "/v2/y");
}

TEST_CASE("Link without a next link or malformed gives an empty string", "[oci][remote]") {
  CHECK(ParseLinkNext("").empty());
  CHECK(ParseLinkNext(R"(<a>; rel="prev")").empty());
  CHECK(ParseLinkNext(R"(<a>; rel="nextpage")").empty());
  CHECK(ParseLinkNext(R"(rel="next")").empty());
  CHECK(ParseLinkNext(R"(<a; rel="next")").empty());
  CHECK(ParseLinkNext(R"(<a>; rel="next)").empty());
  CHECK(ParseLinkNext(R"(<a> rel="next")").empty());
}

TEST_CASE("Retry-After delta-seconds are returned as is and negatives clamp to zero",
          "[oci][remote]") {
  CHECK(ParseRetryAfter("120", 1000) == 120L);
  CHECK(ParseRetryAfter(" 5 ", 1000) == 5L);
  CHECK(ParseRetryAfter("0", 1000) == 0L);
  CHECK(ParseRetryAfter("-3", 1000) == 0L);
  CHECK_FALSE(ParseRetryAfter("", 1000).has_value());
  CHECK_FALSE(ParseRetryAfter("abc", 1000).has_value());
  CHECK_FALSE(ParseRetryAfter("1.5", 1000).has_value());
  CHECK_FALSE(ParseRetryAfter("12s", 1000).has_value());
  CHECK_FALSE(ParseRetryAfter("-", 1000).has_value());
  CHECK_FALSE(ParseRetryAfter("99999999999999999999999", 1000).has_value());
}

TEST_CASE("Retry-After HTTP-dates are seconds from now in all three forms", "[oci][remote]") {
  const long now = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  CHECK(ParseRetryAfter("Sun, 06 Nov 1994 08:50:37 GMT", now) == 60L);
  CHECK(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now) == 0L);
  CHECK(ParseRetryAfter("Sat, 05 Nov 1994 08:49:37 GMT", now) == 0L);
  CHECK(ParseRetryAfter("Mon, 07 Nov 1994 08:49:37 GMT", now) == 86400L);
  CHECK(ParseRetryAfter("Sunday, 06-Nov-94 08:49:47 GMT", now) == 10L);
  CHECK(ParseRetryAfter("Sun Nov  6 08:49:57 1994", now) == 20L);
  const long leap_day = 1709164800;  // Thu, 29 Feb 2024 00:00:00 GMT
  CHECK(ParseRetryAfter("Thu, 29 Feb 2024 00:00:30 GMT", leap_day) == 30L);
  CHECK(ParseRetryAfter("Fri, 01 Mar 2024 00:00:00 GMT", leap_day) == 86400L);
}

TEST_CASE("Retry-After with a malformed date is absent", "[oci][remote]") {
  const long now = 784111777;
  CHECK_FALSE(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 UTC", now).has_value());
  CHECK_FALSE(ParseRetryAfter("Sun, 31 Feb 1994 08:49:37 GMT", now).has_value());
  CHECK_FALSE(ParseRetryAfter("Thu, 29 Feb 2023 00:00:00 GMT", now).has_value());
  CHECK_FALSE(ParseRetryAfter("Sun, 06 Nov 1994 25:00:00 GMT", now).has_value());
  CHECK_FALSE(ParseRetryAfter("Sun, 6 Nov 1994 08:49:37 GMT", now).has_value());
  CHECK_FALSE(ParseRetryAfter("Xyz, 06 Nov 1994 08:49:37 GMT", now).has_value());
  CHECK_FALSE(ParseRetryAfter("Sun, 06 Foo 1994 08:49:37 GMT", now).has_value());
  CHECK_FALSE(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT trailing", now).has_value());
}

TEST_CASE("ResolveUrl keeps absolute URLs and resolves relative ones against the request",
          "[oci][remote]") {
  const std::string base = "https://r.example:5000/v2/a/b/blobs/uploads/";
  CHECK(ResolveUrl(base, "https://other.example/x?y=1") == "https://other.example/x?y=1");
  CHECK(ResolveUrl(base, "http://other.example/x") == "http://other.example/x");
  CHECK(ResolveUrl(base, "/v2/a/b/blobs/uploads/uuid?_state=s") ==
        "https://r.example:5000/v2/a/b/blobs/uploads/uuid?_state=s");
  CHECK(ResolveUrl(base, "uuid?x=1") == "https://r.example:5000/v2/a/b/blobs/uploads/uuid?x=1");
  CHECK(ResolveUrl("https://r/v2/a/tags/list?n=2", "list?last=b") ==
        "https://r/v2/a/tags/list?last=b");
  CHECK(ResolveUrl("https://r/v2/t/list?n=2", "?n=3") == "https://r/v2/t/list?n=3");
  CHECK(ResolveUrl("https://r/a/b/c", "../x") == "https://r/a/x");
  CHECK(ResolveUrl("https://r/a/b/c", "./x/../y") == "https://r/a/b/y");
  CHECK(ResolveUrl("https://r/a/b/c", "/x/./y/../z") == "https://r/x/z");
  CHECK(ResolveUrl("https://r/a", "//cdn.example/blob?sig=1") == "https://cdn.example/blob?sig=1");
  CHECK(ResolveUrl("https://r", "x") == "https://r/x");
  CHECK(ResolveUrl("https://r/a#frag", "b") == "https://r/b");
  CHECK(ResolveUrl("https://r/a?q=1", "") == "https://r/a?q=1");
}

TEST_CASE("UrlOrigin is scheme and lower-cased host with a non-default port", "[oci][remote]") {
  CHECK(UrlOrigin("https://Registry.Example.COM:5000/v2/") == "https://registry.example.com:5000");
  CHECK(UrlOrigin("HTTPS://r.example:443/x") == "https://r.example");
  CHECK(UrlOrigin("http://user:pw@r:80") == "http://r");
  CHECK(UrlOrigin("http://r:8080?x") == "http://r:8080");
  CHECK(UrlOrigin("https://r:80/") == "https://r:80");
  CHECK(UrlOrigin("https://[::1]:5000/v2") == "https://[::1]:5000");
  CHECK(UrlOrigin("not a url").empty());
  CHECK(UrlOrigin("/v2/x").empty());
}

TEST_CASE("ParseRangeEnd reads the last byte offset of a range", "[oci][remote]") {
  CHECK(ParseRangeEnd("bytes=0-1023") == std::int64_t{1023});
  CHECK(ParseRangeEnd("0-1023") == std::int64_t{1023});
  CHECK(ParseRangeEnd("bytes 0-1023/4096") == std::int64_t{1023});
  CHECK(ParseRangeEnd("bytes 512-1023/*") == std::int64_t{1023});
  CHECK(ParseRangeEnd(" 0-0 ") == std::int64_t{0});
  CHECK(ParseRangeEnd("0-9223372036854775806") == std::int64_t{9223372036854775806});
}

TEST_CASE("ParseRangeEnd rejects malformed ranges", "[oci][remote]") {
  for (const char* bad : {"", "bytes=", "1023", "5-3", "bytes=-5", "bytes=5-", "0-1023/1000",
                          "0-99999999999999999999", "a-b", "0-1,2-3", "bytesx0-1", "+0-1",
                          "0 - 1"}) {
    INFO(bad);
    CHECK_FALSE(ParseRangeEnd(bad).has_value());
  }
}

}  // namespace ec::oci::remote
