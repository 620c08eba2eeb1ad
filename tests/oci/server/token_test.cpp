#include "oci/server/token.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "json/parse.h"
#include "support/test_support.h"

namespace ec::oci::server {
namespace {

constexpr std::int64_t kNow = 1700000000;  // 2023-11-14T22:13:20Z
const std::string kKey = "0123456789abcdef0123456789abcdef";

TokenIssuer MustCreate(std::string issuer = "export-center", std::string service = "registry.test",
                       std::string key = kKey) {
  auto t = TokenIssuer::Create(std::move(issuer), std::move(service), std::move(key));
  INFO(t.status().message());
  REQUIRE(t.ok());
  return *t;
}

std::string VerifyError(const TokenIssuer& issuer, std::string_view token,
                        std::int64_t now = kNow) {
  auto c = issuer.Verify(token, now);
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().code() == Code::kUnauthenticated);
  return c.status().message();
}

// Test-side JWT encoding, written independently of token.cpp, to forge tokens with chosen
// headers and claims.
std::string B64Url(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

std::string Forge(std::string_view header, std::string_view claims, std::string_view key = kKey) {
  std::string input = StrCat(B64Url(header), ".", B64Url(claims));
  return StrCat(input, ".", B64Url(HmacSha256(key, input)));
}

constexpr std::string_view kHs256 = R"({"alg":"HS256","typ":"JWT"})";

std::string Claims(std::string_view extra) {
  return StrCat(R"({"iss":"export-center","aud":"registry.test","sub":"alice",)", extra, "}");
}

std::vector<std::string> Split(std::string_view token) {
  std::vector<std::string> parts;
  while (true) {
    std::size_t dot = token.find('.');
    parts.emplace_back(token.substr(0, dot));
    if (dot == std::string_view::npos) return parts;
    token.remove_prefix(dot + 1);
  }
}

}  // namespace

TEST_CASE("An issued token verifies and carries subject, access and times", "[oci][server]") {
  TokenIssuer issuer = MustCreate();
  std::vector<Scope> granted = {{"repository", "team/app", {"pull", "push"}},
                                {"registry", "catalog", {"*"}}};
  std::string token = issuer.Issue("alice", granted, kNow, 300);

  auto claims = issuer.Verify(token, kNow);
  REQUIRE_OK(claims);
  CHECK(claims->issuer == "export-center");
  CHECK(claims->audience == "registry.test");
  CHECK(claims->subject == "alice");
  CHECK(claims->access == granted);
  CHECK(claims->issued_at == kNow);
  CHECK(claims->not_before == kNow);
  CHECK(claims->expires_at == kNow + 300);
  CHECK(claims->id.size() == 32);

  CHECK(claims->Permits("team/app", "pull"));
  CHECK(claims->Permits("team/app", "push"));
  CHECK_FALSE(claims->Permits("team/app", "delete"));
  CHECK_FALSE(claims->Permits("team/other", "pull"));
  CHECK_FALSE(claims->Permits("catalog", "*"));
  CHECK(claims->PermitsCatalog());

  // Each token gets its own jti.
  auto again = issuer.Verify(issuer.Issue("alice", granted, kNow, 300), kNow);
  REQUIRE_OK(again);
  CHECK(again->id != claims->id);

  // Anonymous tokens have an empty subject; an empty grant is an empty access list.
  auto anonymous = issuer.Verify(issuer.Issue("", {}, kNow, 60), kNow);
  REQUIRE_OK(anonymous);
  CHECK(anonymous->subject.empty());
  CHECK(anonymous->access.empty());
  CHECK_FALSE(anonymous->PermitsCatalog());
}

TEST_CASE("Issued tokens are compact JWTs with an HS256 header and Docker's claims",
          "[oci][server]") {
  TokenIssuer issuer = MustCreate();
  std::string token = issuer.Issue("alice", {{"repository", "a/b", {"pull"}}}, kNow, 300);
  std::vector<std::string> parts = Split(token);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0] == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");  // {"alg":"HS256","typ":"JWT"}
  CHECK(token.find('=') == std::string::npos);
  CHECK(parts[2].size() == 43);  // 32 bytes, unpadded

