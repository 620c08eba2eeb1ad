// AccessPolicy: who may pull, push and delete in which repositories of `serve`. Built in
// (AllowAuthenticated) or read from a JSON policy file:
//
//   {"rules": [
//     {"users": ["alice", "bob"], "repositories": ["team/*"],    "actions": ["pull", "push"]},
//     {"users": ["*"],            "repositories": ["public/**"], "actions": ["pull"]},
//     {"users": ["anonymous"],    "repositories": ["public/**"], "actions": ["pull"]}
//   ]}
//
// A rule applies to a request when one of its users and one of its repository patterns match;
// what a user may do is the union of the actions of every rule that applies (there are no deny
// rules; no rule applies = nothing allowed). User entries: a user name (exact, case-sensitive,
// as in the htpasswd file), "*" = any authenticated user, "anonymous" = a client that sent no
// credentials ("*" does not include anonymous clients, and an htpasswd user who happens to be
// called "anonymous" can only be granted through "*"). Repository patterns are globs as
// described in repository_glob.h. Actions: "pull" (GET/HEAD of manifests, blobs, tags,
// referrers), "push" (uploads, manifest PUT), "delete". Grant push together with pull: clients
// check for existing blobs with HEAD before uploading.
//
// Thread safety: immutable after construction; share freely.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "oci/server/scope.h"
#include "status.h"

namespace ec::oci::server {

inline constexpr std::string_view kActionPull = "pull";
inline constexpr std::string_view kActionPush = "push";
inline constexpr std::string_view kActionDelete = "delete";
// Largest policy file Load reads.
inline constexpr std::size_t kMaxPolicyBytes = 1u << 20;

struct AccessRule {
  std::vector<std::string> users;         // user names, "*" or "anonymous"
  std::vector<std::string> repositories;  // globs
  std::vector<std::string> actions;       // "pull", "push", "delete"
};

class AccessPolicy {
 public:
  // Any authenticated user may pull, push and delete everywhere; anonymous clients nothing.
  static AccessPolicy AllowAuthenticated();
  // AllowAuthenticated().WithAnonymousPull(): `serve --anonymous-pull` without a policy file.
  static AccessPolicy AllowAnonymousPull();

  // Reads and parses a policy file (see Parse); a missing file is NotFound naming it.
  static Result<AccessPolicy> Load(const std::filesystem::path& path);
  // Parses the JSON format above. Refused, as InvalidArgument naming the source and the JSON
  // path: text that is not JSON; a top level other than {"rules": [...]}; unknown keys (a
  // misspelt key would silently grant nothing or too much); missing or empty users,
  // repositories or actions; entries that are not non-empty strings; invalid repository
  // patterns; unknown actions. Example: `policy access.json: rules[1].actions[0]: unknown
  // action "write"; want pull, push or delete`. An empty rules list denies everything.
  static Result<AccessPolicy> Parse(std::string_view json_text, std::string_view source_name);

  // This policy plus a rule letting anonymous clients pull every repository.
  AccessPolicy WithAnonymousPull() const;

  // The actions `user` ("" = anonymous) may take on `repository`, in the order pull, push,
  // delete, without duplicates; empty when none, and for a name that fails
  // oci::ValidateRepository or is longer than kMaxNameLength (so a token request for
  // "host:5000/app" or "Team/App" is granted nothing).
  std::vector<std::string> Allowed(std::string_view user, std::string_view repository) const;
  bool Permits(std::string_view user, std::string_view repository, std::string_view action) const;
  // True when some rule applies to `user` at all: the test for listing the catalog, which the
  // catalog handler should then filter to the repositories the user may pull.
  bool HasAnyGrant(std::string_view user) const;

  // What the token endpoint grants for the requested scopes (merged with MergeScopes first):
  // "repository" scopes keep the requested actions the user is allowed ("*" asks for all of
  // them), in the order pull, push, delete; "registry:catalog:*" is kept when HasAnyGrant;
  // anything else, and any scope left with no action, is dropped (Docker's token spec: the
  // token is issued with what is allowed, not refused).
  std::vector<Scope> Grant(std::string_view user, const std::vector<Scope>& requested) const;

  const std::vector<AccessRule>& rules() const { return rules_; }

 private:
  explicit AccessPolicy(std::vector<AccessRule> rules) : rules_(std::move(rules)) {}
  std::vector<AccessRule> rules_;
};

}  // namespace ec::oci::server
