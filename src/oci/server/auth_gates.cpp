#include "oci/server/auth_gates.h"

#include <ctime>

#include "oci/io.h"
#include "oci/server/access_policy.h"
#include "oci/server/basic_auth.h"
#include "oci/server/challenge.h"
#include "oci/server/htpasswd.h"
#include "oci/server/token.h"

namespace ec::oci::server {
namespace {

std::int64_t Now() { return static_cast<std::int64_t>(std::time(nullptr)); }

ApiError Unauthorized(std::string_view message) { return MakeError(401, "UNAUTHORIZED", message); }

// The scopes a 401 asks the client to come back with.
std::vector<Scope> ScopesFor(const std::vector<AccessNeed>& needs) {
  std::vector<Scope> scopes;
  for (const AccessNeed& need : needs) {
    if (need.repository.empty()) {
      scopes.push_back(Scope{"registry", "catalog", {"*"}});
    } else {
      // Ask for pull too when pushing: clients need both for a push (HEAD before PUT).
      std::vector<std::string> actions = {std::string(kActionPull)};
      if (need.action != kActionPull) actions.push_back(need.action);
      scopes.push_back(Scope{"repository", need.repository, actions});
    }
  }
  return scopes;
}

// Whether a policy decision lets `user` satisfy every need.
bool PolicyAllows(const AccessPolicy& policy, const std::string& user, const std::vector<AccessNeed>& needs) {
  for (const AccessNeed& need : needs) {
    if (need.repository.empty() ? !policy.HasAnyGrant(user)
                                : !policy.Permits(user, need.repository, need.action)) {
      return false;
    }
  }
  return true;
}

std::string DescribeNeeds(const std::vector<AccessNeed>& needs) {
  std::string out;
  for (const AccessNeed& need : needs) {
    if (!out.empty()) out += ", ";
    out += need.repository.empty() ? std::string("the catalog") : StrCat(need.action, " on ", need.repository);
  }
  return out;
}

class BasicGate final : public AccessGate {
 public:
  BasicGate(Htpasswd users, AccessPolicy policy, std::string realm)
      : users_(std::move(users)), policy_(std::move(policy)), realm_(std::move(realm)) {}

  AccessDecision Check(const AuthContext& context, const std::vector<AccessNeed>& needs) override {
    AccessDecision d;
    std::string user;
    if (!context.authorization.empty()) {
      auto creds = ParseBasicAuthorization(context.authorization);
      if (!creds.ok() || !users_.Verify(creds->user, creds->password)) {
        d.error = Unauthorized("invalid user name or password");
        d.challenge = BasicChallenge(realm_);
        return d;
      }
      user = creds->user;
    }
    // The ping needs a login unless anonymous clients may do something.
    bool allowed = needs.empty() ? (!user.empty() || policy_.HasAnyGrant("")) : PolicyAllows(policy_, user, needs);
    if (allowed) {
      d.allowed = true;
      d.user = user;
      return d;
    }
    if (user.empty()) {
      d.error = Unauthorized("authentication required");
      d.challenge = BasicChallenge(realm_);
    } else {
      d.error = MakeError(403, "DENIED", StrCat("user ", user, " may not ", DescribeNeeds(needs)));
    }
    return d;
  }

  bool CanPull(const std::string& user, const std::string& repository) override {
    return policy_.Permits(user, repository, kActionPull);
  }

 private:
  Htpasswd users_;
  AccessPolicy policy_;
  std::string realm_;
};

class TokenGate final : public AccessGate {
 public:
  TokenGate(Htpasswd users, AccessPolicy policy, TokenIssuer issuer)
      : users_(std::move(users)), policy_(std::move(policy)), issuer_(std::move(issuer)) {}

  AccessDecision Check(const AuthContext& context, const std::vector<AccessNeed>& needs) override {
    AccessDecision d;
    const std::string realm = StrCat(context.base_url, "/token");
    std::string error_kind;
    if (!context.authorization.empty() && AuthorizationScheme(context.authorization) == AuthScheme::kBearer) {
      auto token = ParseBearerAuthorization(context.authorization);
      auto claims = token.ok() ? issuer_.Verify(*token, Now()) : Result<TokenClaims>(token.status());
      if (claims.ok()) {
        bool allowed = true;
        for (const AccessNeed& need : needs) {
          allowed = allowed && (need.repository.empty() ? claims->PermitsCatalog()
                                                        : claims->Permits(need.repository, need.action));
        }
        if (allowed) {
          d.allowed = true;
          d.user = claims->subject;
          return d;
        }
        // A valid token without the scope: the client should fetch one that has it.
        error_kind = "insufficient_scope";
        d.error = Unauthorized(StrCat("token does not grant ", DescribeNeeds(needs)));
      } else {
        error_kind = "invalid_token";
        d.error = Unauthorized(claims.status().message());
      }
    } else if (needs.empty() || PolicyAllows(policy_, "", needs)) {
      // Anonymous clients still go through the token endpoint, as Docker's protocol expects,
      // except for the ping when anonymous pulls are allowed.
      if (needs.empty() && policy_.HasAnyGrant("")) {
        d.allowed = true;
        return d;
      }
      d.error = Unauthorized("authentication required");
    } else {
      d.error = Unauthorized("authentication required");
    }
    d.challenge = BearerChallenge(realm, issuer_.service(), ScopesFor(needs), error_kind);
    return d;
  }

