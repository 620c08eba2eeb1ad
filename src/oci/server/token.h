// The token service of `serve` in token mode: it signs its own bearer tokens (Docker's token
// authentication, https://distribution.github.io/distribution/spec/auth/token/) and verifies
// them on every registry request. A token is a JWT (RFC 7519) signed with HMAC-SHA256 under a
// secret only this process knows, so issuer and verifier are the same server and no public
// key needs publishing.
//
// Claims: iss (the issuer name), sub (the user; "" for anonymous), aud (the service name), exp,
// nbf, iat (Unix seconds), jti (random, 128 bits hex) and Docker's
// access: [{"type": "repository", "name": "team/app", "actions": ["pull", "push"]}].
//
// Thread safety: immutable after Create; Issue and Verify may run concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "oci/server/scope.h"
#include "oci/time_format.h"  // FormatRfc3339, used in messages and responses
#include "status.h"

namespace ec::oci::server {

inline constexpr std::size_t kMinTokenKeyBytes = 32;
// Tokens longer than this are refused unread (a token naming many repositories is a few KiB).
inline constexpr std::size_t kMaxTokenBytes = 16u << 10;
// Clock skew tolerated on exp and nbf.
inline constexpr std::int64_t kTokenLeewaySeconds = 60;
// Docker's token spec: clients assume 60 s when expires_in is absent; 5 minutes is what
// distribution's reference token server issues.
inline constexpr std::int64_t kDefaultTokenTtlSeconds = 300;

struct TokenClaims {
  std::string issuer;
  std::string subject;  // the user; "" for an anonymous client
  std::string audience;
  std::string id;  // jti
  std::vector<Scope> access;
  std::int64_t issued_at = 0;
  std::int64_t not_before = 0;
  std::int64_t expires_at = 0;

  // True when an access entry of type "repository" names exactly `repository` and lists
  // `action` (no wildcards: Grant never issues them for repositories).
  bool Permits(std::string_view repository, std::string_view action) const;
  // True when access holds "registry:catalog:*".
  bool PermitsCatalog() const;
};

class TokenIssuer {
 public:
  // `key` is the HMAC secret, at least kMinTokenKeyBytes bytes (any bytes). Errors are
  // InvalidArgument: an empty issuer or service, or a short key ("token key: got 16 bytes,
  // want at least 32").
  static Result<TokenIssuer> Create(std::string issuer, std::string service, std::string key);
  // kMinTokenKeyBytes random bytes (OpenSSL RAND_bytes; aborts if the system has no
  // randomness): the key of a server whose tokens need not survive a restart.
  static std::string RandomKey();

  // Signs a token for `subject` holding `granted` (normally AccessPolicy::Grant's answer),
  // valid from `now_unix` for `ttl_seconds`. Never fails: strings that are not UTF-8 are
  // written with U+FFFD replacements.
  std::string Issue(std::string_view subject, const std::vector<Scope>& granted,
                    std::int64_t now_unix, std::int64_t ttl_seconds) const;

  // Checks, in this order: size and shape (three base64url parts without padding), header
  // {"alg":"HS256"} exactly ("none" and every other alg refused; "crit" refused), the
  // signature (constant-time compare), then the claims: iss == issuer, aud == service (a
  // string, or an array containing it), exp required and now < exp + leeway, nbf if present
  // and now >= nbf - leeway, sub and jti strings if present, access well formed. Every
  // failure is kUnauthenticated with a message starting "token: ", e.g. "token: expired at
  // 2024-01-01T00:05:00Z, now 2024-01-01T00:06:01Z (leeway 60 s)"; the token itself is never
  // quoted.
  Result<TokenClaims> Verify(std::string_view token, std::int64_t now_unix) const;

  const std::string& issuer() const { return issuer_; }
  const std::string& service() const { return service_; }

 private:
  TokenIssuer(std::string issuer, std::string service, std::string key)
      : issuer_(std::move(issuer)), service_(std::move(service)), key_(std::move(key)) {}
  std::string Sign(std::string_view signing_input) const;

  std::string issuer_;
  std::string service_;
  std::string key_;
};

// The token endpoint's JSON response body:
// {"access_token":T,"expires_in":N,"issued_at":"2024-01-01T00:00:00Z","token":T}
// ("token" for Docker clients, "access_token" for OAuth 2 ones; keys sorted).
std::string TokenResponseJson(std::string_view token, std::int64_t expires_in,
                              std::int64_t issued_at_unix);


}  // namespace ec::oci::server