  // The signature is plain HMAC-SHA256 over "header.payload" (checked with the test's own HMAC).
  CHECK(parts[2] == B64Url(HmacSha256(kKey, StrCat(parts[0], ".", parts[1]))));
}

TEST_CASE("Verify accepts RFC 7515's HS256 example signature", "[oci][server]") {
  // RFC 7515 appendix A.1: the JWK "k" value, decoded (64 bytes), and the example JWS. Its
  // claims have no "aud", so verification stops there, after the signature passed.
  const std::string hex =
      "0323354b2b0fa5bc837e0665777ba68f5ab328e6f054c928a90f84b2d2502ebfd3fb5a92d20647ef968ab4c377"
      "623d223d2e2172052e4f08c0cd9af567d080a3";
  std::string key;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    key += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  const std::string jws =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
      "fQ."
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  TokenIssuer joe = MustCreate("joe", "registry.test", key);
  CHECK(VerifyError(joe, jws, 1300819380) == "token: no audience; want \"registry.test\"");
  std::string altered = jws;
  altered.back() = 'Y';
  CHECK(VerifyError(joe, altered, 1300819380) ==
        "token: signature does not match (signed with another key, or altered)");
}

TEST_CASE("Tampered tokens and tokens signed with another key are refused", "[oci][server]") {
  TokenIssuer issuer = MustCreate();
  std::string token = issuer.Issue("bob", {{"repository", "team/app", {"pull"}}}, kNow, 300);
  const std::string mismatch =
      "token: signature does not match (signed with another key, or altered)";

  // A payload widened to push, re-encoded and spliced in with the old signature.
  std::vector<std::string> parts = Split(token);
  auto payload = json::Parse(
      std::string_view(Claims(
          R"("exp":1700000300,"access":[{"type":"repository","name":"team/app","actions":["pull","push"]}])")),
      "claims");
  REQUIRE_OK(payload);
  std::string widened = StrCat(parts[0], ".", B64Url(json::Compact(*payload)), ".", parts[2]);
  CHECK(VerifyError(issuer, widened) == mismatch);

  // One flipped character in each part.
  for (std::size_t part = 0; part < 3; ++part) {
    std::vector<std::string> p = parts;
    p[part][5] = p[part][5] == 'A' ? 'B' : 'A';
    std::string altered = StrCat(p[0], ".", p[1], ".", p[2]);
    INFO("part " << part);
    CHECK_FALSE(issuer.Verify(altered, kNow).ok());
  }
  // A truncated signature (40 characters: 30 whole bytes), and one with non-zero unused bits.
  CHECK(VerifyError(issuer, token.substr(0, token.size() - 3)) == mismatch);
  std::string loose = token;
  loose.back() = loose.back() == 'B' ? 'C' : 'B';
  CHECK(VerifyError(issuer, loose) == "token: signature is not base64url");

  TokenIssuer other = MustCreate("export-center", "registry.test", std::string(32, 'k'));
  CHECK(VerifyError(other, token) == mismatch);
  CHECK(VerifyError(issuer, Forge(kHs256, Claims(R"("exp":1700000300)"), std::string(32, 'k'))) ==
        mismatch);
}

