#include "sign/keys.h"

#include <botan/data_src.h>
#include <botan/ec_group.h>
#include <botan/ecc_key.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/hex.h>
#include <botan/pem.h>
#include <botan/pk_keys.h>
#include <botan/pkcs8.h>
#include <botan/pubkey.h>
#include <botan/system_rng.h>
#include <botan/x509_key.h>

#include <cctype>
#include <exception>
#include <vector>

#include "oci/base64.h"
#include "oci/digest.h"

namespace ec::sign {
namespace {

const std::uint8_t* Bytes(std::string_view s) {
  return reinterpret_cast<const std::uint8_t*>(s.data());
}

template <typename Container>
std::string ToString(const Container& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// Botan's names for the one padding / encoding pair each key type uses.
std::string Emsa(KeyType type) { return type == KeyType::kEd25519 ? "Pure" : "EMSA1(SHA-256)"; }
Botan::Signature_Format Format(KeyType type) {
  return type == KeyType::kEd25519 ? Botan::IEEE_1363 : Botan::DER_SEQUENCE;
}

Result<KeyType> TypeOf(Botan::Public_Key& key, std::string_view what) {
  const std::string algo = key.algo_name();
  if (algo == "Ed25519") return KeyType::kEd25519;
  std::string name;
  for (char c : algo) {
    name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (auto* ec = dynamic_cast<Botan::EC_PublicKey*>(&key); ec != nullptr && algo == "ECDSA") {
    try {
      const Botan::OID& curve = ec->domain().get_curve_oid();
      if (curve == Botan::OID::from_string("secp256r1")) {
        // Name the curve by OID in encodings: explicit parameters would change the SPKI
        // bytes, hence the hint, and some verifiers refuse them.
        ec->set_parameter_encoding(Botan::EC_DOMPAR_ENC_OID);
        return KeyType::kEcdsaP256;
      }
      name = curve.empty() ? "ecdsa (explicit curve parameters)"
                           : StrCat("ecdsa-", curve.to_formatted_string());
    } catch (const std::exception& e) {
      return InvalidArgument(StrCat(what, ": reading the ECDSA curve: ", e.what()));
    }
  }
  return InvalidArgument(
      StrCat(what, ": key type ", name, " not supported; want ed25519 or ecdsa-p256"));
}

// The label of the first PEM block ("PRIVATE KEY"), or empty when there is none.
std::string PemLabel(std::string_view text) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  const std::size_t begin = text.find(kBegin);
  if (begin == std::string_view::npos) return "";
  const std::size_t start = begin + kBegin.size();
  const std::size_t end = text.find("-----", start);
  if (end == std::string_view::npos) return "";
  return std::string(text.substr(start, end - start));
}

bool IsPrivateLabel(const std::string& label) {
  return label.size() >= 11 && label.compare(label.size() - 11, 11, "PRIVATE KEY") == 0;
}

// The DER inside the first PEM block, which must carry `label`.
Result<std::string> PemBody(std::string_view text, const std::string& label,
                            std::string_view what) {
  try {
    Botan::DataSource_Memory source(Bytes(text), text.size());
    return ToString(Botan::PEM_Code::decode_check_label(source, label));
  } catch (const std::exception& e) {
    return InvalidArgument(StrCat(what, ": malformed PEM \"", label, "\" block: ", e.what()));
  }
}

std::string HintOf(const std::string& spki_der) {
  const std::vector<std::uint8_t> sha256 = Botan::hex_decode(oci::Digest::OfBytes(spki_der).hex());
  return oci::EncodeBase64(ToString(sha256));
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  return type == KeyType::kEd25519 ? "ed25519" : "ecdsa-p256";
}

// ---- PublicKey ----

PublicKey::PublicKey(std::unique_ptr<Botan::Public_Key> key, KeyType type, std::string spki_der)
    : key_(std::move(key)), type_(type), spki_der_(std::move(spki_der)), hint_(HintOf(spki_der_)) {}
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;
PublicKey::~PublicKey() = default;

std::string PublicKey::ToPem() const {
  return Botan::PEM_Code::encode(Bytes(spki_der_), spki_der_.size(), "PUBLIC KEY");
}

Status PublicKey::Verify(std::string_view message, std::string_view signature) const {
  bool valid = false;
  try {
    Botan::PK_Verifier verifier(*key_, Emsa(type_), Format(type_));
    valid =
        verifier.verify_message(Bytes(message), message.size(), Bytes(signature), signature.size());
  } catch (const std::exception&) {
    valid = false;  // a malformed signature is just one that does not verify
  }
  if (valid) return OkStatus();
  return DataLoss(StrCat("signature does not verify with key ", hint_));
}

Result<PublicKey> PublicKey::FromSpki(const std::string& spki_der, std::string_view what) {
  std::unique_ptr<Botan::Public_Key> key;
  try {
    key.reset(Botan::X509::load_key(std::vector<std::uint8_t>(spki_der.begin(), spki_der.end())));
  } catch (const std::exception& e) {
    return InvalidArgument(StrCat(what, ": not a valid SubjectPublicKeyInfo: ", e.what()));
  }
  EC_ASSIGN_OR_RETURN(KeyType type, TypeOf(*key, what));
  // Re-encode so that the DER (and the hint) is the canonical form of the key.
  std::string der;
  try {
    der = ToString(Botan::X509::BER_encode(*key));
  } catch (const std::exception& e) {
    return Internal(StrCat(what, ": encoding the public key: ", e.what()));
  }
  return PublicKey(std::move(key), type, std::move(der));
}

Result<PublicKey> LoadPublicKeyPem(std::string_view text, std::string_view what) {
  const std::string label = PemLabel(text);
  if (label.empty()) {
    return InvalidArgument(StrCat(what, ": no PEM block found; want PEM \"PUBLIC KEY\""));
  }
  if (IsPrivateLabel(label)) {
    return InvalidArgument(StrCat(what, ": holds a private key (PEM \"", label,
                                  "\"); want a public key (PEM \"PUBLIC KEY\"): extract it "
                                  "with `openssl pkey -in KEY -pubout`"));
  }
  if (label == "CERTIFICATE") {
    return InvalidArgument(StrCat(what,
                                  ": holds a certificate; want a bare public key (PEM "
                                  "\"PUBLIC KEY\"): extract it with "
                                  "`openssl x509 -in CERT -pubkey -noout`"));
  }
  if (label != "PUBLIC KEY") {
    return InvalidArgument(
        StrCat(what, ": got PEM \"", label, "\", want PEM \"PUBLIC KEY\" (SubjectPublicKeyInfo)"));
  }
  EC_ASSIGN_OR_RETURN(std::string der, PemBody(text, label, what));
  return PublicKey::FromSpki(der, what);
}

// ---- PrivateKey ----

PrivateKey::PrivateKey(std::unique_ptr<Botan::Private_Key> key, PublicKey public_key)
    : key_(std::move(key)), public_key_(std::move(public_key)) {}
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::~PrivateKey() = default;

std::string PrivateKey::ToPem() const { return Botan::PKCS8::PEM_encode(*key_); }

Result<std::string> PrivateKey::Sign(std::string_view message) const {
  try {
    Botan::System_RNG rng;  // used by Botan for blinding only: both schemes are deterministic
    Botan::PK_Signer signer(*key_, rng, Emsa(type()), Format(type()));
    return ToString(signer.sign_message(Bytes(message), message.size(), rng));
  } catch (const std::exception& e) {
    return Internal(
        StrCat("signing with ", KeyTypeName(type()), " key ", public_key_.Hint(), ": ", e.what()));
  }
}

// The public half comes from the private key's SPKI encoding, so it is exactly what
// LoadPublicKeyPem would give for the exported public key.
Result<PrivateKey> PrivateKey::FromBotan(std::unique_ptr<Botan::Private_Key> key,
                                         std::string_view what) {
  EC_ASSIGN_OR_RETURN(KeyType type, TypeOf(*key, what));
  std::string spki;
  try {
    spki = ToString(Botan::X509::BER_encode(*key));
  } catch (const std::exception& e) {
    return Internal(StrCat(what, ": encoding the public key: ", e.what()));
  }
  EC_ASSIGN_OR_RETURN(PublicKey public_key, PublicKey::FromSpki(spki, what));
  if (public_key.type() != type) {
    return Internal(StrCat(what, ": public key type differs from private key type"));
  }
  return PrivateKey(std::move(key), std::move(public_key));
}

Result<PrivateKey> GeneratePrivateKey(KeyType type) {
  std::unique_ptr<Botan::Private_Key> key;
  try {
    Botan::System_RNG rng;
    if (type == KeyType::kEd25519) {
      key = std::make_unique<Botan::Ed25519_PrivateKey>(rng);
    } else {
      key = std::make_unique<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp256r1"));
    }
  } catch (const std::exception& e) {
    return Internal(StrCat("generating ", KeyTypeName(type), " key: ", e.what()));
  }
  return PrivateKey::FromBotan(std::move(key), StrCat("generated ", KeyTypeName(type), " key"));
}

Result<PrivateKey> LoadPrivateKeyPem(std::string_view text, std::string_view what) {
  const std::string label = PemLabel(text);
  if (label.empty()) {
    return InvalidArgument(StrCat(what, ": no PEM block found; want PEM \"PRIVATE KEY\""));
  }
  if (label == "PUBLIC KEY") {
    return InvalidArgument(StrCat(what,
                                  ": holds a public key; want the private key (PEM "
                                  "\"PRIVATE KEY\")"));
  }
  if (label == "ENCRYPTED PRIVATE KEY") {
    return InvalidArgument(StrCat(what,
                                  ": is encrypted; want an unencrypted PKCS#8 key (PEM "
                                  "\"PRIVATE KEY\"): decrypt it with "
                                  "`openssl pkey -in KEY -out PLAIN.pem`"));
  }
  if (label == "EC PRIVATE KEY" || label == "RSA PRIVATE KEY") {
    return InvalidArgument(
        StrCat(what, ": got PEM \"", label,
               "\", want PKCS#8 (PEM \"PRIVATE "
               "KEY\"): convert it with `openssl pkey -in KEY -out KEY.p8.pem`"));
  }
  if (label != "PRIVATE KEY") {
    return InvalidArgument(StrCat(what, ": got PEM \"", label,
                                  "\", want an unencrypted PKCS#8 key (PEM \"PRIVATE KEY\")"));
  }
  EC_ASSIGN_OR_RETURN(std::string der, PemBody(text, label, what));
  std::unique_ptr<Botan::Private_Key> key;
  try {
    Botan::DataSource_Memory source(Bytes(der), der.size());
    key = Botan::PKCS8::load_key(source);
  } catch (const std::exception& e) {
    return InvalidArgument(StrCat(what, ": not a valid PKCS#8 private key: ", e.what()));
  }
  return PrivateKey::FromBotan(std::move(key), what);
}

}  // namespace ec::sign
