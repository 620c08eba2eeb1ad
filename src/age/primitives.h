// The age primitives over Botan 2 (X25519, HKDF-SHA256, HMAC-SHA256, ChaCha20-Poly1305, the
// system RNG), each wrapped so that Botan's exceptions become Status. Internal to src/age.
#pragma once

#include <botan/secmem.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "age/bech32.h"
#include "status.h"

namespace Botan {
class AEAD_Mode;
}  // namespace Botan

namespace ec::age::internal {

// Secrets live in Botan's secure_vector, which wipes its memory when freed.
using Secret = Botan::secure_vector<std::uint8_t>;

inline constexpr std::size_t kFileKeySize = 16;
inline constexpr std::size_t kTagSize = 16;
inline constexpr std::size_t kMacSize = 32;
inline constexpr std::size_t kAeadNonceSize = 12;

Status FillRandom(std::span<std::uint8_t> out);
X25519Key X25519Base(const X25519Key& scalar);
// X25519(scalar, point); fails on the all-zero result a low-order point gives.
Result<Secret> X25519(const X25519Key& scalar, const X25519Key& point);
Result<Secret> HkdfSha256(std::span<const std::uint8_t> ikm, std::span<const std::uint8_t> salt,
                          std::string_view info);
Result<std::array<std::uint8_t, kMacSize>> HmacSha256(std::span<const std::uint8_t> key,
                                                      std::string_view data);
bool ConstantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

// ChaCha20-Poly1305 under one 32-byte key, reused across many nonces (one per chunk).
class Aead {
 public:
  enum class Direction { kSeal, kOpen };
  static Result<Aead> Create(std::span<const std::uint8_t> key, Direction direction);
  Aead(Aead&&) noexcept;
  Aead& operator=(Aead&&) noexcept;
  ~Aead();

  // Seal: `buf` holds plaintext and gains the 16-byte tag. Open: `buf` holds ciphertext and
  // tag and becomes the plaintext; false when authentication fails (buf is then unspecified).
  Status Seal(std::span<const std::uint8_t, kAeadNonceSize> nonce, Secret& buf);
  Result<bool> Open(std::span<const std::uint8_t, kAeadNonceSize> nonce, Secret& buf);

 private:
  explicit Aead(std::unique_ptr<Botan::AEAD_Mode> mode);
  std::unique_ptr<Botan::AEAD_Mode> mode_;
};

}  // namespace ec::age::internal