TEST_CASE("alg must be exactly HS256: none and others are refused before the signature",
          "[oci][server]") {
  TokenIssuer issuer = MustCreate();
  std::string claims = B64Url(Claims(R"("exp":1700000300)"));
  // The classic alg=none forgery: no signature at all.
  CHECK(VerifyError(issuer, StrCat(B64Url(R"({"alg":"none","typ":"JWT"})"), ".", claims, ".")) ==
        "token: alg \"none\" not accepted; want HS256");
  CHECK(VerifyError(issuer, Forge(R"({"alg":"HS512"})", Claims(R"("exp":1700000300)"))) ==
        "token: alg \"HS512\" not accepted; want HS256");
  CHECK(VerifyError(issuer, Forge(R"({"alg":"hs256"})", Claims(R"("exp":1700000300)"))) ==
        "token: alg \"hs256\" not accepted; want HS256");
  CHECK(VerifyError(issuer, Forge(R"({"typ":"JWT"})", Claims(R"("exp":1700000300)"))) ==
        "token: header has no \"alg\"");
  CHECK(VerifyError(issuer, Forge(R"({"alg":["HS256"]})", Claims(R"("exp":1700000300)"))) ==
        "token: header has no \"alg\"");
  CHECK(VerifyError(issuer,
                    Forge(R"({"alg":"HS256","crit":["exp"]})", Claims(R"("exp":1700000300)"))) ==
        "token: header has \"crit\"; no extension is supported");
  // A correctly forged token passes: the forging helper matches the issuer.
  CHECK(issuer.Verify(Forge(kHs256, Claims(R"("exp":1700000300)")), kNow).ok());
}

TEST_CASE("exp and nbf are enforced with 60 s of leeway", "[oci][server]") {
  TokenIssuer issuer = MustCreate();
  std::string token = issuer.Issue("alice", {}, kNow, 300);
  CHECK(issuer.Verify(token, kNow + 300).ok());
  CHECK(issuer.Verify(token, kNow + 359).ok());
  CHECK(VerifyError(issuer, token, kNow + 360) ==
        "token: expired at 2023-11-14T22:18:20Z, now 2023-11-14T22:19:20Z (leeway 60 s)");
  CHECK(issuer.Verify(token, kNow - 60).ok());
  CHECK(VerifyError(issuer, token, kNow - 61) ==
        "token: not valid before 2023-11-14T22:13:20Z, now 2023-11-14T22:12:19Z (leeway 60 s)");
}

TEST_CASE("Issuer, audience and claim types are checked", "[oci][server]") {
  TokenIssuer issuer = MustCreate();
  std::string token = issuer.Issue("alice", {}, kNow, 300);
  CHECK(VerifyError(MustCreate("someone-else"), token) ==
        "token: wrong issuer: got \"export-center\", want \"someone-else\"");
  CHECK(VerifyError(MustCreate("export-center", "other.service"), token) ==
        "token: wrong audience: got \"registry.test\", want \"other.service\"");

  auto forged = [&](std::string_view claims) { return Forge(kHs256, claims); };
  CHECK(
      issuer
          .Verify(forged(R"({"iss":"export-center","aud":["x","registry.test"],"exp":1700000300})"),
                  kNow)
          .ok());
  CHECK(VerifyError(issuer, forged(R"({"iss":"export-center","aud":["x"],"exp":1700000300})")) ==
        "token: wrong audience: got [\"x\"], want \"registry.test\"");
  CHECK(VerifyError(issuer, forged(R"({"aud":"registry.test","exp":1700000300})")) ==
        "token: wrong issuer: got \"\", want \"export-center\"");
  CHECK(VerifyError(issuer, forged(R"({"iss":7,"aud":"registry.test","exp":1700000300})")) ==
        "token: claim \"iss\" is not a string");
  CHECK(VerifyError(issuer, forged(Claims(R"("nbf":1)"))) == "token: no \"exp\" claim");
  CHECK(VerifyError(issuer, forged(Claims(R"("exp":"1700000300")"))) ==
        "token: claim \"exp\" is not an integer");
  CHECK(VerifyError(issuer, forged(Claims(R"("exp":1.7e9)"))) ==
        "token: claim \"exp\" is not an integer");
  CHECK(VerifyError(issuer, forged(Claims(R"("exp":18446744073709551615)"))) ==
        "token: claim \"exp\" is not an integer");
  CHECK(VerifyError(issuer, forged(Claims(R"("exp":1700000300,"sub":1)"))) ==
        "token: claim \"sub\" is not a string");
  CHECK(VerifyError(issuer, forged(Claims(R"("exp":1700000300,"access":{})"))) ==
        "token: claim \"access\" is not an array");
  CHECK(VerifyError(
            issuer,
            forged(Claims(R"("exp":1700000300,"access":[{"type":"repository","name":"a"}])"))) ==
        "token: access[0]: want {\"type\": string, \"name\": string, \"actions\": [string]}");
  CHECK(
      VerifyError(
          issuer,
          forged(Claims(
              R"("exp":1700000300,"access":[{"type":"repository","name":"a","actions":[1]}])"))) ==
      "token: access[0]: want {\"type\": string, \"name\": string, \"actions\": [string]}");
  CHECK(VerifyError(issuer, forged("[]")) == "token: payload is not a JSON object");
}

