#include "age/primitives.h"

#include <botan/aead.h>
#include <botan/curve25519.h>
#include <botan/exceptn.h>
#include <botan/kdf.h>
#include <botan/mac.h>
#include <botan/mem_ops.h>
#include <botan/system_rng.h>

#include <algorithm>
#include <exception>

namespace ec::age::internal {

Status FillRandom(std::span<std::uint8_t> out) {
  try {
    Botan::system_rng().randomize(out.data(), out.size());
    return OkStatus();
  } catch (const std::exception& e) {
    return Internal(StrCat("age: reading the system RNG: ", e.what()));
  }
}

X25519Key X25519Base(const X25519Key& scalar) {
  X25519Key out;
  Botan::curve25519_basepoint(out.data(), scalar.data());
  return out;
}

Result<Secret> X25519(const X25519Key& scalar, const X25519Key& point) {
  Secret shared(32);
  Botan::curve25519_donna(shared.data(), scalar.data(), point.data());
  // A low-order point yields zero regardless of the scalar: refuse it (age spec, X25519).
  if (std::all_of(shared.begin(), shared.end(), [](std::uint8_t b) { return b == 0; })) {
    return InvalidArgument("X25519 shared secret is all zeros (low-order public key)");
  }
  return shared;
}

Result<Secret> HkdfSha256(std::span<const std::uint8_t> ikm, std::span<const std::uint8_t> salt,
                          std::string_view info) {
  try {
    auto kdf = Botan::KDF::create_or_throw("HKDF(SHA-256)");
    return kdf->derive_key(32, ikm.data(), ikm.size(), salt.data(), salt.size(),
                           reinterpret_cast<const std::uint8_t*>(info.data()), info.size());
  } catch (const std::exception& e) {
    return Internal(StrCat("age: HKDF-SHA256: ", e.what()));
  }
}

Result<std::array<std::uint8_t, kMacSize>> HmacSha256(std::span<const std::uint8_t> key,
                                                      std::string_view data) {
  try {
    auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(key.data(), key.size());
    mac->update(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    std::array<std::uint8_t, kMacSize> out;
    mac->final(out.data());
    return out;
  } catch (const std::exception& e) {
    return Internal(StrCat("age: HMAC-SHA256: ", e.what()));
  }
}

bool ConstantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && Botan::constant_time_compare(a.data(), b.data(), a.size());
}

Aead::Aead(std::unique_ptr<Botan::AEAD_Mode> mode) : mode_(std::move(mode)) {}
Aead::Aead(Aead&&) noexcept = default;
Aead& Aead::operator=(Aead&&) noexcept = default;
Aead::~Aead() = default;  // Botan clears the key schedule on destruction

Result<Aead> Aead::Create(std::span<const std::uint8_t> key, Direction direction) {
  try {
    auto mode = Botan::AEAD_Mode::create_or_throw(
        "ChaCha20Poly1305",
        direction == Direction::kSeal ? Botan::ENCRYPTION : Botan::DECRYPTION);
    mode->set_key(key.data(), key.size());
    return Aead(std::move(mode));
  } catch (const std::exception& e) {
    return Internal(StrCat("age: ChaCha20-Poly1305: ", e.what()));
  }
}

Status Aead::Seal(std::span<const std::uint8_t, kAeadNonceSize> nonce, Secret& buf) {
  try {
    mode_->start(nonce.data(), nonce.size());
    mode_->finish(buf);
    return OkStatus();
  } catch (const std::exception& e) {
    return Internal(StrCat("age: ChaCha20-Poly1305 seal: ", e.what()));
  }
}

Result<bool> Aead::Open(std::span<const std::uint8_t, kAeadNonceSize> nonce, Secret& buf) {
  if (buf.size() < kTagSize) return false;
  try {
    mode_->start(nonce.data(), nonce.size());
    mode_->finish(buf);
    return true;
  } catch (const Botan::Invalid_Authentication_Tag&) {
    return false;
  } catch (const std::exception& e) {
    return Internal(StrCat("age: ChaCha20-Poly1305 open: ", e.what()));
  }
}

}  // namespace ec::age::internal
