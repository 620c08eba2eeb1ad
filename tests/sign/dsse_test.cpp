#include "sign/dsse.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "json/canonical.h"
#include "oci/base64.h"
#include "support/test_support.h"

namespace ec::sign {
namespace {

constexpr std::string_view kType = "application/vnd.in-toto+json";

PrivateKey MustGenerate(KeyType type) {
  auto key = GeneratePrivateKey(type);
  REQUIRE_OK(key);
  return std::move(key).value();
}

Envelope MustSign(std::string payload, const PrivateKey& key) {
  auto envelope = SignEnvelope(kType, std::move(payload), key);
  REQUIRE_OK(envelope);
  return std::move(envelope).value();
}

std::string ToUrlSafe(std::string text, bool keep_padding) {
  std::replace(text.begin(), text.end(), '+', '-');
  std::replace(text.begin(), text.end(), '/', '_');
  if (!keep_padding) text.erase(text.find_last_not_of('=') + 1);
  return text;
}

std::string ParseError(const json::Json& value) {
  auto r = ParseEnvelope(json::Canonical(value), "envelope e.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  return r.status().message();
}

const KeyType kBothTypes[] = {KeyType::kEd25519, KeyType::kEcdsaP256};

}  // namespace

TEST_CASE("Pae matches the DSSE test vector", "[sign][dsse]") {
  CHECK(Pae("http://example.com/HelloWorld", "hello world") ==
        "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  CHECK(Pae("", "") == "DSSEv1 0  0 ");
  CHECK(Pae("t", std::string("a\0b", 3)) == std::string("DSSEv1 1 t 3 a\0b", 16));
}

TEST_CASE("Signed envelopes verify, also after a JSON round trip", "[sign][dsse]") {
  for (KeyType type : kBothTypes) {
    INFO(KeyTypeName(type));
    PrivateKey key = MustGenerate(type);
    Envelope envelope = MustSign("{\"a\":1}", key);
    REQUIRE(envelope.signatures.size() == 1);
    CHECK(envelope.signatures[0].keyid == key.public_key().Hint());
    REQUIRE_OK(VerifyEnvelope(envelope, key.public_key()));

    const json::Json j = EnvelopeToJson(envelope);
    CHECK(j["payload"] == oci::EncodeBase64("{\"a\":1}"));
    CHECK(j["payloadType"] == kType);
    CHECK(j["signatures"][0]["keyid"] == key.public_key().Hint());
    CHECK(j["signatures"][0]["sig"] == oci::EncodeBase64(envelope.signatures[0].sig_raw));

    auto parsed = ParseEnvelope(json::Canonical(j), "envelope");
    REQUIRE_OK(parsed);
    CHECK(parsed->payload == envelope.payload);
    CHECK(parsed->payload_type == envelope.payload_type);
    CHECK(parsed->signatures[0].sig_raw == envelope.signatures[0].sig_raw);
    REQUIRE_OK(VerifyEnvelope(*parsed, key.public_key()));
  }
}

TEST_CASE("Envelopes are reproducible", "[sign][dsse]") {
  for (KeyType type : kBothTypes) {
    PrivateKey key = MustGenerate(type);
    CHECK(json::Canonical(EnvelopeToJson(MustSign("same", key))) ==
          json::Canonical(EnvelopeToJson(MustSign("same", key))));
  }
}

TEST_CASE("A flipped payload byte or a changed payloadType fails verification", "[sign][dsse]") {
  for (KeyType type : kBothTypes) {
    INFO(KeyTypeName(type));
    PrivateKey key = MustGenerate(type);
    Envelope envelope = MustSign("{\"subject\":[]}", key);

    Envelope tampered = envelope;
    tampered.payload[3] ^= 0x01;
    Status s = VerifyEnvelope(tampered, key.public_key());
    CHECK(s.code() == Code::kDataLoss);
    CHECK(s.message() ==
          StrCat("DSSE envelope (payloadType \"application/vnd.in-toto+json\"): none of its 1 "
                 "signature(s) verifies with key ",
                 key.public_key().Hint()));

    Envelope retyped = envelope;
    retyped.payload_type = "application/json";
    Status t = VerifyEnvelope(retyped, key.public_key());
    CHECK(t.message() ==
          StrCat("DSSE envelope (payloadType \"application/json\"): none of its 1 signature(s) "
                 "verifies with key ",
                 key.public_key().Hint()));
  }
}

TEST_CASE("The wrong key fails and the error points at the keyid", "[sign][dsse]") {
  PrivateKey signer = MustGenerate(KeyType::kEcdsaP256);
  PrivateKey other = MustGenerate(KeyType::kEd25519);
  Envelope envelope = MustSign("x", signer);
  Status s = VerifyEnvelope(envelope, other.public_key());
  CHECK(s.code() == Code::kDataLoss);
  CHECK(s.message() ==
        StrCat("DSSE envelope (payloadType \"application/vnd.in-toto+json\"): none of its 1 "
               "signature(s) verifies with key ",
               other.public_key().Hint(), "; the signatures name keyid(s) \"",
               signer.public_key().Hint(), "\", so they were probably made with another key"));
}

TEST_CASE("One good signature among several is enough", "[sign][dsse]") {
  PrivateKey a = MustGenerate(KeyType::kEd25519);
  PrivateKey b = MustGenerate(KeyType::kEcdsaP256);
  Envelope envelope = MustSign("payload", a);
  Envelope by_b = MustSign("payload", b);
  envelope.signatures.push_back(by_b.signatures[0]);
  REQUIRE_OK(VerifyEnvelope(envelope, a.public_key()));
  REQUIRE_OK(VerifyEnvelope(envelope, b.public_key()));
  envelope.signatures.clear();
  Status none = VerifyEnvelope(envelope, a.public_key());
  CHECK(none.code() == Code::kFailedPrecondition);
  CHECK(none.message() ==
        "DSSE envelope (payloadType \"application/vnd.in-toto+json\") has no signatures");
}

TEST_CASE("ParseEnvelope accepts URL-safe base64, padded or not", "[sign][dsse]") {
  PrivateKey key = MustGenerate(KeyType::kEd25519);
  // 0xfb 0xff encode to "+/8=" in standard base64: both special characters and padding.
  const std::string payload = "\xfb\xff\xfb\xff\xfe";
  Envelope envelope = MustSign(payload, key);
  json::Json j = EnvelopeToJson(envelope);
  const std::string standard = j["payload"];
  REQUIRE(standard.find_first_of("+/") != std::string::npos);
  for (bool padded : {true, false}) {
    INFO("padded " << padded);
    j["payload"] = ToUrlSafe(standard, padded);
    j["signatures"][0]["sig"] =
        ToUrlSafe(oci::EncodeBase64(envelope.signatures[0].sig_raw), padded);
    auto parsed = ParseEnvelope(json::Canonical(j), "envelope");
    REQUIRE_OK(parsed);
    CHECK(parsed->payload == payload);
    REQUIRE_OK(VerifyEnvelope(*parsed, key.public_key()));
  }
  // Mixing the two alphabets is not base64 in either.
  j["payload"] = "-+8=";
  CHECK(ParseError(j) ==
        "envelope e.json: field \"payload\" is not valid base64 (standard or URL-safe)");
}

TEST_CASE("ParseEnvelope names the missing or malformed field", "[sign][dsse]") {
  const json::Json good = {{"payload", "e30="},
                           {"payloadType", kType},
                           {"signatures", {{{"keyid", ""}, {"sig", "AAAA"}}}}};
  REQUIRE_OK(ParseEnvelope(json::Canonical(good), "e"));

  json::Json j = good;
  j.erase("payloadType");
  CHECK(ParseError(j) == "envelope e.json: required field \"payloadType\" is missing");

  j = good;
  j["payload"] = 5;
  CHECK(ParseError(j) == "envelope e.json: field \"payload\": got number, want string");

  j = good;
  j["signatures"] = json::Json::array();
  CHECK(ParseError(j) == "envelope e.json: field \"signatures\" is empty; want at least one");

  j = good;
  j["signatures"][0].erase("sig");
  CHECK(ParseError(j) == "envelope e.json signatures[0]: required field \"sig\" is missing");

  j = good;
  j["signatures"][0]["sig"] = "not base64!";
  CHECK(ParseError(j) ==
        "envelope e.json signatures[0]: field \"sig\" is not valid base64 (standard or URL-safe)");

  j = good;
  j["signatures"] = json::Json::array();
  for (int i = 0; i < 17; ++i) j["signatures"].push_back({{"sig", "AAAA"}});
  CHECK(ParseError(j) == "envelope e.json: got 17 signatures, want at most 16");

  CHECK(ParseError(json::Json::array()) == "envelope e.json: got array, want object");

  // Unknown fields are ignored, as DSSE asks.
  j = good;
  j["extra"] = {{"x", 1}};
  REQUIRE_OK(ParseEnvelope(json::Canonical(j), "e"));
}

TEST_CASE("ParseEnvelope enforces its size limits", "[sign][dsse]") {
  json::Json j = {{"payload", std::string(kMaxPayloadBytes / 3 * 4 + 12, 'A')},
                  {"payloadType", kType},
                  {"signatures", {{{"sig", "AAAA"}}}}};
  CHECK(ParseError(j) == "envelope e.json: field \"payload\" holds more than 16777216 bytes");

  auto big = ParseEnvelope(std::string(kMaxEnvelopeBytes + 1, ' '), "big.json");
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().message() ==
        "big.json: got 25165825 bytes, want at most 25165824 for a DSSE envelope");
}

}  // namespace ec::sign