  bool CanPull(const std::string& user, const std::string& repository) override {
    return policy_.Permits(user, repository, kActionPull);
  }

  std::optional<TokenReply> IssueToken(const AuthContext& context, const std::string& service,
                                       const std::vector<std::string>& scope_params) override {
    TokenReply reply;
    std::string user;
    if (!context.authorization.empty()) {
      auto creds = ParseBasicAuthorization(context.authorization);
      if (!creds.ok() || !users_.Verify(creds->user, creds->password)) {
        reply.http_status = 401;
        reply.body = MakeError(401, "UNAUTHORIZED", "invalid user name or password").Body();
        reply.challenge = BasicChallenge(issuer_.service());
        return reply;
      }
      user = creds->user;
    }
    if (!service.empty() && service != issuer_.service()) {
      reply.http_status = 400;
      reply.body = MakeError(400, "DENIED", StrCat("unknown service \"", service, "\"; want \"",
                                                  issuer_.service(), "\"")).Body();
      return reply;
    }
    std::vector<Scope> requested;
    for (const std::string& param : scope_params) {
      auto scopes = ParseScopes(param);
      if (!scopes.ok()) {
        reply.http_status = 400;
        reply.body = MakeError(400, "DENIED", scopes.status().message()).Body();
        return reply;
      }
      requested.insert(requested.end(), scopes->begin(), scopes->end());
    }
    const std::int64_t now = Now();
    std::string token = issuer_.Issue(user, policy_.Grant(user, requested), now, kDefaultTokenTtlSeconds);
    reply.body = TokenResponseJson(token, kDefaultTokenTtlSeconds, now);
    return reply;
  }

 private:
  Htpasswd users_;
  AccessPolicy policy_;
  TokenIssuer issuer_;
};

Result<AccessPolicy> LoadPolicy(const GateConfig& config) {
  AccessPolicy policy = AccessPolicy::AllowAuthenticated();
  if (!config.access_file.empty()) {
    EC_ASSIGN_OR_RETURN(policy, AccessPolicy::Load(config.access_file));
  }
  if (config.anonymous_pull) policy = policy.WithAnonymousPull();
  return policy;
}

}  // namespace

Result<std::shared_ptr<AccessGate>> MakeAccessGate(const GateConfig& config) {
  if (config.auth == "none") {
    if (!config.access_file.empty()) {
      return InvalidArgument("--access needs --auth htpasswd:FILE or token:FILE (with no auth, everyone is anonymous)");
    }
    return std::shared_ptr<AccessGate>(std::make_shared<OpenGate>());
  }
  const std::size_t colon = config.auth.find(':');
  const std::string mode = config.auth.substr(0, colon);
  const std::string file = colon == std::string::npos ? "" : config.auth.substr(colon + 1);
  if ((mode != "htpasswd" && mode != "token") || file.empty()) {
    return InvalidArgument(StrCat("--auth ", config.auth, ": want none, htpasswd:FILE or token:FILE"));
  }
  EC_ASSIGN_OR_RETURN(Htpasswd users, Htpasswd::Load(file));
  EC_ASSIGN_OR_RETURN(AccessPolicy policy, LoadPolicy(config));
  if (mode == "htpasswd") {
    return std::shared_ptr<AccessGate>(std::make_shared<BasicGate>(std::move(users), std::move(policy), config.realm));
  }
  std::string key = TokenIssuer::RandomKey();
  if (!config.token_key_file.empty()) {
    EC_ASSIGN_OR_RETURN(key, ReadSmallFile(config.token_key_file, 4096));
  }
  auto issuer = TokenIssuer::Create("export-center", config.service, key);
  if (!issuer.ok()) return issuer.status().WithPrefix(StrCat("--token-key ", config.token_key_file));
  return std::shared_ptr<AccessGate>(
      std::make_shared<TokenGate>(std::move(users), std::move(policy), std::move(*issuer)));
}

std::string DescribeGate(const GateConfig& config) {
  std::string out = config.auth.substr(0, config.auth.find(':'));
  if (!config.access_file.empty()) out += StrCat(", policy ", config.access_file);
  if (config.anonymous_pull) out += ", anonymous pull";
  return out;
}

}  // namespace ec::oci::server
