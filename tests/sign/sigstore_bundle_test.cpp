#include "sign/sigstore_bundle.h"

#include <catch2/catch.hpp>

#include "json/canonical.h"
#include "sign/statement.h"
#include "support/test_support.h"

namespace ec::sign {
namespace {

PrivateKey MustGenerate(KeyType type) {
  auto key = GeneratePrivateKey(type);
  REQUIRE_OK(key);
  return std::move(key).value();
}

Envelope MustSign(std::string payload, const PrivateKey& key) {
  auto envelope = SignEnvelope(kInTotoPayloadType, std::move(payload), key);
  REQUIRE_OK(envelope);
  return std::move(envelope).value();
}

json::Json MustBundle(const Envelope& envelope, const PublicKey& key) {
  auto bytes = BundleJson(envelope, key);
  REQUIRE_OK(bytes);
  auto value = json::Parse(*bytes, "bundle");
  REQUIRE_OK(value);
  return *value;
}

std::string ParseError(const json::Json& bundle) {
  auto r = ParseBundle(json::Canonical(bundle), "bundle b.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  return r.status().message();
}

}  // namespace

TEST_CASE("BundleJson writes a canonical v0.3 bundle with the key hint", "[sign][bundle]") {
  PrivateKey key = MustGenerate(KeyType::kEcdsaP256);
  Envelope envelope = MustSign("{}", key);
  auto bytes = BundleJson(envelope, key.public_key());
  REQUIRE_OK(bytes);
  CHECK(*bytes == StrCat("{\"dsseEnvelope\":", json::Canonical(EnvelopeToJson(envelope)),
                         ",\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
                         "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"",
                         key.public_key().Hint(),
                         "\"},\"timestampVerificationData\":{\"rfc3161Timestamps\":[]},"
                         "\"tlogEntries\":[]}}"));
  CHECK(BundleJson(envelope, key.public_key()).value() == *bytes);
}

TEST_CASE("ParseBundle reads back an envelope that verifies", "[sign][bundle]") {
  for (KeyType type : {KeyType::kEd25519, KeyType::kEcdsaP256}) {
    INFO(KeyTypeName(type));
    PrivateKey key = MustGenerate(type);
    Envelope envelope = MustSign("{\"a\":1}", key);
    auto parsed = ParseBundle(BundleJson(envelope, key.public_key()).value(), "bundle");
    REQUIRE_OK(parsed);
    CHECK(parsed->payload == envelope.payload);
    CHECK(parsed->signatures.size() == 1);
    REQUIRE_OK(VerifyEnvelope(*parsed, key.public_key()));
  }
}

TEST_CASE("A tampered bundle parses but does not verify", "[sign][bundle]") {
  PrivateKey key = MustGenerate(KeyType::kEd25519);
  json::Json bundle = MustBundle(MustSign("{\"a\":1}", key), key.public_key());
  bundle["dsseEnvelope"]["payload"] = "eyJhIjoyfQ==";  // {"a":2}
  auto parsed = ParseBundle(json::Canonical(bundle), "bundle");
  REQUIRE_OK(parsed);
  Status s = VerifyEnvelope(*parsed, key.public_key());
  CHECK(s.code() == Code::kDataLoss);
  CHECK(s.message() ==
        StrCat("DSSE envelope (payloadType \"application/vnd.in-toto+json\"): none of its 1 "
               "signature(s) verifies with key ",
               key.public_key().Hint()));
}

TEST_CASE("ParseBundle checks media type, signature count and hint", "[sign][bundle]") {
  PrivateKey key = MustGenerate(KeyType::kEcdsaP256);
  const json::Json good = MustBundle(MustSign("{}", key), key.public_key());

  json::Json b = good;
  b["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.2";
  CHECK(ParseError(b) ==
        "bundle b.json: field \"mediaType\": got \"application/vnd.dev.sigstore.bundle+json;"
        "version=0.2\", want \"application/vnd.dev.sigstore.bundle.v0.3+json\"");

  b = good;
  b["dsseEnvelope"]["signatures"].push_back(b["dsseEnvelope"]["signatures"][0]);
  CHECK(ParseError(b) == "bundle b.json: dsseEnvelope has 2 signatures, want exactly 1");

  b = good;
  b["verificationMaterial"]["publicKey"]["hint"] = "other";
  CHECK(ParseError(b) ==
        StrCat("bundle b.json: signature keyid \"", key.public_key().Hint(),
               "\" differs from verificationMaterial.publicKey.hint \"other\"; want them "
               "identical"));

  b = good;
  b["verificationMaterial"].erase("publicKey");
  b["verificationMaterial"]["certificate"] = {{"rawBytes", "AAAA"}};
  CHECK(ParseError(b) ==
        "bundle b.json verificationMaterial: holds a certificate (a keyless bundle); want "
        "\"publicKey\": only key-signed bundles are supported");

  b = good;
  b.erase("dsseEnvelope");
  b["messageSignature"] = json::Json::object();
  CHECK(ParseError(b) == "bundle b.json: holds a \"messageSignature\"; want \"dsseEnvelope\"");

  b = good;
  b.erase("dsseEnvelope");
  CHECK(ParseError(b) == "bundle b.json: required field \"dsseEnvelope\" is missing");

  b = good;
  b["dsseEnvelope"].erase("payload");
  CHECK(ParseError(b) == "bundle b.json dsseEnvelope: required field \"payload\" is missing");

  // An empty keyid (as some signers write) is fine next to a hint, and so is a missing hint.
  b = good;
  b["dsseEnvelope"]["signatures"][0].erase("keyid");
  REQUIRE_OK(ParseBundle(json::Canonical(b), "bundle"));
  b = good;
  b["verificationMaterial"]["publicKey"].erase("hint");
  REQUIRE_OK(ParseBundle(json::Canonical(b), "bundle"));
}

TEST_CASE("BundleJson refuses envelopes a bundle cannot hold", "[sign][bundle]") {
  PrivateKey key = MustGenerate(KeyType::kEd25519);
  PrivateKey other = MustGenerate(KeyType::kEd25519);
  Envelope two = MustSign("{}", key);
  two.signatures.push_back(two.signatures[0]);
  auto r = BundleJson(two, key.public_key());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "Sigstore bundle: envelope has 2 signatures, want exactly 1");

  auto mismatch = BundleJson(MustSign("{}", key), other.public_key());
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.status().message() ==
        StrCat("Sigstore bundle: signature keyid \"", key.public_key().Hint(),
               "\" differs from the key hint \"", other.public_key().Hint(),
               "\"; a bundle needs them identical"));
}

}  // namespace ec::sign
