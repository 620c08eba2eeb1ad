#include "age/payload.h"

namespace ec::age::internal {

Result<std::array<std::uint8_t, kMacSize>> HeaderMac(std::span<const std::uint8_t> file_key,
                                                     std::string_view header_for_mac) {
  EC_ASSIGN_OR_RETURN(Secret mac_key, HkdfSha256(file_key, {}, "header"));
  return HmacSha256(mac_key, header_for_mac);
}

Result<Aead> PayloadAead(std::span<const std::uint8_t> file_key,
                         std::span<const std::uint8_t> payload_nonce, Aead::Direction direction) {
  EC_ASSIGN_OR_RETURN(Secret key, HkdfSha256(file_key, payload_nonce, "payload"));
  return Aead::Create(key, direction);
}

std::array<std::uint8_t, kAeadNonceSize> ChunkNonce(std::uint64_t index, bool last) {
  std::array<std::uint8_t, kAeadNonceSize> nonce{};
  // The counter fills bytes 0..10 big-endian; a 64-bit index only reaches bytes 3..10.
  for (std::size_t i = 0; i < 8; ++i) {
    nonce[10 - i] = static_cast<std::uint8_t>(index >> (8 * i));
  }
  nonce[11] = last ? 1 : 0;
  return nonce;
}

}  // namespace ec::age::internal
