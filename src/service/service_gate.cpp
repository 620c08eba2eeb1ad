#include "service/service_gate.h"

#include "oci/server/basic_auth.h"
#include "oci/server/challenge.h"

namespace ec::service {
namespace {

using oci::server::AccessDecision;
using oci::server::AuthScheme;

constexpr std::string_view kRealm = "export-center";

AccessDecision Refuse(int status, std::string_view code, std::string message) {
  AccessDecision d;
  d.error = oci::server::MakeError(status, code, message);
  if (status == 401) d.challenge = oci::server::BasicChallenge(kRealm);
  return d;
}

}  // namespace

bool ServiceGate::Allows(const Principal& who, const std::string& repository, const std::string& action) {
  if (action == "*") return true;  // the catalog: filtered by CanPull
  if (!repository.starts_with(StrCat(who.tenant, "/"))) return false;
  if (action == "pull") return who.HasScope(kScopeRead) || who.HasScope(kScopeDownload);
  return who.HasScope(kScopeAdmin);  // push, delete
}

AccessDecision ServiceGate::Check(const oci::server::AuthContext& context,
                                  const std::vector<oci::server::AccessNeed>& needs) {
  std::string secret;
  switch (oci::server::AuthorizationScheme(context.authorization)) {
    case AuthScheme::kBearer: {
      auto token = oci::server::ParseBearerAuthorization(context.authorization);
      if (token.ok()) secret = *token;
      break;
    }
    case AuthScheme::kBasic: {
      auto creds = oci::server::ParseBasicAuthorization(context.authorization);
      if (creds.ok()) secret = creds->password;
      break;
    }
    default:
      break;
  }
  if (secret.empty()) return Refuse(401, "UNAUTHORIZED", "authentication required: an export-center API token");
  auto who = runs_.Authenticate(secret);
  if (!who.ok()) return Refuse(401, "UNAUTHORIZED", who.status().message());
  const std::string user = StrCat(who->tenant, "/", who->name);
  for (const oci::server::AccessNeed& need : needs) {
    if (!Allows(*who, need.repository, need.action)) {
      // Another tenant's repository is answered as if it did not exist.
      if (!need.repository.starts_with(StrCat(who->tenant, "/"))) {
        return Refuse(404, "NAME_UNKNOWN", StrCat("repository ", need.repository, " not found"));
      }
      return Refuse(403, "DENIED", StrCat("token \"", who->name, "\" may not ", need.action, " ", need.repository));
    }
  }
  {
    std::lock_guard lock(mu_);
    seen_[user] = *who;
  }
  AccessDecision d;
  d.allowed = true;
  d.user = user;
  return d;
}

bool ServiceGate::CanPull(const std::string& user, const std::string& repository) {
  std::lock_guard lock(mu_);
  auto it = seen_.find(user);
  return it != seen_.end() && Allows(it->second, repository, "pull");
}

}  // namespace ec::service