TEST_CASE("Malformed tokens are refused with the reason", "[oci][server]") {
  TokenIssuer issuer = MustCreate();
  CHECK(VerifyError(issuer, "") == "token: malformed: want header.payload.signature, got 1 parts");
  CHECK(VerifyError(issuer, "abc") ==
        "token: malformed: want header.payload.signature, got 1 parts");
  CHECK(VerifyError(issuer, "a.b.c.d") ==
        "token: malformed: want header.payload.signature, got 4 parts");
  CHECK(VerifyError(issuer, "a!.b.c") == "token: header is not base64url");
  CHECK(VerifyError(issuer, "eyJhbGciOiJIUzI1NiJ9=.b.c") == "token: header is not base64url");
  CHECK(VerifyError(issuer, StrCat(B64Url("not json"), ".b.c")) ==
        "token: header: not valid JSON: parse error at line 1, column 2: syntax error while "
        "parsing value - invalid literal; last read: 'no'");
  CHECK(VerifyError(issuer, StrCat(B64Url("[1]"), ".b.c")) == "token: header is not a JSON object");
  CHECK(VerifyError(issuer, StrCat(B64Url(kHs256), ".b.c!")) ==
        "token: signature is not base64url");
  CHECK(VerifyError(issuer, std::string(kMaxTokenBytes + 1, 'a')) ==
        "token: longer than 16384 bytes");

  // The payload is read only after the signature matched.
  // "e30" is "{}"; "e31" has non-zero unused bits, so it is not canonical base64url.
  std::string input = StrCat(B64Url(kHs256), ".", "e31");
  CHECK(VerifyError(issuer, StrCat(input, ".", B64Url(HmacSha256(kKey, input)))) ==
        "token: payload is not base64url");
}

TEST_CASE("Create checks the key length and names; RandomKey is long enough", "[oci][server]") {
  auto short_key = TokenIssuer::Create("i", "s", std::string(31, 'k'));
  REQUIRE_FALSE(short_key.ok());
  CHECK(short_key.status().code() == Code::kInvalidArgument);
  CHECK(short_key.status().message() == "token key: got 31 bytes, want at least 32");
  CHECK(TokenIssuer::Create("", "s", kKey).status().message() == "token issuer: empty");
  CHECK(TokenIssuer::Create("i", "", kKey).status().message() == "token service: empty");

  std::string a = TokenIssuer::RandomKey();
  std::string b = TokenIssuer::RandomKey();
  CHECK(a.size() == kMinTokenKeyBytes);
  CHECK(a != b);
  CHECK(TokenIssuer::Create("i", "s", a).ok());
}

TEST_CASE("The token endpoint's response body and RFC 3339 times", "[oci][server]") {
  CHECK(
      TokenResponseJson("abc.def.ghi", 300, kNow) ==
      R"({"access_token":"abc.def.ghi","expires_in":300,"issued_at":"2023-11-14T22:13:20Z","token":"abc.def.ghi"})");
  CHECK(FormatRfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatRfc3339(kNow) == "2023-11-14T22:13:20Z");
  CHECK(FormatRfc3339(253402300799) == "9999-12-31T23:59:59Z");
}

}  // namespace ec::oci::server
