// Bech32 (BIP 173 checksum, without its 90-character limit) and the two age key encodings
// built on it: recipients "age1…" (lower case, HRP "age") and identities
// "AGE-SECRET-KEY-1…" (upper case, HRP "AGE-SECRET-KEY-"), each carrying 32 bytes.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace ec::age {

// An X25519 public key (recipient) or secret scalar (identity).
using X25519Key = std::array<std::uint8_t, 32>;

struct Bech32 {
  std::string hrp;  // as written: its case is part of what age checks
  std::vector<std::uint8_t> data;
};

// Lower-case Bech32 of `data` under `hrp` (whose case is ignored).
std::string Bech32Encode(std::string_view hrp, std::span<const std::uint8_t> data);
// Decodes either all-lower or all-upper text; mixed case, a bad checksum, characters outside
// the alphabet and non-zero padding bits fail. The message is the bare reason.
Result<Bech32> Bech32Decode(std::string_view text);

// "age1…" to its X25519 public key. Errors quote the text: `recipient "age1xyz": bad checksum`.
Result<X25519Key> ParseRecipient(std::string_view text);
// "AGE-SECRET-KEY-1…" to its X25519 scalar. Errors never quote the secret.
Result<X25519Key> ParseIdentity(std::string_view text);
std::string FormatRecipient(const X25519Key& public_key);
std::string FormatIdentity(const X25519Key& secret_key);

}  // namespace ec::age
