// Signing keys for DSSE envelopes, Sigstore bundles and cosign signatures: Ed25519 and ECDSA
// P-256 only, the two types every verifier we target (cosign, sigstore-js, securesystemslib,
// tuf-js) accepts. Keys travel as unencrypted PEM: PKCS#8 "PRIVATE KEY" and
// SubjectPublicKeyInfo "PUBLIC KEY". Both schemes sign deterministically (Ed25519 by design,
// ECDSA through Botan's RFC 6979 nonces), so re-signing the same bytes gives the same
// signature.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "status.h"

namespace Botan {
class Private_Key;
class Public_Key;
}  // namespace Botan

namespace ec::sign {

enum class KeyType { kEd25519, kEcdsaP256 };

// "ed25519" or "ecdsa-p256".
std::string_view KeyTypeName(KeyType type);

class PublicKey {
 public:
  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;
  ~PublicKey();

  KeyType type() const { return type_; }
  // SubjectPublicKeyInfo, DER.
  const std::string& SpkiDer() const { return spki_der_; }
  // SubjectPublicKeyInfo, PEM "PUBLIC KEY".
  std::string ToPem() const;
  // Standard base64 of SHA-256 over the SPKI DER: the key hint cosign writes into Sigstore
  // bundles, and the keyid of our DSSE signatures.
  const std::string& Hint() const { return hint_; }

  // OK when `signature` (raw Ed25519, or DER ECDSA over SHA-256) signs `message`; DataLoss
  // otherwise.
  Status Verify(std::string_view message, std::string_view signature) const;

 private:
  friend class PrivateKey;
  friend Result<PublicKey> LoadPublicKeyPem(std::string_view text, std::string_view what);
  PublicKey(std::unique_ptr<Botan::Public_Key> key, KeyType type, std::string spki_der);
  static Result<PublicKey> FromSpki(const std::string& spki_der, std::string_view what);

  std::unique_ptr<Botan::Public_Key> key_;
  KeyType type_;
  std::string spki_der_;
  std::string hint_;
};

// A private key together with its public half. Movable, not copyable.
class PrivateKey {
 public:
  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  ~PrivateKey();

  KeyType type() const { return public_key_.type(); }
  const PublicKey& public_key() const { return public_key_; }
  // PKCS#8, PEM "PRIVATE KEY", unencrypted: protect the file, not the encoding.
  std::string ToPem() const;

  // Ed25519: the raw 64-byte signature. ECDSA P-256: SHA-256, signature as ASN.1 DER
  // SEQUENCE{r, s} (what cosign, sigstore-js and securesystemslib expect).
  Result<std::string> Sign(std::string_view message) const;

 private:
  friend Result<PrivateKey> GeneratePrivateKey(KeyType type);
  friend Result<PrivateKey> LoadPrivateKeyPem(std::string_view text, std::string_view what);
  PrivateKey(std::unique_ptr<Botan::Private_Key> key, PublicKey public_key);
  static Result<PrivateKey> FromBotan(std::unique_ptr<Botan::Private_Key> key,
                                      std::string_view what);

  std::unique_ptr<Botan::Private_Key> key_;
  PublicKey public_key_;
};

Result<PrivateKey> GeneratePrivateKey(KeyType type);

// `what` names the key in errors ("signing key k.pem"). Other key types (RSA, other curves),
// encrypted keys and PEM blocks of the wrong kind are refused with an error that says what to
// do instead.
Result<PrivateKey> LoadPrivateKeyPem(std::string_view text, std::string_view what);
Result<PublicKey> LoadPublicKeyPem(std::string_view text, std::string_view what);

}  // namespace ec::sign
