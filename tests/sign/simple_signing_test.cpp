#include "sign/simple_signing.h"

#include <catch2/catch.hpp>

#include "sign/keys.h"
#include "support/test_support.h"

namespace ec::sign {
namespace {

const oci::Digest kManifest = oci::Digest::OfBytes("manifest");

std::string ParseError(std::string_view payload) {
  auto r = ParseSimpleSigningPayload(payload);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  return r.status().message();
}

}  // namespace

TEST_CASE("SimpleSigningPayload is cosign's canonical payload", "[sign][cosign]") {
  CHECK(SimpleSigningPayload("registry.example/app", kManifest) ==
        StrCat("{\"critical\":{\"identity\":{\"docker-reference\":\"registry.example/app\"},"
               "\"image\":{\"docker-manifest-digest\":\"",
               kManifest.str(),
               "\"},\"type\":\"cosign container image signature\"},\"optional\":null}"));
}

TEST_CASE("ParseSimpleSigningPayload returns the manifest digest", "[sign][cosign]") {
  auto digest = ParseSimpleSigningPayload(SimpleSigningPayload("r/a", kManifest));
  REQUIRE_OK(digest);
  CHECK(*digest == kManifest);

  // cosign's own output has "optional" with annotations, and whitespace; both are fine.
  auto with_optional = ParseSimpleSigningPayload(
      StrCat("{ \"critical\": {\"identity\": {\"docker-reference\": \"x\"}, \"image\": "
             "{\"docker-manifest-digest\": \"",
             kManifest.str(),
             "\"}, \"type\": \"cosign container image signature\"}, "
             "\"optional\": {\"env\": \"prod\"} }"));
  REQUIRE_OK(with_optional);
  CHECK(*with_optional == kManifest);
}

TEST_CASE("ParseSimpleSigningPayload names what is wrong", "[sign][cosign]") {
  CHECK(ParseError(R"({"critical":{"type":"other","image":{}}})") ==
        "cosign simple-signing payload critical: field \"type\": got \"other\", want \"cosign "
        "container image signature\"");
  CHECK(ParseError(R"({"critical":{"type":"cosign container image signature","image":{}}})") ==
        "cosign simple-signing payload critical image: required field "
        "\"docker-manifest-digest\" is missing");
  CHECK(ParseError(R"({"critical":{"type":"cosign container image signature",)"
                   R"("image":{"docker-manifest-digest":"sha256:ABC"}}})") ==
        "cosign simple-signing payload critical image: invalid digest \"sha256:ABC\": got 3 "
        "hex characters, want 64");
  CHECK(ParseError(R"({"optional":null})") ==
        "cosign simple-signing payload: required field \"critical\" is missing");
  CHECK(ParseError(std::string(kMaxSimpleSigningBytes + 1, ' ')) ==
        "cosign simple-signing payload: got 65537 bytes, want at most 65536");
}

TEST_CASE("Cosign tags are derived from the digest", "[sign][cosign]") {
  CHECK(CosignSignatureTag(kManifest) == StrCat("sha256-", kManifest.hex(), ".sig"));
  CHECK(CosignAttestationTag(kManifest) == StrCat("sha256-", kManifest.hex(), ".att"));
}

TEST_CASE("A simple-signing payload signs and verifies with a P-256 key", "[sign][cosign]") {
  auto key = GeneratePrivateKey(KeyType::kEcdsaP256);
  REQUIRE_OK(key);
  const std::string payload = SimpleSigningPayload("r/a", kManifest);
  auto sig = key->Sign(payload);
  REQUIRE_OK(sig);
  REQUIRE_OK(key->public_key().Verify(payload, *sig));
  CHECK_FALSE(key->public_key().Verify(SimpleSigningPayload("r/b", kManifest), *sig).ok());
}

}  // namespace ec::sign
