#include "oci/server/scope.h"

#include "support/test_support.h"

namespace ec::oci::server {
namespace {

Scope MustParse(std::string_view text) {
  auto s = Scope::Parse(text);
  INFO(s.status().message());
  REQUIRE(s.ok());
  return *s;
}

std::string ParseError(std::string_view text) {
  auto s = Scope::Parse(text);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == Code::kInvalidArgument);
  return s.status().message();
}

using Actions = std::vector<std::string>;

}  // namespace

TEST_CASE("Repository and catalog scopes parse and round-trip", "[oci][server]") {
  Scope s = MustParse("repository:team/app:pull,push");
  CHECK(s.type == "repository");
  CHECK(s.name == "team/app");
  CHECK(s.actions == Actions{"pull", "push"});
  CHECK(s.str() == "repository:team/app:pull,push");

  Scope catalog = MustParse("registry:catalog:*");
  CHECK(catalog == Scope{"registry", "catalog", {"*"}});
  CHECK(catalog.str() == "registry:catalog:*");

  for (std::string_view text : {"repository:a:pull", "repository:a/b/c:delete,pull,push",
                                "repository(plugin):vendor/x:pull", "repository:a:*"}) {
    CHECK(MustParse(text).str() == text);
  }
}

TEST_CASE("A name may hold ':' (a host:port part): split at the first and last ':'",
          "[oci][server]") {
  Scope s = MustParse("repository:localhost:5000/team/app:pull");
  CHECK(s.type == "repository");
  CHECK(s.name == "localhost:5000/team/app");
  CHECK(s.actions == Actions{"pull"});
  CHECK(s.str() == "repository:localhost:5000/team/app:pull");
  CHECK(MustParse("repository(plugin):h:1/x:pull").type == "repository(plugin)");
}

TEST_CASE("A scope value may hold several space-separated scopes", "[oci][server]") {
  auto scopes = ParseScopes("repository:a:pull  repository:b:pull,push registry:catalog:* ");
  REQUIRE_OK(scopes);
  REQUIRE(scopes->size() == 3);
  CHECK((*scopes)[0] == Scope{"repository", "a", {"pull"}});
  CHECK((*scopes)[1] == Scope{"repository", "b", {"pull", "push"}});
  CHECK((*scopes)[2] == Scope{"registry", "catalog", {"*"}});
  CHECK(FormatScopes(*scopes) == "repository:a:pull repository:b:pull,push registry:catalog:*");

  auto empty = ParseScopes("");
  REQUIRE_OK(empty);
  CHECK(empty->empty());
  CHECK(FormatScopes({}) == "");

  auto bad = ParseScopes("repository:a:pull repository:b");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "scope \"repository:b\": want TYPE:NAME:ACTIONS");
}

TEST_CASE("Malformed scopes are refused with the reason", "[oci][server]") {
  CHECK(ParseError("repository") == "scope \"repository\": want TYPE:NAME:ACTIONS");
  CHECK(ParseError("repository:a") == "scope \"repository:a\": want TYPE:NAME:ACTIONS");
  CHECK(ParseError("repository::pull") == "scope \"repository::pull\": empty name");
  CHECK(ParseError(":a:pull") == "scope \":a:pull\": bad type \"\"; want [a-z0-9]+ or TYPE(CLASS)");
  CHECK(ParseError("Repository:a:pull") ==
        "scope \"Repository:a:pull\": bad type \"Repository\"; want [a-z0-9]+ or TYPE(CLASS)");
  CHECK(ParseError("repository():a:pull") ==
        "scope \"repository():a:pull\": bad type \"repository()\"; want [a-z0-9]+ or TYPE(CLASS)");
  CHECK(ParseError("repository:a:") == "scope \"repository:a:\": no actions");
  CHECK(ParseError("repository:a:pull,") ==
        "scope \"repository:a:pull,\": bad action \"\"; want [a-z]+ or *");
  CHECK(ParseError("repository:a:pull,,push") ==
        "scope \"repository:a:pull,,push\": bad action \"\"; want [a-z]+ or *");
  CHECK(ParseError("repository:a:Pull") ==
        "scope \"repository:a:Pull\": bad action \"Pull\"; want [a-z]+ or *");
  CHECK(ParseError("repository:a\"b:pull") ==
        "scope \"repository:a\"b:pull\": name holds a space, a control character, '\"' or '\\'");
  CHECK(ParseError("repository:a\tb:pull") ==
        "scope \"repository:a\tb:pull\": name holds a space, a control character, '\"' or '\\'");
}

TEST_CASE("MergeScopes unions actions per resource in first-seen order", "[oci][server]") {
  std::vector<Scope> merged = MergeScopes({{"repository", "a", {"pull"}},
                                           {"repository", "b", {"push", "pull"}},
                                           {"repository", "a", {"push", "pull"}},
                                           {"registry", "a", {"*"}}});
  REQUIRE(merged.size() == 3);
  CHECK(merged[0] == Scope{"repository", "a", {"pull", "push"}});
  CHECK(merged[1] == Scope{"repository", "b", {"push", "pull"}});
  CHECK(merged[2] == Scope{"registry", "a", {"*"}});
}

}  // namespace ec::oci::server
