// Scope: one resource scope of Docker's token authentication ("repository:team/app:pull,push",
// "registry:catalog:*"), as clients send it in the token request's `scope` query parameter and
// as the server names it in a WWW-Authenticate challenge and in a token's `access` claim.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace ec::oci::server {

struct Scope {
  // "repository", "registry"; may carry a class: "repository(plugin)".
  std::string type;
  // "team/app", "localhost:5000/team/app", "catalog".
  std::string name;
  // "pull", "push", "delete", "*"; never empty after Parse.
  std::vector<std::string> actions;

  // Parses one TYPE:NAME:ACTIONS. The type is the text before the first ':' and the actions the
  // text after the last, so the name may itself hold ':' ("host:5000/app", as some clients send).
  // TYPE is [a-z0-9]+ optionally followed by "(CLASS)" with CLASS [a-z0-9]+. NAME is non-empty
  // printable ASCII without space, '"' or '\'; the repository grammar is checked where names are
  // used (AccessPolicy grants nothing to an invalid name). ACTIONS is a ','-separated list of
  // [a-z]+ or "*", none empty. Errors are InvalidArgument: `scope "X": why`.
  static Result<Scope> Parse(std::string_view text);

  // "type:name:a,b": the form Parse reads.
  std::string str() const;

  friend bool operator==(const Scope&, const Scope&) = default;
};

// Parses one `scope` query value, which may hold several scopes separated by spaces (runs of
// spaces, and leading or trailing ones, are tolerated). An empty value is an empty list.
Result<std::vector<Scope>> ParseScopes(std::string_view value);

// Joins scopes with single spaces: the `scope` value of a challenge or token request.
std::string FormatScopes(const std::vector<Scope>& scopes);

// Merges scopes naming the same type and name (clients repeat the `scope` parameter, once per
// repository, and may name one repository twice): the first occurrence keeps its position and
// gains the other occurrences' actions; actions stay in first-seen order without duplicates.
std::vector<Scope> MergeScopes(const std::vector<Scope>& scopes);

}  // namespace ec::oci::server
