#include "oci/server/access_policy.h"

#include "oci/server/repository_glob.h"
#include "support/test_support.h"

namespace ec::oci::server {
namespace {

using Actions = std::vector<std::string>;

AccessPolicy MustParse(std::string_view json) {
  auto p = AccessPolicy::Parse(json, "access.json");
  INFO(p.status().message());
  REQUIRE(p.ok());
  return std::move(p).value();
}

std::string ParseError(std::string_view json) {
  auto p = AccessPolicy::Parse(json, "access.json");
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == Code::kInvalidArgument);
  return p.status().message();
}

constexpr std::string_view kTeamPolicy = R"({"rules": [
  {"users": ["alice", "bob"], "repositories": ["team/*"], "actions": ["pull", "push"]},
  {"users": ["alice"], "repositories": ["team/*", "exact/name"], "actions": ["delete"]},
  {"users": ["*"], "repositories": ["public/**"], "actions": ["pull"]},
  {"users": ["anonymous"], "repositories": ["public/docs/**"], "actions": ["pull"]}
]})";

}  // namespace

TEST_CASE("Glob: '*' stays inside one segment, '**' spans segments", "[oci][server]") {
  CHECK(MatchRepositoryGlob("team/*", "team/app"));
  CHECK_FALSE(MatchRepositoryGlob("team/*", "team/app/sub"));
  CHECK_FALSE(MatchRepositoryGlob("team/*", "team"));
  CHECK_FALSE(MatchRepositoryGlob("team/*", "teams/app"));
  CHECK(MatchRepositoryGlob("team/app-*", "team/app-1"));
  CHECK(MatchRepositoryGlob("team/app-*", "team/app-"));
  CHECK_FALSE(MatchRepositoryGlob("team/app-*", "team/app"));
  CHECK(MatchRepositoryGlob("*/app", "x/app"));
  CHECK(MatchRepositoryGlob("t*m/*p*", "team/app"));
  CHECK_FALSE(MatchRepositoryGlob("t*m/*p*", "team/abc"));

  CHECK(MatchRepositoryGlob("public/**", "public/a"));
  CHECK(MatchRepositoryGlob("public/**", "public/a/b/c"));
  CHECK_FALSE(MatchRepositoryGlob("public/**", "public"));  // trailing /** needs a segment
  CHECK_FALSE(MatchRepositoryGlob("public/**", "publicity/a"));
  CHECK(MatchRepositoryGlob("a/**/b", "a/b"));
  CHECK(MatchRepositoryGlob("a/**/b", "a/x/y/b"));
  CHECK_FALSE(MatchRepositoryGlob("a/**/b", "a/x/y/c"));
  CHECK(MatchRepositoryGlob("**/cache", "cache"));
  CHECK(MatchRepositoryGlob("**/cache", "a/b/cache"));
  CHECK(MatchRepositoryGlob("**", "anything/at/all"));
  CHECK(MatchRepositoryGlob("**", "x"));
  CHECK(MatchRepositoryGlob("**/**/x", "x"));

  CHECK(MatchRepositoryGlob("exact/name", "exact/name"));
  CHECK_FALSE(MatchRepositoryGlob("exact/name", "exact/name/sub"));
  CHECK_FALSE(MatchRepositoryGlob("exact/name", "exact"));
  CHECK_FALSE(MatchRepositoryGlob("**", ""));
  CHECK_FALSE(MatchRepositoryGlob("", "a"));

  // Many "**" against a deep name stays cheap (dynamic programming, no backtracking blow-up).
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "a/";
  deep += "b";
  CHECK_FALSE(MatchRepositoryGlob("**/**/**/**/**/**/**/**/**/c", deep));
  CHECK(MatchRepositoryGlob("**/**/**/**/**/**/**/**/**/b", deep));
}

