// AccessGate: who may do what on the registry API. The server asks it, per request, for the
// actions the request needs (pull, push, delete on a repository; catalog); a gate answers
// with the caller's identity or the error and challenge to send. OpenGate lets everything
// through (a loopback store for one user); the authenticating gates live in auth_gates.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oci/server/api_errors.h"

namespace ec::oci::server {

struct AccessNeed {
  std::string repository;  // empty for registry-wide needs (catalog)
  std::string action;      // "pull", "push", "delete", or "*" for the catalog
};

struct AuthContext {
  std::string authorization;  // the Authorization header, possibly empty
  std::string base_url;       // "http://host:port" as the client reached us (token realm)
};

struct AccessDecision {
  bool allowed = false;
  std::string user;        // empty: anonymous
  ApiError error;          // when refused: 401 UNAUTHORIZED or 403 DENIED
  std::string challenge;   // WWW-Authenticate value for a 401
};

struct TokenReply {
  int http_status = 200;
  std::string body;        // JSON
  std::string challenge;   // for a 401
};

class AccessGate {
 public:
  virtual ~AccessGate() = default;
  virtual AccessDecision Check(const AuthContext& context, const std::vector<AccessNeed>& needs) = 0;
  // Whether `user` (as Check returned it) may pull `repository`; filters the catalog and
  // decides anonymous mounts.
  virtual bool CanPull(const std::string& user, const std::string& repository) = 0;
  // The token endpoint, for gates that issue tokens; nullopt otherwise.
  virtual std::optional<TokenReply> IssueToken(const AuthContext& context, const std::string& service,
                                               const std::vector<std::string>& scopes) {
    (void)context;
    (void)service;
    (void)scopes;
    return std::nullopt;
  }
};

class OpenGate final : public AccessGate {
 public:
  AccessDecision Check(const AuthContext&, const std::vector<AccessNeed>&) override {
    AccessDecision d;
    d.allowed = true;
    return d;
  }
  bool CanPull(const std::string&, const std::string&) override { return true; }
};

}  // namespace ec::oci::server
