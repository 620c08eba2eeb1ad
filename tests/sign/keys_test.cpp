#include "sign/keys.h"

#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/pkcs8.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>
#include <botan/x509_key.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "support/test_support.h"

namespace ec::sign {
namespace {

namespace fs = std::filesystem;
using ::ec::testing::ReadFile;
using ::ec::testing::TempDir;
using ::ec::testing::WriteFile;

// The OpenSSL CLI is the second, independent implementation these tests check against.
int Run(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Quote(const fs::path& path) { return "'" + path.string() + "'"; }

// Exit status of OpenSSL's verification of `sig` over `message` with `key`.
int OpensslVerify(const PublicKey& key, std::string_view message, std::string_view sig) {
  TempDir dir;
  const fs::path pem = dir / "pub.pem";
  const fs::path msg = dir / "msg.bin";
  const fs::path sig_file = dir / "sig.bin";
  WriteFile(pem, key.ToPem());
  WriteFile(msg, message);
  WriteFile(sig_file, sig);
  if (key.type() == KeyType::kEd25519) {
    return Run(StrCat("openssl pkeyutl -verify -pubin -inkey ", Quote(pem), " -rawin -in ",
                      Quote(msg), " -sigfile ", Quote(sig_file)));
  }
  return Run(StrCat("openssl dgst -sha256 -verify ", Quote(pem), " -signature ", Quote(sig_file),
                    " ", Quote(msg)));
}

PrivateKey MustGenerate(KeyType type) {
  auto key = GeneratePrivateKey(type);
  REQUIRE_OK(key);
  return std::move(key).value();
}

const KeyType kBothTypes[] = {KeyType::kEd25519, KeyType::kEcdsaP256};

}  // namespace

TEST_CASE("Generated keys sign and verify; signatures have the expected encoding", "[sign][keys]") {
  for (KeyType type : kBothTypes) {
    INFO(KeyTypeName(type));
    PrivateKey key = MustGenerate(type);
    CHECK(key.type() == type);
    auto sig = key.Sign("hello");
    REQUIRE_OK(sig);
    if (type == KeyType::kEd25519) {
      CHECK(sig->size() == 64);
      CHECK(key.public_key().SpkiDer().size() == 44);
    } else {
      CHECK(static_cast<unsigned char>((*sig)[0]) == 0x30);  // DER SEQUENCE{r, s}
      CHECK(sig->size() <= 72);
      CHECK(key.public_key().SpkiDer().size() == 91);  // named curve, uncompressed point
    }
    REQUIRE_OK(key.public_key().Verify("hello", *sig));
  }
}

TEST_CASE("Signatures are deterministic for both key types", "[sign][keys]") {
  for (KeyType type : kBothTypes) {
    INFO(KeyTypeName(type));
    PrivateKey key = MustGenerate(type);
    auto first = key.Sign("same bytes");
    auto second = key.Sign("same bytes");
    REQUIRE_OK(first);
    REQUIRE_OK(second);
    CHECK(*first == *second);
    auto other = key.Sign("other bytes");
    REQUIRE_OK(other);
    CHECK(*other != *first);
  }
}

TEST_CASE("Verify rejects a tampered message, a wrong key and a malformed signature",
          "[sign][keys]") {
  for (KeyType type : kBothTypes) {
    INFO(KeyTypeName(type));
    PrivateKey key = MustGenerate(type);
    PrivateKey other = MustGenerate(type);
    auto sig = key.Sign("message");
    REQUIRE_OK(sig);
    const std::string want = StrCat("signature does not verify with key ", key.public_key().Hint());

    Status tampered = key.public_key().Verify("messagf", *sig);
    CHECK(tampered.code() == Code::kDataLoss);
    CHECK(tampered.message() == want);

    Status wrong = other.public_key().Verify("message", *sig);
    CHECK(wrong.code() == Code::kDataLoss);
    CHECK(wrong.message() ==
          StrCat("signature does not verify with key ", other.public_key().Hint()));

    CHECK(key.public_key().Verify("message", "").message() == want);
    CHECK(key.public_key().Verify("message", std::string(200, '\x30')).message() == want);
    std::string flipped = *sig;
    flipped[flipped.size() / 2] ^= 0x01;
    CHECK(key.public_key().Verify("message", flipped).message() == want);
  }
}

TEST_CASE("PEM round trip keeps the key", "[sign][keys]") {
  for (KeyType type : kBothTypes) {
    INFO(KeyTypeName(type));
    PrivateKey key = MustGenerate(type);
    const std::string private_pem = key.ToPem();
    const std::string public_pem = key.public_key().ToPem();
    CHECK_THAT(private_pem, Catch::StartsWith("-----BEGIN PRIVATE KEY-----\n"));
    CHECK_THAT(public_pem, Catch::StartsWith("-----BEGIN PUBLIC KEY-----\n"));

    auto reloaded = LoadPrivateKeyPem(private_pem, "k.pem");
    REQUIRE_OK(reloaded);
    CHECK(reloaded->type() == type);
    CHECK(reloaded->public_key().Hint() == key.public_key().Hint());
    CHECK(reloaded->ToPem() == private_pem);
    // Deterministic signing: the reloaded key gives the very same signature.
    CHECK(reloaded->Sign("x").value() == key.Sign("x").value());

    auto pub = LoadPublicKeyPem(public_pem, "k.pub");
    REQUIRE_OK(pub);
    CHECK(pub->type() == type);
    CHECK(pub->Hint() == key.public_key().Hint());
    CHECK(pub->SpkiDer() == key.public_key().SpkiDer());
    CHECK(pub->ToPem() == public_pem);
    REQUIRE_OK(pub->Verify("x", key.Sign("x").value()));
  }
}

TEST_CASE("Loading refuses PEM blocks of the wrong kind with an actionable error", "[sign][keys]") {
  PrivateKey key = MustGenerate(KeyType::kEd25519);

  auto pub_from_private = LoadPublicKeyPem(key.ToPem(), "cosign.pub");
  REQUIRE_FALSE(pub_from_private.ok());
  CHECK(pub_from_private.status().code() == Code::kInvalidArgument);
  CHECK(pub_from_private.status().message() ==
        "cosign.pub: holds a private key (PEM \"PRIVATE KEY\"); want a public key (PEM "
        "\"PUBLIC KEY\"): extract it with `openssl pkey -in KEY -pubout`");

  auto private_from_public = LoadPrivateKeyPem(key.public_key().ToPem(), "k.pem");
  REQUIRE_FALSE(private_from_public.ok());
  CHECK(private_from_public.status().message() ==
        "k.pem: holds a public key; want the private key (PEM \"PRIVATE KEY\")");

  auto none = LoadPublicKeyPem("not a key", "k.pub");
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message() == "k.pub: no PEM block found; want PEM \"PUBLIC KEY\"");