TEST_CASE("Glob patterns are validated", "[oci][server]") {
  CHECK(ValidateRepositoryGlob("team/*").ok());
  CHECK(ValidateRepositoryGlob("**").ok());
  CHECK(ValidateRepositoryGlob("a.b_c-d/**/x*").ok());
  auto error = [](std::string_view pattern) { return ValidateRepositoryGlob(pattern).message(); };
  CHECK(error("") == "repository pattern \"\": empty");
  CHECK(error("/team") ==
        "repository pattern \"/team\": empty path segment (leading, trailing or doubled '/')");
  CHECK(error("team//app") ==
        "repository pattern \"team//app\": empty path segment (leading, trailing or doubled '/')");
  CHECK(error("team/") ==
        "repository pattern \"team/\": empty path segment (leading, trailing or doubled '/')");
  CHECK(error("team/a**") == "repository pattern \"team/a**\": '**' must be a whole path segment");
  CHECK(error("team/***") == "repository pattern \"team/***\": '**' must be a whole path segment");
  CHECK(error("Team/*") ==
        "repository pattern \"Team/*\": character 'T' not allowed; want [a-z0-9._-], '/' and '*'");
  CHECK(error("team/a?") ==
        "repository pattern \"team/a?\": character '?' not allowed; want [a-z0-9._-], '/' and '*'");
}

TEST_CASE("The policy file's rules are unioned per user and repository", "[oci][server]") {
  AccessPolicy p = MustParse(kTeamPolicy);
  CHECK(p.rules().size() == 4);

  CHECK(p.Allowed("alice", "team/app") == Actions{"pull", "push", "delete"});
  CHECK(p.Allowed("bob", "team/app") == Actions{"pull", "push"});
  CHECK(p.Allowed("alice", "exact/name") == Actions{"delete"});
  CHECK(p.Allowed("bob", "exact/name").empty());
  CHECK(p.Allowed("alice", "team/app/sub").empty());
  CHECK(p.Allowed("carol", "team/app").empty());

  // "*": any authenticated user, never anonymous.
  CHECK(p.Allowed("carol", "public/tools/x") == Actions{"pull"});
  CHECK(p.Allowed("", "public/tools/x").empty());
  // "anonymous": only clients without credentials; a user so named does not get it.
  CHECK(p.Allowed("", "public/docs/site") == Actions{"pull"});
  CHECK(p.Allowed("anonymous", "public/docs/site") == Actions{"pull"});  // through "*"
  CHECK(p.Allowed("anonymous", "team/app").empty());

  CHECK(p.Permits("bob", "team/app", "push"));
  CHECK_FALSE(p.Permits("bob", "team/app", "delete"));
  CHECK(p.HasAnyGrant("carol"));
  CHECK(p.HasAnyGrant(""));

  // Names that are not valid repositories match nothing, even "**".
  AccessPolicy all = AccessPolicy::AllowAuthenticated();
  CHECK(all.Allowed("alice", "Team/App").empty());
  CHECK(all.Allowed("alice", "host:5000/app").empty());
  CHECK(all.Allowed("alice", "a//b").empty());
  CHECK(all.Allowed("alice", std::string(256, 'a')).empty());
}

TEST_CASE("Built-in policies: authenticated users do everything, anonymous pull is opt-in",
          "[oci][server]") {
  AccessPolicy all = AccessPolicy::AllowAuthenticated();
  CHECK(all.Allowed("alice", "any/repo/at/depth") == Actions{"pull", "push", "delete"});
  CHECK(all.Allowed("", "any/repo").empty());
  CHECK_FALSE(all.HasAnyGrant(""));

  AccessPolicy open = AccessPolicy::AllowAnonymousPull();
  CHECK(open.Allowed("", "any/repo") == Actions{"pull"});
  CHECK(open.Allowed("alice", "x") == Actions{"pull", "push", "delete"});
  CHECK(open.HasAnyGrant(""));

  AccessPolicy team = MustParse(kTeamPolicy).WithAnonymousPull();
  CHECK(team.Allowed("", "team/app") == Actions{"pull"});
  CHECK(team.Allowed("bob", "team/app") == Actions{"pull", "push"});

  AccessPolicy none = MustParse(R"({"rules": []})");
  CHECK(none.Allowed("alice", "x").empty());
  CHECK_FALSE(none.HasAnyGrant("alice"));
}

