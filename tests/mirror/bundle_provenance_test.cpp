// Mirror bundle provenance: what MakeBundleProvenance signs (subjects, parameters,
// dependencies), that the bytes are deterministic, and what VerifyBundleProvenance refuses.
#include "mirror/bundle_provenance.h"

#include <catch2/catch.hpp>

#include "json/canonical.h"
#include "oci/digest.h"
#include "sign/dsse.h"
#include "sign/statement.h"
#include "support/test_support.h"

namespace ec::mirror {
namespace {

const oci::Digest kApp10 = oci::Digest::OfBytes("app 1.0");
const oci::Digest kApp11 = oci::Digest::OfBytes("app 1.1");
const oci::Digest kAppPinned = oci::Digest::OfBytes("app pinned");
const oci::Digest kDb = oci::Digest::OfBytes("db stable");
const oci::Digest kDemo = oci::Digest::OfBytes("demo export");
const oci::Digest kOther = oci::Digest::OfBytes("something else");
const oci::Digest kBase = oci::Digest::OfBytes("base mirror.json");
const oci::Digest kSpec = oci::Digest::OfBytes("spec.yaml");
constexpr std::string_view kPayloadType = "application/vnd.in-toto+json";

BundleManifest Manifest() {
  BundleManifest m;
  m.name = "prod";
  m.generated_at = "2026-01-02T03:04:05Z";
  m.repositories["team/app"] = {"src.example/team/app",
                                {{"1.0", kApp10.str()}, {"1.1", kApp11.str()}},
                                {kAppPinned.str()}};
  m.repositories["team/db"] = {"src.example/team/db", {{"stable", kDb.str()}}, {}};
  m.repositories["exports/demo"] = {"store:evidence/demo:latest", {{"latest", kDemo.str()}}, {}};
  m.contents = {kApp10.str(), kApp11.str(), kAppPinned.str(), kDb.str(), kDemo.str()};
  return m;
}

BundleManifest DeltaManifest() {
  BundleManifest m = Manifest();
  m.base = BundleBase{kBase.str(), "prod-1", {{"team/app", {{"1.0", kApp10.str()}}}}};
  return m;
}

BundleProvenanceInputs Inputs(const BundleManifest& m) {
  return {m, m.Serialize(), kSpec.str(), "prod", "2026-01-02T03:04:05Z", "2026-01-02T03:04:09Z",
          "0.1.0"};
}

sign::PrivateKey MustGenerate(sign::KeyType type) {
  auto key = sign::GeneratePrivateKey(type);
  REQUIRE_OK(key);
  return std::move(key).value();
}

// PublicKey is move-only; a PEM round trip gives an independent copy.
std::vector<sign::PublicKey> PublicKeys(const std::vector<const sign::PrivateKey*>& keys) {
  std::vector<sign::PublicKey> out;
  for (const sign::PrivateKey* key : keys) {
    auto pub = sign::LoadPublicKeyPem(key->public_key().ToPem(), "public key");
    REQUIRE_OK(pub);
    out.push_back(std::move(pub).value());
  }
  return out;
}

std::string MustMake(const BundleManifest& m, const sign::PrivateKey& key) {
  auto envelope = MakeBundleProvenance(Inputs(m), key);
  REQUIRE_OK(envelope);
  return std::move(envelope).value();
}

sign::ParsedStatement StatementOf(const std::string& envelope_bytes) {
  auto envelope = sign::ParseEnvelope(envelope_bytes, "envelope");
  REQUIRE_OK(envelope);
  auto statement = sign::ParseStatement(envelope->payload);
  REQUIRE_OK(statement);
  return std::move(statement).value();
}

// The envelope's payload with `from` (which must occur) replaced by `to`, signed again by
// `key`: a statement the key really signed, but not one MakeBundleProvenance would write.
std::string Resigned(const std::string& envelope_bytes, std::string_view from, std::string_view to,
                     const sign::PrivateKey& key, std::string_view payload_type = kPayloadType) {
  auto envelope = sign::ParseEnvelope(envelope_bytes, "envelope");
  REQUIRE_OK(envelope);
  std::string payload = envelope->payload;
  const std::size_t at = payload.find(from);
  REQUIRE(at != std::string::npos);
  payload.replace(at, from.size(), to);
  auto signed_again = sign::SignEnvelope(payload_type, std::move(payload), key);
  REQUIRE_OK(signed_again);
  return json::Canonical(sign::EnvelopeToJson(*signed_again));
}

Status VerifyStatus(const std::string& envelope_bytes, const std::vector<sign::PublicKey>& keys,
                    const BundleManifest& m) {
  return VerifyBundleProvenance(envelope_bytes, keys, m.Serialize(), m).status();
}

const sign::KeyType kBothTypes[] = {sign::KeyType::kEd25519, sign::KeyType::kEcdsaP256};

}  // namespace

TEST_CASE("Bundle provenance signs mirror.json and every root, and verifies", "[mirror][provenance]") {
  for (sign::KeyType type : kBothTypes) {
    INFO(sign::KeyTypeName(type));
    const sign::PrivateKey key = MustGenerate(type);
    const BundleManifest m = Manifest();
    const std::string envelope = MustMake(m, key);

    auto verified = VerifyBundleProvenance(envelope, PublicKeys({&key}), m.Serialize(), m);
    REQUIRE_OK(verified);
    CHECK(verified->key_ids == std::vector<std::string>{key.public_key().Hint()});
    CHECK(verified->subjects == 6);

    const sign::ParsedStatement statement = StatementOf(envelope);
    CHECK(statement.type == sign::kInTotoStatementV1);
    CHECK(statement.predicate_type == sign::kSlsaProvenanceV1);
    std::vector<std::pair<std::string, std::string>> subjects;
    for (const sign::Subject& s : statement.subjects) subjects.emplace_back(s.name, s.sha256_hex);
    const std::vector<std::pair<std::string, std::string>> want = {
        {"exports/demo:latest", kDemo.hex()},
        {"mirror.json", oci::Digest::OfBytes(m.Serialize()).hex()},
        {"team/app:1.0", kApp10.hex()},
        {"team/app:1.1", kApp11.hex()},
        {StrCat("team/app@", kAppPinned.str()), kAppPinned.hex()},
        {"team/db:stable", kDb.hex()},
    };
    CHECK(subjects == want);

    const json::Json& definition = statement.predicate.at("buildDefinition");
    CHECK(definition.at("buildType").get<std::string>() == kBundleBuildType);
    CHECK(json::Canonical(definition.at("externalParameters")) ==
          StrCat("{\"kind\":\"full\",\"repositories\":{"
                 "\"exports/demo\":{\"source\":\"store:evidence/demo:latest\"},"
                 "\"team/app\":{\"source\":\"src.example/team/app\"},"
                 "\"team/db\":{\"source\":\"src.example/team/db\"}},"
                 "\"spec\":{\"digest\":\"",
                 kSpec.str(), "\",\"name\":\"prod\"}}"));
    CHECK(json::Canonical(definition.at("resolvedDependencies")) ==
          "[{\"name\":\"exports/demo\",\"uri\":\"store:evidence/demo:latest\"},"
          "{\"name\":\"team/app\",\"uri\":\"oci://src.example/team/app\"},"
          "{\"name\":\"team/db\",\"uri\":\"oci://src.example/team/db\"}]");
    CHECK(json::Canonical(statement.predicate.at("runDetails")) ==
          "{\"builder\":{\"id\":\"https://export-center.dev/builder/v1\","
          "\"version\":{\"export-center\":\"0.1.0\"}},"
          "\"metadata\":{\"finishedOn\":\"2026-01-02T03:04:09Z\","
          "\"startedOn\":\"2026-01-02T03:04:05Z\"}}");

    auto parsed = sign::ParseEnvelope(envelope, "envelope");
    REQUIRE_OK(parsed);
    CHECK(parsed->payload_type == kPayloadType);
    REQUIRE(parsed->signatures.size() == 1);
    CHECK(parsed->signatures[0].keyid == key.public_key().Hint());
  }
}

TEST_CASE("Bundle provenance bytes are deterministic", "[mirror][provenance]") {
  const BundleManifest m = Manifest();
  std::vector<std::string> payloads;
  for (sign::KeyType type : kBothTypes) {
    INFO(sign::KeyTypeName(type));
    const sign::PrivateKey key = MustGenerate(type);
    const std::string first = MustMake(m, key);
    CHECK(MustMake(m, key) == first);
    // A copy of the manifest, serialised again, is the same input.
    const BundleManifest copy = Manifest();
    CHECK(MustMake(copy, key) == first);
    auto parsed = sign::ParseEnvelope(first, "envelope");
    REQUIRE_OK(parsed);
    payloads.push_back(parsed->payload);
  }
  // The statement does not depend on the key.
  REQUIRE(payloads.size() == 2);
  CHECK(payloads[0] == payloads[1]);
}

TEST_CASE("Delta bundle provenance names its base", "[mirror][provenance]") {
  const sign::PrivateKey key = MustGenerate(sign::KeyType::kEd25519);
  const BundleManifest m = DeltaManifest();
  const std::string envelope = MustMake(m, key);
  REQUIRE_OK(VerifyBundleProvenance(envelope, PublicKeys({&key}), m.Serialize(), m));

  const sign::ParsedStatement statement = StatementOf(envelope);
  const json::Json& definition = statement.predicate.at("buildDefinition");
  const json::Json& params = definition.at("externalParameters");
  CHECK(params.at("kind") == "delta");
  CHECK(json::Canonical(params.at("base")) ==
        StrCat("{\"manifestDigest\":\"", kBase.str(), "\",\"name\":\"prod-1\"}"));
  const json::Json& deps = definition.at("resolvedDependencies");
  REQUIRE(deps.size() == 4);
  CHECK(json::Canonical(deps.back()) ==
        StrCat("{\"digest\":{\"sha256\":\"", kBase.hex(), "\"},\"name\":\"base mirror.json\"}"));
  // The base's tags are the base's roots, not this bundle's subjects.
  CHECK(statement.subjects.size() == 6);
}

TEST_CASE("Bundle provenance verifies with any one of several keys", "[mirror][provenance]") {
  const sign::PrivateKey ed = MustGenerate(sign::KeyType::kEd25519);
  const sign::PrivateKey p256 = MustGenerate(sign::KeyType::kEcdsaP256);
  const BundleManifest m = Manifest();
  const std::string envelope = MustMake(m, p256);
  auto verified = VerifyBundleProvenance(envelope, PublicKeys({&ed, &p256}), m.Serialize(), m);
  REQUIRE_OK(verified);
  CHECK(verified->key_ids == std::vector<std::string>{p256.public_key().Hint()});
}

TEST_CASE("Bundle provenance signed by another key is refused", "[mirror][provenance]") {
  const sign::PrivateKey key = MustGenerate(sign::KeyType::kEd25519);
  const sign::PrivateKey other = MustGenerate(sign::KeyType::kEd25519);
  const sign::PrivateKey third = MustGenerate(sign::KeyType::kEcdsaP256);
  const BundleManifest m = Manifest();
  const std::string envelope = MustMake(m, key);

  Status one = VerifyStatus(envelope, PublicKeys({&other}), m);
  CHECK(one.code() == Code::kDataLoss);
  CHECK(one.message() ==
        StrCat("provenance.dsse.json: DSSE envelope (payloadType \"application/vnd.in-toto+json\"): "
               "none of its 1 signature(s) verifies with key ",
               other.public_key().Hint(), "; the signatures name keyid(s) \"",
               key.public_key().Hint(), "\", so they were probably made with another key"));

  Status two = VerifyStatus(envelope, PublicKeys({&other, &third}), m);
  CHECK(two.code() == Code::kDataLoss);
  CHECK(two.message() ==
        StrCat("provenance.dsse.json: none of the envelope's 1 signature(s) verifies with any of "
               "the 2 keys \"",
               other.public_key().Hint(), "\", \"", third.public_key().Hint(),
               "\"; its keyids are \"", key.public_key().Hint(), "\""));

  Status none = VerifyStatus(envelope, {}, m);
  CHECK(none.code() == Code::kFailedPrecondition);
  CHECK(none.message() == "provenance.dsse.json: no public keys to verify with");
}

TEST_CASE("Bundle provenance with a tampered payload is refused", "[mirror][provenance]") {
  const sign::PrivateKey key = MustGenerate(sign::KeyType::kEcdsaP256);
  const BundleManifest m = Manifest();
  auto envelope = sign::ParseEnvelope(MustMake(m, key), "envelope");
  REQUIRE_OK(envelope);
  const std::size_t at = envelope->payload.find("\"full\"");
  REQUIRE(at != std::string::npos);
  envelope->payload.replace(at, 6, "\"fuII\"");
  const std::string tampered = json::Canonical(sign::EnvelopeToJson(*envelope));

  Status s = VerifyStatus(tampered, PublicKeys({&key}), m);
  CHECK(s.code() == Code::kDataLoss);
  CHECK(s.message() ==
        StrCat("provenance.dsse.json: DSSE envelope (payloadType \"application/vnd.in-toto+json\"): "
               "none of its 1 signature(s) verifies with key ",
               key.public_key().Hint()));
}

TEST_CASE("Bundle provenance refuses a manifest whose roots differ from its subjects",
          "[mirror][provenance]") {
  const sign::PrivateKey key = MustGenerate(sign::KeyType::kEd25519);
  const std::vector<sign::PublicKey> keys = PublicKeys({&key});
  const std::string envelope = MustMake(Manifest(), key);

  SECTION("a tag with another digest") {
    BundleManifest m = Manifest();
    m.repositories["team/app"].tags["1.0"] = kOther.str();
    Status s = VerifyStatus(envelope, keys, m);
    CHECK(s.code() == Code::kDataLoss);
    CHECK(s.message() == StrCat("provenance.dsse.json: subject \"team/app:1.0\": got sha256 ",
                                kApp10.hex(), ", want ", kOther.hex()));
  }
  SECTION("an extra tag") {
    BundleManifest m = Manifest();
    m.repositories["team/app"].tags["2.0"] = kOther.str();
    CHECK(VerifyStatus(envelope, keys, m).message() ==
          StrCat("provenance.dsse.json: subject \"team/app:2.0\": got none, want sha256 ",
                 kOther.hex()));
  }
  SECTION("an extra digest-only root") {
    BundleManifest m = Manifest();
    m.repositories["team/db"].digests.insert(kOther.str());
    CHECK(VerifyStatus(envelope, keys, m).message() ==
          StrCat("provenance.dsse.json: subject \"team/db@", kOther.str(),
                 "\": got none, want sha256 ", kOther.hex()));
  }
  SECTION("an extra repository") {
    BundleManifest m = Manifest();
    m.repositories["team/cache"] = {"src.example/team/cache", {{"7", kOther.str()}}, {}};
    CHECK(VerifyStatus(envelope, keys, m).message() ==
          StrCat("provenance.dsse.json: subject \"team/cache:7\": got none, want sha256 ",
                 kOther.hex()));
  }
  SECTION("mirror.json bytes that differ, with the same roots") {
    const BundleManifest m = Manifest();
    BundleManifest later = Manifest();
    later.generated_at = "2026-02-01T00:00:00Z";
    Status s = VerifyStatus(envelope, keys, later);
    CHECK(s.code() == Code::kDataLoss);
    CHECK(s.message() == StrCat("provenance.dsse.json: subject \"mirror.json\": got sha256 ",
                                oci::Digest::OfBytes(m.Serialize()).hex(), ", want ",
                                oci::Digest::OfBytes(later.Serialize()).hex()));
    // Bytes that merely differ from what was signed (a trailing newline) too.
    CHECK_FALSE(VerifyBundleProvenance(envelope, keys, m.Serialize() + "\n", m).ok());
  }
  SECTION("fewer roots than subjects is fine: mirror.json pins the rest") {
    BundleManifest m = Manifest();
    m.repositories.erase("team/db");
    // The signed mirror.json still had team/db, so only its digest check can fail.
    auto verified = VerifyBundleProvenance(envelope, keys, Manifest().Serialize(), m);
    REQUIRE_OK(verified);
    CHECK(verified->subjects == 5);
  }
}

TEST_CASE("Bundle provenance refuses other statements the key signed", "[mirror][provenance]") {
  const sign::PrivateKey key = MustGenerate(sign::KeyType::kEd25519);
  const std::vector<sign::PublicKey> keys = PublicKeys({&key});
  const BundleManifest m = Manifest();
  const std::string envelope = MustMake(m, key);

  Status type = VerifyStatus(Resigned(envelope, "{", "{", key, "application/json"), keys, m);
  CHECK(type.code() == Code::kInvalidArgument);
  CHECK(type.message() ==
        "provenance.dsse.json: payloadType: got \"application/json\", want "
        "\"application/vnd.in-toto+json\"");

  CHECK(VerifyStatus(Resigned(envelope, "https://in-toto.io/Statement/v1",
                              "https://in-toto.io/Statement/v0.1", key),
                     keys, m)
            .message() ==
        "provenance.dsse.json: _type: got \"https://in-toto.io/Statement/v0.1\", want "
        "\"https://in-toto.io/Statement/v1\"");

  CHECK(VerifyStatus(Resigned(envelope, "https://slsa.dev/provenance/v1",
                              "https://slsa.dev/provenance/v0.2", key),
                     keys, m)
            .message() ==
        "provenance.dsse.json: predicateType: got \"https://slsa.dev/provenance/v0.2\", want "
        "\"https://slsa.dev/provenance/v1\"");

  CHECK(VerifyStatus(Resigned(envelope, kBundleBuildType,
                              "https://export-center.dev/build/json-raw/v1", key),
                     keys, m)
            .message() ==
        "provenance.dsse.json: predicate.buildDefinition.buildType: got "
        "\"https://export-center.dev/build/json-raw/v1\", want "
        "\"https://export-center.dev/build/mirror/v1\"");

  // One subject name with two digests.
  const std::string mirror_hex = oci::Digest::OfBytes(m.Serialize()).hex();
  sign::Provenance twice;
  twice.subjects = {{"mirror.json", mirror_hex}, {"mirror.json", kOther.hex()}};
  twice.build_type = std::string(kBundleBuildType);
  twice.builder_id = std::string(kBundleBuilderId);
  auto payload = sign::ProvenancePayload(twice);
  REQUIRE_OK(payload);
  auto signed_twice = sign::SignEnvelope(kPayloadType, *payload, key);
  REQUIRE_OK(signed_twice);
  Status dup = VerifyStatus(json::Canonical(sign::EnvelopeToJson(*signed_twice)), keys, m);
  CHECK(dup.code() == Code::kDataLoss);
  CHECK(dup.message() == StrCat("provenance.dsse.json: subject \"mirror.json\" appears twice, "
                                "with sha256 ",
                                mirror_hex, " and ", kOther.hex()));
}

TEST_CASE("Bundle provenance refuses oversized and malformed envelopes", "[mirror][provenance]") {
  const sign::PrivateKey key = MustGenerate(sign::KeyType::kEd25519);
  const std::vector<sign::PublicKey> keys = PublicKeys({&key});
  const BundleManifest m = Manifest();

  const std::string big(kMaxBundleProvenanceBytes + 1, ' ');
  Status s = VerifyStatus(big, keys, m);
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.message() == StrCat("provenance.dsse.json: got ", kMaxBundleProvenanceBytes + 1,
                              " bytes, want at most ", kMaxBundleProvenanceBytes));

