// Keys and nonces of the age payload: the header MAC key, the payload key, and the
// per-chunk nonce (11-byte big-endian counter || last-chunk flag). Internal to src/age.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "age/primitives.h"
#include "status.h"

namespace ec::age::internal {

inline constexpr std::size_t kChunkSize = 64 * 1024;
inline constexpr std::size_t kSealedChunkSize = kChunkSize + kTagSize;
inline constexpr std::size_t kPayloadNonceSize = 16;

// HMAC-SHA256 under HKDF(file key, salt "", info "header") over the header through "---".
Result<std::array<std::uint8_t, kMacSize>> HeaderMac(std::span<const std::uint8_t> file_key,
                                                     std::string_view header_for_mac);
// ChaCha20-Poly1305 under HKDF(file key, salt = payload nonce, info "payload").
Result<Aead> PayloadAead(std::span<const std::uint8_t> file_key,
                         std::span<const std::uint8_t> payload_nonce, Aead::Direction direction);
std::array<std::uint8_t, kAeadNonceSize> ChunkNonce(std::uint64_t index, bool last);

}  // namespace ec::age::internal
