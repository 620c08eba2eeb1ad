#include "oci/server/scope.h"

#include <algorithm>

namespace ec::oci::server {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsLowerAlnumRun(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsLowerAlnum);
}

// resourcetype := [a-z0-9]+ [ '(' [a-z0-9]+ ')' ] (Docker's token scope grammar).
bool IsValidType(std::string_view type) {
  std::size_t open = type.find('(');
  if (open == std::string_view::npos) return IsLowerAlnumRun(type);
  if (type.back() != ')') return false;
  return IsLowerAlnumRun(type.substr(0, open)) &&
         IsLowerAlnumRun(type.substr(open + 1, type.size() - open - 2));
}

// Printable ASCII except space (the scope separator) and the characters that would need
// escaping inside a quoted WWW-Authenticate parameter.
bool IsValidNameChar(char c) { return c > ' ' && c <= '~' && c != '"' && c != '\\'; }

bool IsValidAction(std::string_view action) {
  if (action == "*") return true;
  return !action.empty() &&
         std::all_of(action.begin(), action.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

Status ScopeError(std::string_view text, std::string_view why) {
  return InvalidArgument(StrCat("scope \"", text, "\": ", why));
}

}  // namespace

Result<Scope> Scope::Parse(std::string_view text) {
  std::size_t first = text.find(':');
  std::size_t last = text.rfind(':');
  if (first == std::string_view::npos || first == last) {
    return ScopeError(text, "want TYPE:NAME:ACTIONS");
  }
  Scope scope;
  scope.type = std::string(text.substr(0, first));
  scope.name = std::string(text.substr(first + 1, last - first - 1));
  std::string_view actions = text.substr(last + 1);

  if (!IsValidType(scope.type)) {
    return ScopeError(text, StrCat("bad type \"", scope.type, "\"; want [a-z0-9]+ or TYPE(CLASS)"));
  }
  if (scope.name.empty()) return ScopeError(text, "empty name");
  if (!std::all_of(scope.name.begin(), scope.name.end(), IsValidNameChar)) {
    return ScopeError(text, "name holds a space, a control character, '\"' or '\\'");
  }
  if (actions.empty()) return ScopeError(text, "no actions");
  while (true) {
    std::size_t comma = actions.find(',');
    std::string_view action = actions.substr(0, comma);
    if (!IsValidAction(action)) {
      return ScopeError(text, StrCat("bad action \"", action, "\"; want [a-z]+ or *"));
    }
    scope.actions.emplace_back(action);
    if (comma == std::string_view::npos) break;
    actions.remove_prefix(comma + 1);
  }
  return scope;
}

std::string Scope::str() const {
  std::string out = StrCat(type, ":", name, ":");
  for (std::size_t i = 0; i < actions.size(); ++i) {
    if (i > 0) out += ',';
    out += actions[i];
  }
  return out;
}

Result<std::vector<Scope>> ParseScopes(std::string_view value) {
  std::vector<Scope> scopes;
  while (!value.empty()) {
    std::size_t space = value.find(' ');
    std::string_view one = value.substr(0, space);
    if (!one.empty()) {
      EC_ASSIGN_OR_RETURN(Scope scope, Scope::Parse(one));
      scopes.push_back(std::move(scope));
    }
    if (space == std::string_view::npos) break;
    value.remove_prefix(space + 1);
  }
  return scopes;
}

std::string FormatScopes(const std::vector<Scope>& scopes) {
  std::string out;
  for (const Scope& scope : scopes) {
    if (!out.empty()) out += ' ';
    out += scope.str();
  }
  return out;
}

std::vector<Scope> MergeScopes(const std::vector<Scope>& scopes) {
  std::vector<Scope> merged;
  for (const Scope& scope : scopes) {
    auto same = std::find_if(merged.begin(), merged.end(), [&](const Scope& m) {
      return m.type == scope.type && m.name == scope.name;
    });
    if (same == merged.end()) {
      merged.push_back(Scope{scope.type, scope.name, {}});
      same = merged.end() - 1;
    }
    for (const std::string& action : scope.actions) {
      if (std::find(same->actions.begin(), same->actions.end(), action) == same->actions.end()) {
        same->actions.push_back(action);
      }
    }
  }
  return merged;
}

}  // namespace ec::oci::server