  auto encrypted = LoadPrivateKeyPem(
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
      "k.pem");
  REQUIRE_FALSE(encrypted.ok());
  CHECK(encrypted.status().message() ==
        "k.pem: is encrypted; want an unencrypted PKCS#8 key (PEM \"PRIVATE KEY\"): decrypt it "
        "with `openssl pkey -in KEY -out PLAIN.pem`");

  auto sec1 = LoadPrivateKeyPem(
      "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", "k.pem");
  REQUIRE_FALSE(sec1.ok());
  CHECK(sec1.status().message() ==
        "k.pem: got PEM \"EC PRIVATE KEY\", want PKCS#8 (PEM \"PRIVATE KEY\"): convert it with "
        "`openssl pkey -in KEY -out KEY.p8.pem`");

  auto garbage =
      LoadPublicKeyPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "k.pub");
  REQUIRE_FALSE(garbage.ok());
  CHECK_THAT(garbage.status().message(),
             Catch::StartsWith("k.pub: not a valid SubjectPublicKeyInfo: "));
}

TEST_CASE("Other key types are refused", "[sign][keys]") {
  Botan::System_RNG rng;
  Botan::ECDSA_PrivateKey p384(rng, Botan::EC_Group("secp384r1"));
  auto pub384 = LoadPublicKeyPem(Botan::X509::PEM_encode(p384), "p384.pub");
  REQUIRE_FALSE(pub384.ok());
  CHECK(pub384.status().message() ==
        "p384.pub: key type ecdsa-secp384r1 not supported; want ed25519 or ecdsa-p256");
  auto priv384 = LoadPrivateKeyPem(Botan::PKCS8::PEM_encode(p384), "p384.pem");
  REQUIRE_FALSE(priv384.ok());
  CHECK(priv384.status().message() ==
        "p384.pem: key type ecdsa-secp384r1 not supported; want ed25519 or ecdsa-p256");

  Botan::RSA_PrivateKey rsa(rng, 1024);
  auto rsa_pub = LoadPublicKeyPem(Botan::X509::PEM_encode(rsa), "rsa.pub");
  REQUIRE_FALSE(rsa_pub.ok());
  CHECK(rsa_pub.status().message() ==
        "rsa.pub: key type rsa not supported; want ed25519 or ecdsa-p256");
}

