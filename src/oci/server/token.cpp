#include "oci/server/token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <optional>

#include "json/parse.h"
#include "oci/base64.h"

namespace ec::oci::server {
namespace {

using json::Json;

// {"alg":"HS256","typ":"JWT"}, written once: Verify reads any header, Issue always this one.
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::string_view kAlg = "HS256";
constexpr std::size_t kMacBytes = 32;

std::string RandomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::abort();  // no system randomness: signing anything would be unsafe
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

// Dumps without throwing on invalid UTF-8 (json::Compact's strict handler would).
std::string Dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Status Unauthenticated(std::string_view why) {
  return Status(Code::kUnauthenticated, StrCat("token: ", why));
}

// Decodes one base64url part and parses it as a JSON object.
Result<Json> DecodeObject(std::string_view part, std::string_view name) {
  std::optional<std::string> bytes = oci::DecodeBase64Url(part);
  if (!bytes) return Unauthenticated(StrCat(name, " is not base64url"));
  auto doc = json::Parse(*bytes, name);
  if (!doc.ok()) return Unauthenticated(doc.status().message());
  if (!doc->is_object()) return Unauthenticated(StrCat(name, " is not a JSON object"));
  return std::move(doc).value();
}

// An integer claim; nullopt when absent, an error when present but not an int64.
Result<std::optional<std::int64_t>> IntClaim(const Json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::optional<std::int64_t>();
  if (it->is_number_integer() && !it->is_number_unsigned()) {
    return std::optional<std::int64_t>(it->get<std::int64_t>());
  }
  if (it->is_number_unsigned() &&
      it->get<std::uint64_t>() <=
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(it->get<std::uint64_t>()));
  }
  return Unauthenticated(StrCat("claim \"", name, "\" is not an integer"));
}

// A string claim; "" when absent.
Result<std::string> StringClaim(const Json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::string();
  if (!it->is_string()) return Unauthenticated(StrCat("claim \"", name, "\" is not a string"));
  return it->get<std::string>();
}

Result<std::vector<Scope>> AccessClaim(const Json& claims) {
  std::vector<Scope> access;
  auto it = claims.find("access");
  if (it == claims.end()) return access;
  if (!it->is_array()) return Unauthenticated("claim \"access\" is not an array");
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& entry = (*it)[i];
    auto bad = [&] {
      return Unauthenticated(StrCat(
          "access[", i, "]: want {\"type\": string, \"name\": string, \"actions\": [string]}"));
    };
    if (!entry.is_object()) return bad();
    auto type = entry.find("type"), name = entry.find("name"), actions = entry.find("actions");
    if (type == entry.end() || !type->is_string() || name == entry.end() || !name->is_string() ||
        actions == entry.end() || !actions->is_array()) {
      return bad();
    }
    Scope scope{type->get<std::string>(), name->get<std::string>(), {}};
    for (const Json& action : *actions) {
      if (!action.is_string()) return bad();
      scope.actions.push_back(action.get<std::string>());
    }
    access.push_back(std::move(scope));
  }
  return access;
}

Status CheckAudience(const Json& claims, std::string_view service) {
  auto it = claims.find("aud");
  if (it == claims.end()) return Unauthenticated(StrCat("no audience; want \"", service, "\""));
  if (it->is_string()) {
    if (it->get_ref<const std::string&>() == service) return OkStatus();
    return Unauthenticated(StrCat("wrong audience: got \"", it->get_ref<const std::string&>(),
                                  "\", want \"", service, "\""));
  }
  if (it->is_array()) {
    for (const Json& aud : *it) {
      if (aud.is_string() && aud.get_ref<const std::string&>() == service) return OkStatus();
    }
  }
  return Unauthenticated(StrCat("wrong audience: got ", Dump(*it), ", want \"", service, "\""));
}

}  // namespace

bool TokenClaims::Permits(std::string_view repository, std::string_view action) const {
  return std::any_of(access.begin(), access.end(), [&](const Scope& s) {
    return s.type == "repository" && s.name == repository &&
           std::find(s.actions.begin(), s.actions.end(), action) != s.actions.end();
  });
}

bool TokenClaims::PermitsCatalog() const {
  return std::any_of(access.begin(), access.end(), [](const Scope& s) {
    return s.type == "registry" && s.name == "catalog" &&
           std::find(s.actions.begin(), s.actions.end(), "*") != s.actions.end();
  });
}

Result<TokenIssuer> TokenIssuer::Create(std::string issuer, std::string service, std::string key) {
  if (issuer.empty()) return InvalidArgument("token issuer: empty");
  if (service.empty()) return InvalidArgument("token service: empty");
  if (key.size() < kMinTokenKeyBytes) {
    return InvalidArgument(
        StrCat("token key: got ", key.size(), " bytes, want at least ", kMinTokenKeyBytes));
  }
  return TokenIssuer(std::move(issuer), std::move(service), std::move(key));
}

std::string TokenIssuer::RandomKey() { return RandomBytes(kMinTokenKeyBytes); }

