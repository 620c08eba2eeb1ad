// The X25519 recipient stanza ("-> X25519 <share>" + the wrapped file key): wrapping a file
// key to a recipient, and unwrapping it with an identity. Internal to src/age.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "age/header.h"
#include "age/keys.h"
#include "age/primitives.h"
#include "status.h"

namespace ec::age::internal {

inline constexpr std::string_view kX25519Type = "X25519";

Result<Stanza> WrapX25519(const X25519Key& recipient, std::span<const std::uint8_t> file_key);
// Shape checks for an X25519 stanza: one argument, canonical base64 of 32 bytes, a 32-byte
// body. `index` numbers the stanza in errors.
Status CheckX25519Stanza(const Stanza& stanza, std::size_t index);
// The file key when `identity` opens `stanza` (already checked), nullopt when the stanza is
// for someone else; an error for an all-zero shared secret.
Result<std::optional<Secret>> UnwrapX25519(const Stanza& stanza, std::size_t index,
                                           const Identity& identity);

}  // namespace ec::age::internal
