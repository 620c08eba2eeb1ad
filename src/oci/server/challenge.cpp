#include "oci/server/challenge.h"

namespace ec::oci::server {
namespace {

std::string Quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    // A quoted-string cannot hold control characters; dropping them also keeps a CR or LF
    // from splitting the header.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::string BasicChallenge(std::string_view realm) { return "Basic realm=" + Quoted(realm); }

std::string BearerChallenge(std::string_view realm, std::string_view service,
                            const std::vector<Scope>& scopes, std::string_view error) {
  std::string out = "Bearer realm=" + Quoted(realm) + ",service=" + Quoted(service);
  if (!scopes.empty()) out += ",scope=" + Quoted(FormatScopes(scopes));
  if (!error.empty()) out += ",error=" + Quoted(error);
  return out;
}

}  // namespace ec::oci::server