TEST_CASE("OpenSSL verifies our signatures and computes the same key hint", "[sign][keys]") {
  for (KeyType type : kBothTypes) {
    INFO(KeyTypeName(type));
    PrivateKey key = MustGenerate(type);
    const std::string message = "payload bytes \x00\xff signed by Export Center";
    auto sig = key.Sign(message);
    REQUIRE_OK(sig);
    CHECK(OpensslVerify(key.public_key(), message, *sig) == 0);
    CHECK(OpensslVerify(key.public_key(), message + "!", *sig) != 0);

    TempDir dir;
    const fs::path pem = dir / "pub.pem";
    WriteFile(pem, key.public_key().ToPem());
    REQUIRE(Run(StrCat("openssl pkey -pubin -in ", Quote(pem),
                       " -outform DER | openssl dgst "
                       "-sha256 -binary | openssl base64 -A -out ",
                       Quote(dir / "hint"))) == 0);
    CHECK(ReadFile(dir / "hint") == key.public_key().Hint());
  }
}

TEST_CASE("Keys generated by OpenSSL load, sign and verify", "[sign][keys]") {
  struct Case {
    KeyType type;
    const char* genpkey_args;
  };
  const Case cases[] = {{KeyType::kEd25519, "-algorithm ed25519"},
                        {KeyType::kEcdsaP256, "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"}};
  for (const Case& c : cases) {
    INFO(KeyTypeName(c.type));
    TempDir dir;
    REQUIRE(Run(StrCat("openssl genpkey ", c.genpkey_args, " -out ", Quote(dir / "k.pem"))) == 0);
    REQUIRE(Run(StrCat("openssl pkey -in ", Quote(dir / "k.pem"), " -pubout -out ",
                       Quote(dir / "k.pub"))) == 0);
    auto key = LoadPrivateKeyPem(ReadFile(dir / "k.pem"), "k.pem");
    REQUIRE_OK(key);
    CHECK(key->type() == c.type);
    auto pub = LoadPublicKeyPem(ReadFile(dir / "k.pub"), "k.pub");
    REQUIRE_OK(pub);
    CHECK(pub->Hint() == key->public_key().Hint());
    auto sig = key->Sign("from openssl");
    REQUIRE_OK(sig);
    REQUIRE_OK(pub->Verify("from openssl", *sig));
    CHECK(OpensslVerify(*pub, "from openssl", *sig) == 0);
  }
}

}  // namespace ec::sign
