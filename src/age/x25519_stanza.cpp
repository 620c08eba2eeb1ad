#include "age/x25519_stanza.h"

#include <algorithm>

namespace ec::age::internal {
namespace {

constexpr std::string_view kLabel = "age-encryption.org/v1/X25519";
constexpr std::size_t kBodySize = kFileKeySize + kTagSize;
// Each stanza has its own wrap key, so a fixed zero nonce is safe.
constexpr std::array<std::uint8_t, kAeadNonceSize> kZeroNonce{};

// HKDF(ikm = shared, salt = share || recipient, info = label).
Result<Secret> WrapKey(const Secret& shared, const X25519Key& share, const X25519Key& recipient) {
  std::array<std::uint8_t, 64> salt;
  std::copy(share.begin(), share.end(), salt.begin());
  std::copy(recipient.begin(), recipient.end(), salt.begin() + 32);
  return HkdfSha256(shared, salt, kLabel);
}

}  // namespace

Result<Stanza> WrapX25519(const X25519Key& recipient, std::span<const std::uint8_t> file_key) {
  Identity ephemeral;
  EC_RETURN_IF_ERROR(FillRandom(ephemeral.secret));
  const X25519Key share = X25519Base(ephemeral.secret);
  auto shared = X25519(ephemeral.secret, recipient);
  if (!shared.ok()) {
    return shared.status().WithPrefix(StrCat("recipient \"", FormatRecipient(recipient), "\""));
  }
  EC_ASSIGN_OR_RETURN(Secret wrap_key, WrapKey(*shared, share, recipient));
  EC_ASSIGN_OR_RETURN(Aead aead, Aead::Create(wrap_key, Aead::Direction::kSeal));
  Secret body(file_key.begin(), file_key.end());
  EC_RETURN_IF_ERROR(aead.Seal(kZeroNonce, body));
  Stanza stanza;
  stanza.type = std::string(kX25519Type);
  stanza.args.push_back(EncodeB64(std::string_view(reinterpret_cast<const char*>(share.data()),
                                                   share.size())));
  stanza.body.assign(body.begin(), body.end());
  return stanza;
}

Status CheckX25519Stanza(const Stanza& stanza, std::size_t index) {
  const std::string where = StrCat("age header: stanza ", index, " (X25519)");
  if (stanza.args.size() != 1) {
    return DataLoss(StrCat(where, ": got ", stanza.args.size(), " arguments, want 1"));
  }
  std::optional<std::string> share = DecodeB64(stanza.args[0]);
  if (!share || share->size() != 32) {
    return DataLoss(StrCat(where, ": share is not canonical base64 of 32 bytes"));
  }
  if (stanza.body.size() != kBodySize) {
    return DataLoss(
        StrCat(where, ": got a ", stanza.body.size(), "-byte body, want ", kBodySize));
  }
  return OkStatus();
}

Result<std::optional<Secret>> UnwrapX25519(const Stanza& stanza, std::size_t index,
                                           const Identity& identity) {
  X25519Key share;
  const std::string decoded = DecodeB64(stanza.args[0]).value_or(std::string());
  if (decoded.size() != share.size()) return Internal("age: X25519 stanza not checked");
  std::copy(decoded.begin(), decoded.end(), share.begin());
  auto shared = X25519(identity.secret, share);
  if (!shared.ok()) {
    return shared.status().WithPrefix(StrCat("age header: stanza ", index, " (X25519)"));
  }
  EC_ASSIGN_OR_RETURN(Secret wrap_key, WrapKey(*shared, share, identity.public_key));
  EC_ASSIGN_OR_RETURN(Aead aead, Aead::Create(wrap_key, Aead::Direction::kOpen));
  Secret key(stanza.body.begin(), stanza.body.end());
  EC_ASSIGN_OR_RETURN(bool opened, aead.Open(kZeroNonce, key));
  if (!opened) return std::optional<Secret>();
  return std::optional<Secret>(std::move(key));
}

}  // namespace ec::age::internal
