// Builders for the WWW-Authenticate header of a 401 answer: "Basic" in basic mode, "Bearer"
// (pointing clients at the token endpoint) in token mode. Parameter values are quoted strings
// with '"' and '\' escaped (RFC 7230 quoted-pair) and control characters dropped, so a realm
// URL or a repository name cannot break the header.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "oci/server/scope.h"

namespace ec::oci::server {

// Basic realm="<realm>"
std::string BasicChallenge(std::string_view realm);

// Bearer realm="<realm>",service="<service>",scope="repository:team/app:pull,push"
// The scope parameter is left out when `scopes` is empty and joins several with spaces;
// `error` (RFC 6750: "invalid_token", "insufficient_scope") is appended as error="..." when
// non-empty.
std::string BearerChallenge(std::string_view realm, std::string_view service,
                            const std::vector<Scope>& scopes, std::string_view error = {});

}  // namespace ec::oci::server
