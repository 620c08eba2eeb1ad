// The age v1 header: "age-encryption.org/v1", recipient stanzas ("-> type args…" and a
// base64 body wrapped at 64 columns), then "--- <MAC>". Formatting, and a strict streaming
// parser. Internal to src/age.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/io.h"
#include "status.h"

namespace ec::age::internal {

inline constexpr std::string_view kVersionLine = "age-encryption.org/v1";
// Bounds what a hostile header can make us buffer (an X25519 stanza is about 100 bytes).
inline constexpr std::size_t kMaxHeaderBytes = 4u << 20;

struct Stanza {
  std::string type;
  std::vector<std::string> args;  // after the type
  std::string body;               // decoded
};

// Standard base64 without padding, as age writes it.
std::string EncodeB64(std::string_view bytes);
// The inverse, refusing padding and any non-canonical spelling.
std::optional<std::string> DecodeB64(std::string_view text);

// The header up to and including "---": the bytes the MAC covers.
std::string FormatHeaderForMac(const std::vector<Stanza>& stanzas);
// The full header: FormatHeaderForMac(...) + " " + b64(mac) + "\n".
std::string FormatHeader(std::string_view header_for_mac, std::string_view mac);

struct ParsedHeader {
  std::vector<Stanza> stanzas;
  std::string mac_input;  // from the version line through "---"
  std::string mac;        // 32 bytes
  std::string leftover;   // bytes read past the header: the start of the payload
};

// Reads and validates the header from `in`. `what` names the file in errors.
Result<ParsedHeader> ReadHeader(oci::Reader& in, std::string_view what);

}  // namespace ec::age::internal