  CHECK_THAT(VerifyStatus("{", keys, m).message(),
             Catch::StartsWith("provenance.dsse.json: DSSE envelope: not valid JSON: "));
  CHECK(VerifyStatus("{\"payloadType\":\"x\",\"payload\":\"e30=\",\"signatures\":[]}", keys, m)
            .message() ==
        "provenance.dsse.json: DSSE envelope: field \"signatures\" is empty; want at least one");
}

TEST_CASE("MakeBundleProvenance refuses what it cannot attest", "[mirror][provenance]") {
  const sign::PrivateKey key = MustGenerate(sign::KeyType::kEd25519);

  const oci::Digest sha512 = oci::Digest::OfBytes("wide", oci::DigestAlgorithm::kSha512);
  BundleManifest m = Manifest();
  m.repositories["team/db"].digests.insert(sha512.str());
  auto wide = MakeBundleProvenance(Inputs(m), key);
  REQUIRE_FALSE(wide.ok());
  CHECK(wide.status().code() == Code::kInvalidArgument);
  CHECK(wide.status().message() ==
        StrCat("provenance.dsse.json: mirror.json root \"team/db@", sha512.str(),
               "\": got sha512, want sha256 (in-toto digests here are sha256)"));

  const BundleManifest good = Manifest();
  BundleProvenanceInputs in = Inputs(good);
  in.spec_digest = "sha256:abc";
  auto spec = MakeBundleProvenance(in, key);
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.status().message() ==
        "provenance.dsse.json: spec digest: invalid digest \"sha256:abc\": got 3 hex characters, "
        "want 64");

  BundleProvenanceInputs late = Inputs(good);
  late.started_on = "yesterday";
  auto timestamp = MakeBundleProvenance(late, key);
  REQUIRE_FALSE(timestamp.ok());
  CHECK(timestamp.status().message() ==
        "provenance.dsse.json: provenance startedOn \"yesterday\": want RFC 3339 UTC, like "
        "2026-01-02T03:04:05Z");
}

}  // namespace ec::mirror