std::string TokenIssuer::Sign(std::string_view signing_input) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
           reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
           mac.data(), &len) == nullptr ||
      len != kMacBytes) {
    std::abort();  // only on allocation failure
  }
  return std::string(reinterpret_cast<const char*>(mac.data()), len);
}

std::string TokenIssuer::Issue(std::string_view subject, const std::vector<Scope>& granted,
                               std::int64_t now_unix, std::int64_t ttl_seconds) const {
  Json access = Json::array();
  for (const Scope& scope : granted) {
    access.push_back({{"type", scope.type}, {"name", scope.name}, {"actions", scope.actions}});
  }
  Json claims = {{"iss", issuer_},
                 {"sub", std::string(subject)},
                 {"aud", service_},
                 {"exp", now_unix + ttl_seconds},
                 {"nbf", now_unix},
                 {"iat", now_unix},
                 {"jti", Hex(RandomBytes(16))},
                 {"access", std::move(access)}};
  std::string input = StrCat(oci::EncodeBase64Url(kHeader), ".", oci::EncodeBase64Url(Dump(claims)));
  return StrCat(input, ".", oci::EncodeBase64Url(Sign(input)));
}

Result<TokenClaims> TokenIssuer::Verify(std::string_view token, std::int64_t now_unix) const {
  if (token.size() > kMaxTokenBytes) {
    return Unauthenticated(StrCat("longer than ", kMaxTokenBytes, " bytes"));
  }
  std::size_t dots = static_cast<std::size_t>(std::count(token.begin(), token.end(), '.'));
  if (dots != 2) {
    return Unauthenticated(
        StrCat("malformed: want header.payload.signature, got ", dots + 1, " parts"));
  }
  std::size_t first = token.find('.'), second = token.rfind('.');
  std::string_view header_part = token.substr(0, first);
  std::string_view payload_part = token.substr(first + 1, second - first - 1);
  std::string_view signature_part = token.substr(second + 1);

  EC_ASSIGN_OR_RETURN(Json header, DecodeObject(header_part, "header"));
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) return Unauthenticated("header has no \"alg\"");
  if (alg->get_ref<const std::string&>() != kAlg) {
    return Unauthenticated(
        StrCat("alg \"", alg->get_ref<const std::string&>(), "\" not accepted; want ", kAlg));
  }
  if (header.contains("crit"))
    return Unauthenticated("header has \"crit\"; no extension is supported");

  // The signature covers the parts exactly as received.
  std::optional<std::string> signature = oci::DecodeBase64Url(signature_part);
  if (!signature) return Unauthenticated("signature is not base64url");
  std::string expected = Sign(token.substr(0, second));
  if (signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return Unauthenticated("signature does not match (signed with another key, or altered)");
  }

  EC_ASSIGN_OR_RETURN(Json claims, DecodeObject(payload_part, "payload"));
  TokenClaims out;
  EC_ASSIGN_OR_RETURN(out.issuer, StringClaim(claims, "iss"));
  if (out.issuer != issuer_) {
    return Unauthenticated(
        StrCat("wrong issuer: got \"", out.issuer, "\", want \"", issuer_, "\""));
  }
  EC_RETURN_IF_ERROR(CheckAudience(claims, service_));
  out.audience = service_;
  EC_ASSIGN_OR_RETURN(std::optional<std::int64_t> exp, IntClaim(claims, "exp"));
  if (!exp) return Unauthenticated("no \"exp\" claim");
  EC_ASSIGN_OR_RETURN(std::optional<std::int64_t> nbf, IntClaim(claims, "nbf"));
  EC_ASSIGN_OR_RETURN(std::optional<std::int64_t> iat, IntClaim(claims, "iat"));
  // Compared as now - leeway so that no sum can overflow with an extreme exp.
  if (now_unix - kTokenLeewaySeconds >= *exp) {
    return Unauthenticated(StrCat("expired at ", FormatRfc3339(*exp), ", now ",
                                  FormatRfc3339(now_unix), " (leeway ", kTokenLeewaySeconds,
                                  " s)"));
  }
  if (nbf && now_unix + kTokenLeewaySeconds < *nbf) {
    return Unauthenticated(StrCat("not valid before ", FormatRfc3339(*nbf), ", now ",
                                  FormatRfc3339(now_unix), " (leeway ", kTokenLeewaySeconds,
                                  " s)"));
  }
  out.expires_at = *exp;
  out.not_before = nbf.value_or(0);
  out.issued_at = iat.value_or(0);
  EC_ASSIGN_OR_RETURN(out.subject, StringClaim(claims, "sub"));
  EC_ASSIGN_OR_RETURN(out.id, StringClaim(claims, "jti"));
  EC_ASSIGN_OR_RETURN(out.access, AccessClaim(claims));
  return out;
}

std::string TokenResponseJson(std::string_view token, std::int64_t expires_in,
                              std::int64_t issued_at_unix) {
  Json body = {{"token", std::string(token)},
               {"access_token", std::string(token)},
               {"expires_in", expires_in},
               {"issued_at", FormatRfc3339(issued_at_unix)}};
  return Dump(body);
}


}  // namespace ec::oci::server
