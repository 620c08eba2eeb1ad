#include "sign/statement.h"

#include <catch2/catch.hpp>

#include "json/canonical.h"
#include "oci/digest.h"
#include "sign/dsse.h"
#include "support/test_support.h"

namespace ec::sign {
namespace {

const std::string kTarSha = oci::Digest::OfBytes("mirror tar").hex();
const std::string kDepSha = oci::Digest::OfBytes("source image").hex();

Provenance Sample() {
  Provenance p;
  p.subjects = {{"mirror-2026.tar", kTarSha}};
  p.build_type = "https://example.com/oci-mirror/export/v1";
  p.builder_id = "https://example.com/export-center";
  p.external_parameters = {{"sources", {"registry.example/app:1.0"}},
                           {"platforms", {"linux/amd64"}}};
  p.resolved_dependencies = {{"oci://registry.example/app", "app", kDepSha}};
  p.invocation_id = "run-42";
  p.started_on = "2026-01-02T03:04:05Z";
  p.finished_on = "2026-01-02T03:04:09.5Z";
  p.builder_version = {{"export-center", "0.3.0"}};
  return p;
}

std::string StatementError(const Provenance& p) {
  auto r = ProvenanceStatement(p);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  return r.status().message();
}

std::string ParseError(std::string_view payload) {
  auto r = ParseStatement(payload);
  REQUIRE_FALSE(r.ok());
  return r.status().message();
}

}  // namespace

TEST_CASE("ProvenancePayload is the canonical in-toto statement", "[sign][statement]") {
  auto payload = ProvenancePayload(Sample());
  REQUIRE_OK(payload);
  CHECK(*payload ==
        StrCat("{\"_type\":\"https://in-toto.io/Statement/v1\","
               "\"predicate\":{\"buildDefinition\":{"
               "\"buildType\":\"https://example.com/oci-mirror/export/v1\","
               "\"externalParameters\":{\"platforms\":[\"linux/amd64\"],"
               "\"sources\":[\"registry.example/app:1.0\"]},"
               "\"resolvedDependencies\":[{\"digest\":{\"sha256\":\"",
               kDepSha,
               "\"},\"name\":\"app\",\"uri\":\"oci://registry.example/app\"}]},"
               "\"runDetails\":{\"builder\":{\"id\":\"https://example.com/export-center\","
               "\"version\":{\"export-center\":\"0.3.0\"}},"
               "\"metadata\":{\"finishedOn\":\"2026-01-02T03:04:09.5Z\","
               "\"invocationId\":\"run-42\",\"startedOn\":\"2026-01-02T03:04:05Z\"}}},"
               "\"predicateType\":\"https://slsa.dev/provenance/v1\","
               "\"subject\":[{\"digest\":{\"sha256\":\"",
               kTarSha, "\"},\"name\":\"mirror-2026.tar\"}]}"));
  CHECK(ProvenancePayload(Sample()).value() == *payload);
}

TEST_CASE("ProvenanceStatement leaves out empty optional fields", "[sign][statement]") {
  Provenance p;
  p.subjects = {{"", kTarSha}};
  p.build_type = "https://example.com/bt";
  p.builder_id = "https://example.com/b";
  p.external_parameters = nullptr;
  auto statement = ProvenanceStatement(p);
  REQUIRE_OK(statement);
  CHECK(json::Canonical((*statement)["predicate"]) ==
        "{\"buildDefinition\":{\"buildType\":\"https://example.com/bt\",\"externalParameters\":{}},"
        "\"runDetails\":{\"builder\":{\"id\":\"https://example.com/b\"}}}");
  CHECK(json::Canonical((*statement)["subject"]) ==
        StrCat("[{\"digest\":{\"sha256\":\"", kTarSha, "\"}}]"));
}

TEST_CASE("ProvenanceStatement refuses what verifiers would reject", "[sign][statement]") {
  Provenance p = Sample();
  p.subjects.clear();
  CHECK(StatementError(p) == "provenance: no subjects; want at least one");

  p = Sample();
  p.subjects[0].sha256_hex = "ABCDEF";
  CHECK(StatementError(p) ==
        "provenance subject[0]: sha256 \"ABCDEF\": got 6 characters, want 64 lower-case hex");

  p = Sample();
  p.builder_id.clear();
  CHECK(StatementError(p) == "provenance: builder id is empty");

  p = Sample();
  p.started_on = "2026-01-02 03:04:05";
  CHECK(StatementError(p) ==
        "provenance startedOn \"2026-01-02 03:04:05\": want RFC 3339 UTC, like "
        "2026-01-02T03:04:05Z");

  p = Sample();
  p.resolved_dependencies = {{"", "orphan", ""}};
  CHECK(StatementError(p) ==
        "provenance resolvedDependencies[0] (name \"orphan\"): want a uri or a digest");

  p = Sample();
  p.external_parameters = json::Json::array();
  CHECK(StatementError(p) == "provenance externalParameters: got array, want object");

  p = Sample();
  p.subjects[0].name = "bad\xff";
  auto payload = ProvenancePayload(p);
  REQUIRE_FALSE(payload.ok());
  CHECK(payload.status().message() ==
        "provenance statement: canonical JSON: string at /subject/0/name is not valid UTF-8");
}

TEST_CASE("ParseStatement reads back subjects and the predicate type", "[sign][statement]") {
  auto parsed = ParseStatement(ProvenancePayload(Sample()).value());
  REQUIRE_OK(parsed);
  CHECK(parsed->type == kInTotoStatementV1);
  CHECK(parsed->predicate_type == kSlsaProvenanceV1);
  REQUIRE(parsed->subjects.size() == 1);
  CHECK(parsed->subjects[0].name == "mirror-2026.tar");
  CHECK(parsed->subjects[0].sha256_hex == kTarSha);
  CHECK(parsed->predicate["runDetails"]["metadata"]["invocationId"] == "run-42");
  REQUIRE_OK(CheckSubject(*parsed, kTarSha));

  Status miss = CheckSubject(*parsed, kDepSha);
  CHECK(miss.code() == Code::kDataLoss);
  CHECK(miss.message() == StrCat("in-toto statement (predicateType "
                                 "\"https://slsa.dev/provenance/v1\") has no subject with sha256 ",
                                 kDepSha, " among its 1 subject(s)"));
  CHECK_FALSE(CheckSubject(*parsed, "").ok());
}

TEST_CASE("ParseStatement accepts v0.1 and subjects without sha256", "[sign][statement]") {
  auto parsed = ParseStatement(
      R"({"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://x/y",)"
      R"("subject":[{"digest":{"sha512":"00"}}]})");
  REQUIRE_OK(parsed);
  CHECK(parsed->subjects[0].sha256_hex.empty());
  CHECK(parsed->predicate.is_null());
  CHECK_FALSE(CheckSubject(*parsed, "").ok());
}

TEST_CASE("ParseStatement names what is wrong", "[sign][statement]") {
  CHECK(ParseError(
            R"({"_type":"https://in-toto.io/Statement/v2","predicateType":"p","subject":[]})") ==
        "in-toto statement: field \"_type\": got \"https://in-toto.io/Statement/v2\", want "
        "\"https://in-toto.io/Statement/v1\"");
  CHECK(ParseError(R"({"_type":"https://in-toto.io/Statement/v1","subject":[]})") ==
        "in-toto statement: required field \"predicateType\" is missing");
  CHECK(ParseError(
            R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"p","subject":[]})") ==
        "in-toto statement: field \"subject\" is empty; want at least one");
  CHECK(ParseError(R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"p",)"
                   R"("subject":[{"name":"a"}]})") ==
        "in-toto statement subject[0]: required field \"digest\" is missing");
  CHECK(ParseError(R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"p",)"
                   R"("subject":[{"digest":{"sha256":"XY"}}]})") ==
        "in-toto statement subject[0] digest: sha256 \"XY\": got 2 characters, want 64 "
        "lower-case hex");
  CHECK_THAT(ParseError("{"), Catch::StartsWith("in-toto statement: not valid JSON: "));
}

TEST_CASE("A provenance statement signs, verifies and parses end to end", "[sign][statement]") {
  for (KeyType type : {KeyType::kEd25519, KeyType::kEcdsaP256}) {
    auto key = GeneratePrivateKey(type);
    REQUIRE_OK(key);
    auto envelope = SignEnvelope(kInTotoPayloadType, ProvenancePayload(Sample()).value(), *key);
    REQUIRE_OK(envelope);
    auto parsed_envelope = ParseEnvelope(json::Canonical(EnvelopeToJson(*envelope)), "att");
    REQUIRE_OK(parsed_envelope);
    REQUIRE_OK(VerifyEnvelope(*parsed_envelope, key->public_key()));
    auto statement = ParseStatement(parsed_envelope->payload);
    REQUIRE_OK(statement);
    REQUIRE_OK(CheckSubject(*statement, kTarSha));
  }
}

}  // namespace ec::sign
