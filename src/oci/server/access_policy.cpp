#include "oci/server/access_policy.h"

#include <algorithm>
#include <array>

#include "json/parse.h"
#include "oci/io.h"
#include "oci/reference.h"
#include "oci/server/repository_glob.h"

namespace ec::oci::server {
namespace {

constexpr std::string_view kAnyUser = "*";
constexpr std::string_view kAnonymous = "anonymous";
constexpr std::array<std::string_view, 3> kActions = {kActionPull, kActionPush, kActionDelete};

bool UserMatches(std::string_view entry, std::string_view user) {
  if (user.empty()) return entry == kAnonymous;
  if (entry == kAnyUser) return true;
  return entry != kAnonymous && entry == user;
}

bool RuleAppliesToUser(const AccessRule& rule, std::string_view user) {
  return std::any_of(rule.users.begin(), rule.users.end(),
                     [&](const std::string& entry) { return UserMatches(entry, user); });
}

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Reads rules[i].<key>: a non-empty array of non-empty strings.
Result<std::vector<std::string>> StringList(const json::Json& rule, std::string_view key,
                                            std::string_view path) {
  auto it = rule.find(key);
  if (it == rule.end()) return InvalidArgument(StrCat(path, ": missing \"", key, "\""));
  if (!it->is_array() || it->empty()) {
    return InvalidArgument(StrCat(path, ".", key, ": want a non-empty array of strings"));
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json::Json& item = (*it)[i];
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      return InvalidArgument(StrCat(path, ".", key, "[", i, "]: want a non-empty string"));
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<AccessRule> ParseRule(const json::Json& value, std::string_view path) {
  if (!value.is_object()) return InvalidArgument(StrCat(path, ": want an object"));
  for (const auto& [key, unused] : value.items()) {
    if (key != "users" && key != "repositories" && key != "actions") {
      return InvalidArgument(
          StrCat(path, ": unknown key \"", key, "\"; want users, repositories and actions"));
    }
  }
  AccessRule rule;
  EC_ASSIGN_OR_RETURN(rule.users, StringList(value, "users", path));
  EC_ASSIGN_OR_RETURN(rule.repositories, StringList(value, "repositories", path));
  EC_ASSIGN_OR_RETURN(rule.actions, StringList(value, "actions", path));
  for (std::size_t i = 0; i < rule.repositories.size(); ++i) {
    Status valid = ValidateRepositoryGlob(rule.repositories[i]);
    if (!valid.ok()) return valid.WithPrefix(StrCat(path, ".repositories[", i, "]"));
  }
  for (std::size_t i = 0; i < rule.actions.size(); ++i) {
    if (std::find(kActions.begin(), kActions.end(), rule.actions[i]) == kActions.end()) {
      return InvalidArgument(StrCat(path, ".actions[", i, "]: unknown action \"", rule.actions[i],
                                    "\"; want pull, push or delete"));
    }
  }
  return rule;
}

}  // namespace

AccessPolicy AccessPolicy::AllowAuthenticated() {
  return AccessPolicy({AccessRule{
      {std::string(kAnyUser)},
      {"**"},
      {std::string(kActionPull), std::string(kActionPush), std::string(kActionDelete)}}});
}

AccessPolicy AccessPolicy::AllowAnonymousPull() { return AllowAuthenticated().WithAnonymousPull(); }

AccessPolicy AccessPolicy::WithAnonymousPull() const {
  std::vector<AccessRule> rules = rules_;
  rules.push_back(AccessRule{{std::string(kAnonymous)}, {"**"}, {std::string(kActionPull)}});
  return AccessPolicy(std::move(rules));
}

Result<AccessPolicy> AccessPolicy::Load(const std::filesystem::path& path) {
  auto text = ReadSmallFile(path, kMaxPolicyBytes);
  if (!text.ok()) return text.status().WithPrefix("policy");
  return Parse(*text, path.string());
}

Result<AccessPolicy> AccessPolicy::Parse(std::string_view json_text, std::string_view source_name) {
  const std::string what = StrCat("policy ", source_name);
  EC_ASSIGN_OR_RETURN(json::Json doc, json::Parse(json_text, what));
  if (!doc.is_object() || !doc.contains("rules")) {
    return InvalidArgument(StrCat(what, ": want an object {\"rules\": [...]}"));
  }
  for (const auto& [key, unused] : doc.items()) {
    if (key != "rules")
      return InvalidArgument(StrCat(what, ": unknown key \"", key, "\"; want rules"));
  }
  const json::Json& rules = doc["rules"];
  if (!rules.is_array()) return InvalidArgument(StrCat(what, ": rules: want an array"));
  std::vector<AccessRule> parsed;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    auto rule = ParseRule(rules[i], StrCat("rules[", i, "]"));
    if (!rule.ok()) return rule.status().WithPrefix(what);
    parsed.push_back(std::move(rule).value());
  }
  return AccessPolicy(std::move(parsed));
}

std::vector<std::string> AccessPolicy::Allowed(std::string_view user,
                                               std::string_view repository) const {
  // A glob's '*' would match characters no repository may hold; such names get nothing.
  if (repository.size() > kMaxNameLength || !ValidateRepository(repository).ok()) return {};
  std::array<bool, kActions.size()> allowed{};
  for (const AccessRule& rule : rules_) {
    if (!RuleAppliesToUser(rule, user)) continue;
    bool repository_matches = std::any_of(
        rule.repositories.begin(), rule.repositories.end(),
        [&](const std::string& pattern) { return MatchRepositoryGlob(pattern, repository); });
    if (!repository_matches) continue;
    for (std::size_t i = 0; i < kActions.size(); ++i) {
      allowed[i] = allowed[i] || Contains(rule.actions, kActions[i]);
    }
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kActions.size(); ++i) {
    if (allowed[i]) out.emplace_back(kActions[i]);
  }
  return out;
}

bool AccessPolicy::Permits(std::string_view user, std::string_view repository,
                           std::string_view action) const {
  return Contains(Allowed(user, repository), action);
}

bool AccessPolicy::HasAnyGrant(std::string_view user) const {
  return std::any_of(rules_.begin(), rules_.end(),
                     [&](const AccessRule& rule) { return RuleAppliesToUser(rule, user); });
}

std::vector<Scope> AccessPolicy::Grant(std::string_view user,
                                       const std::vector<Scope>& requested) const {
  std::vector<Scope> granted;
  for (const Scope& scope : MergeScopes(requested)) {
    if (scope.type == "registry" && scope.name == "catalog" && Contains(scope.actions, "*")) {
      if (HasAnyGrant(user)) granted.push_back(Scope{"registry", "catalog", {"*"}});
      continue;
    }
    if (scope.type != "repository") continue;
    Scope kept{scope.type, scope.name, {}};
    bool want_all = Contains(scope.actions, "*");
    for (std::string& action : Allowed(user, scope.name)) {
      if (want_all || Contains(scope.actions, action)) kept.actions.push_back(std::move(action));
    }
    if (!kept.actions.empty()) granted.push_back(std::move(kept));
  }
  return granted;
}

}  // namespace ec::oci::server