TEST_CASE("Grant keeps the allowed part of the requested scopes", "[oci][server]") {
  AccessPolicy p = MustParse(kTeamPolicy);
  auto scopes = ParseScopes(
      "repository:team/app:push,pull,delete repository:other/x:pull "
      "repository:team/app:pull registry:catalog:* repository:public/a:*");
  REQUIRE_OK(scopes);

  std::vector<Scope> bob = p.Grant("bob", *scopes);
  REQUIRE(bob.size() == 3);
  CHECK(bob[0] == Scope{"repository", "team/app", {"pull", "push"}});
  CHECK(bob[1] == Scope{"registry", "catalog", {"*"}});
  CHECK(bob[2] == Scope{"repository", "public/a", {"pull"}});

  std::vector<Scope> anonymous = p.Grant("", *scopes);
  CHECK(anonymous == std::vector<Scope>{{"registry", "catalog", {"*"}}});
  CHECK(AccessPolicy::AllowAuthenticated().Grant("", *scopes).empty());

  // Unknown types and catalog scopes without '*' are dropped.
  CHECK(p.Grant("alice", {{"registry", "catalog", {"pull"}}, {"plugin", "team/app", {"pull"}}})
            .empty());
}

TEST_CASE("Malformed policy files are refused naming the file and the JSON path", "[oci][server]") {
  CHECK(ParseError("{") ==
        "policy access.json: not valid JSON: parse error at line 1, column 2: syntax error while "
        "parsing object key - unexpected end of input; expected string literal");
  CHECK(ParseError("[]") == "policy access.json: want an object {\"rules\": [...]}");
  CHECK(ParseError("{}") == "policy access.json: want an object {\"rules\": [...]}");
  CHECK(ParseError(R"({"rules": [], "default": "deny"})") ==
        "policy access.json: unknown key \"default\"; want rules");
  CHECK(ParseError(R"({"rules": {}})") == "policy access.json: rules: want an array");
  CHECK(ParseError(R"({"rules": [1]})") == "policy access.json: rules[0]: want an object");
  CHECK(
      ParseError(R"({"rules": [{"users": ["a"], "repos": ["x"], "actions": ["pull"]}]})") ==
      "policy access.json: rules[0]: unknown key \"repos\"; want users, repositories and actions");
  CHECK(ParseError(R"({"rules": [{"users": ["a"], "actions": ["pull"]}]})") ==
        "policy access.json: rules[0]: missing \"repositories\"");
  CHECK(ParseError(R"({"rules": [{"users": [], "repositories": ["x"], "actions": ["pull"]}]})") ==
        "policy access.json: rules[0].users: want a non-empty array of strings");
  CHECK(ParseError(R"({"rules": [{"users": "a", "repositories": ["x"], "actions": ["pull"]}]})") ==
        "policy access.json: rules[0].users: want a non-empty array of strings");
  CHECK(ParseError(
            R"({"rules": [{"users": ["a", ""], "repositories": ["x"], "actions": ["pull"]}]})") ==
        "policy access.json: rules[0].users[1]: want a non-empty string");
  CHECK(ParseError(R"({"rules": [{"users": ["a"], "repositories": ["x"], "actions": ["pull"]},
                                 {"users": ["a"], "repositories": ["x"], "actions": ["pull", "write"]}]})") ==
        "policy access.json: rules[1].actions[1]: unknown action \"write\"; want pull, push or "
        "delete");
  CHECK(
      ParseError(
          R"({"rules": [{"users": ["a"], "repositories": ["x", "Team/*"], "actions": ["pull"]}]})") ==
      "policy access.json: rules[0].repositories[1]: repository pattern \"Team/*\": character 'T' "
      "not allowed; want [a-z0-9._-], '/' and '*'");
}

TEST_CASE("Load reads a policy file and names a missing one", "[oci][server]") {
  testing::TempDir dir;
  testing::WriteFile(dir / "access.json", kTeamPolicy);
  auto p = AccessPolicy::Load(dir / "access.json");
  REQUIRE_OK(p);
  CHECK(p->Allowed("bob", "team/app") == Actions{"pull", "push"});

  testing::WriteFile(dir / "bad.json", R"({"rules": [{"users": ["a"]}]})");
  auto bad = AccessPolicy::Load(dir / "bad.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        StrCat("policy ", (dir / "bad.json").string(), ": rules[0]: missing \"repositories\""));

  auto missing = AccessPolicy::Load(dir / "absent.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Code::kNotFound);
  CHECK(missing.status().message() ==
        StrCat("policy: open ", (dir / "absent.json").string(), ": no such file"));
}

}  // namespace ec::oci::server
