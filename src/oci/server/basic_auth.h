// Parsers for the value of an HTTP Authorization request header: "Basic base64(user:password)"
// (RFC 7617) and "Bearer <token>" (RFC 6750). Pure functions; no I/O. Error messages never
// quote the credentials.
#pragma once

#include <string>
#include <string_view>

#include "status.h"

namespace ec::oci::server {

enum class AuthScheme { kNone, kBasic, kBearer, kOther };

// Which scheme an Authorization value uses (scheme names are case-insensitive): kNone for an
// empty or all-blank value, kOther for any scheme but Basic and Bearer.
AuthScheme AuthorizationScheme(std::string_view header_value);

struct BasicCredentials {
  std::string user;
  std::string password;
};

// Parses "Basic <base64>" (scheme case-insensitive, one or more spaces before the credentials,
// trailing spaces ignored). The payload is standard base64 (RFC 4648 section 4; padding may be
// omitted, nothing else is tolerated: no whitespace inside, no URL-safe alphabet). The decoded
// text is split at its first ':' (RFC 7617: the user cannot contain ':'); the user must be
// non-empty and free of control characters; the password may be empty and hold anything.
// Errors are InvalidArgument: "Authorization header: why".
Result<BasicCredentials> ParseBasicAuthorization(std::string_view header_value);

// Parses "Bearer <token>" and returns the token: RFC 6750's b64token characters
// ([A-Za-z0-9-._~+/]+ followed by any '='), which a JWT satisfies. Errors as above.
Result<std::string> ParseBearerAuthorization(std::string_view header_value);

}  // namespace ec::oci::server
