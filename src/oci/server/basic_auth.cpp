#include "oci/server/basic_auth.h"

#include <algorithm>
#include <exception>

#include "oci/base64.h"

namespace ec::oci::server {
namespace {

constexpr std::string_view kWhat = "Authorization header: ";

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits "Scheme credentials" at the first space; credentials lose surrounding spaces.
std::pair<std::string_view, std::string_view> SplitScheme(std::string_view value) {
  value = TrimSpaces(value);
  std::size_t space = value.find(' ');
  if (space == std::string_view::npos) return {value, {}};
  return {value.substr(0, space), TrimSpaces(value.substr(space + 1))};
}

Status AuthError(std::string_view why) { return InvalidArgument(StrCat(kWhat, why)); }


}  // namespace

AuthScheme AuthorizationScheme(std::string_view header_value) {
  auto [scheme, credentials] = SplitScheme(header_value);
  if (scheme.empty()) return AuthScheme::kNone;
  if (EqualsIgnoreCase(scheme, "basic")) return AuthScheme::kBasic;
  if (EqualsIgnoreCase(scheme, "bearer")) return AuthScheme::kBearer;
  return AuthScheme::kOther;
}

Result<BasicCredentials> ParseBasicAuthorization(std::string_view header_value) {
  auto [scheme, payload] = SplitScheme(header_value);
  if (!EqualsIgnoreCase(scheme, "basic")) return AuthError("scheme is not Basic");
  if (payload.empty()) return AuthError("Basic without credentials");
  std::optional<std::string> base64 = oci::DecodeBase64(payload);
  if (!base64) return AuthError("Basic credentials are not base64");
  const std::string& decoded = *base64;
  std::size_t colon = decoded.find(':');
  if (colon == std::string::npos)
    return AuthError("Basic credentials have no ':' between user and password");
  BasicCredentials credentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
  if (credentials.user.empty()) return AuthError("Basic credentials have an empty user");
  if (std::any_of(credentials.user.begin(), credentials.user.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return AuthError("Basic user holds a control character");
  }
  return credentials;
}

Result<std::string> ParseBearerAuthorization(std::string_view header_value) {
  auto [scheme, token] = SplitScheme(header_value);
  if (!EqualsIgnoreCase(scheme, "bearer")) return AuthError("scheme is not Bearer");
  if (token.empty()) return AuthError("Bearer without a token");
  std::size_t body = token.find_last_not_of('=');
  if (body == std::string_view::npos) return AuthError("Bearer token is not a b64token");
  for (char c : token.substr(0, body + 1)) {
    if (!IsAlnum(c) && c != '-' && c != '.' && c != '_' && c != '~' && c != '+' && c != '/') {
      return AuthError("Bearer token is not a b64token");
    }
  }
  return std::string(token);
}

}  // namespace ec::oci::server
