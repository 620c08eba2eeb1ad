#include "tuf/key.h"

#include "oci/base64.h"
#include "oci/digest.h"
#include "tuf/canonical_json.h"
#include "tuf/hex.h"

namespace ec::tuf {
namespace {

// An Ed25519 SubjectPublicKeyInfo is this fixed prefix (SEQUENCE, AlgorithmIdentifier with
// OID 1.3.101.112, BIT STRING header) followed by the raw 32-byte key (RFC 8410).
constexpr std::string_view kEd25519SpkiPrefix("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00",
                                              12);
constexpr std::size_t kEd25519KeySize = 32;

constexpr std::string_view kPemHeader = "-----BEGIN PUBLIC KEY-----";

std::string DerToPem(std::string_view der) {
  const std::string b64 = oci::EncodeBase64(der);
  std::string pem = "-----BEGIN PUBLIC KEY-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) {
    pem += b64.substr(i, 64);
    pem += '\n';
  }
  pem += "-----END PUBLIC KEY-----\n";
  return pem;
}

bool IsEcdsaType(std::string_view keytype) {
  return keytype == "ecdsa" || keytype == "ecdsa-sha2-nistp256";
}

// The key as a sign::PublicKey, checking that keytype, scheme and the key material agree.
Result<sign::PublicKey> Load(const Key& key) {
  const std::string what = StrCat(key.keytype, " key");
  if (key.keytype == "ed25519") {
    if (key.scheme != "ed25519") {
      return NotSupported(StrCat(what, ": scheme \"", key.scheme, "\", want \"ed25519\""));
    }
    std::string pem;
    if (key.public_value.starts_with(kPemHeader)) {
      pem = key.public_value;
    } else {
      std::optional<std::string> raw = HexDecode(key.public_value);
      if (!raw || raw->size() != kEd25519KeySize) {
        return InvalidArgument(StrCat(what, ": keyval.public is not 64 hex characters"));
      }
      pem = DerToPem(std::string(kEd25519SpkiPrefix) + *raw);
    }
    EC_ASSIGN_OR_RETURN(sign::PublicKey loaded, sign::LoadPublicKeyPem(pem, what));
    if (loaded.type() != sign::KeyType::kEd25519) {
      return InvalidArgument(
          StrCat(what, ": keyval.public holds a ", sign::KeyTypeName(loaded.type()), " key"));
    }
    return loaded;
  }
  if (IsEcdsaType(key.keytype)) {
    if (key.scheme != "ecdsa-sha2-nistp256") {
      return NotSupported(
          StrCat(what, ": scheme \"", key.scheme, "\", want \"ecdsa-sha2-nistp256\""));
    }
    EC_ASSIGN_OR_RETURN(sign::PublicKey loaded, sign::LoadPublicKeyPem(key.public_value, what));
    if (loaded.type() != sign::KeyType::kEcdsaP256) {
      return InvalidArgument(
          StrCat(what, ": keyval.public holds a ", sign::KeyTypeName(loaded.type()), " key"));
    }
    return loaded;
  }
  return NotSupported(StrCat("key type \"", key.keytype, "\" (scheme \"", key.scheme,
                             "\") not supported; want ed25519 or ecdsa-sha2-nistp256"));
}

}  // namespace

Result<Key> KeyFromPublic(const sign::PublicKey& key) {
  if (key.type() == sign::KeyType::kEd25519) {
    const std::string& der = key.SpkiDer();
    if (der.size() != kEd25519SpkiPrefix.size() + kEd25519KeySize ||
        !der.starts_with(kEd25519SpkiPrefix)) {
      return Internal("ed25519 key: unexpected SubjectPublicKeyInfo encoding");
    }
    return Key{"ed25519", "ed25519",
               HexEncode(std::string_view(der).substr(kEd25519SpkiPrefix.size()))};
  }
  return Key{"ecdsa", "ecdsa-sha2-nistp256", key.ToPem()};
}

json::Json KeyToJson(const Key& key) {
  return json::Json{{"keytype", key.keytype},
                    {"keyval", json::Json{{"public", key.public_value}}},
                    {"scheme", key.scheme}};
}

std::string KeyId(const Key& key) {
  // Strings only: canonicalisation cannot fail.
  Result<std::string> canonical = CanonicalJson(KeyToJson(key), "key");
  return oci::Digest::OfBytes(canonical.ok() ? *canonical : "").hex();
}

Status VerifyWithKey(const Key& key, std::string_view message, std::string_view signature) {
  EC_ASSIGN_OR_RETURN(sign::PublicKey loaded, Load(key));
  return loaded.Verify(message, signature);
}

}  // namespace ec::tuf
