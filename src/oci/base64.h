// Base64 (RFC 4648 §4) and base64url (§5) over OpenSSL's block coder, with the checks it leaves
// out: only the alphabet, well-formed padding, and for base64url (JWTs) canonical trailing
// bits, so that each value has exactly one encoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ec::oci {

std::string EncodeBase64(std::string_view bytes);  // padded
// Padding optional; when present, one or two '=' completing a multiple of four.
std::optional<std::string> DecodeBase64(std::string_view text);
std::string EncodeBase64Url(std::string_view bytes);  // unpadded
// No padding, no whitespace, canonical trailing bits.
std::optional<std::string> DecodeBase64Url(std::string_view text);

}  // namespace ec::oci
