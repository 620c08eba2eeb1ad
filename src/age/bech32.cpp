#include "age/bech32.h"

#include <algorithm>
#include <cctype>

namespace ec::age {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::string_view kRecipientHrp = "age";
constexpr std::string_view kIdentityHrp = "AGE-SECRET-KEY-";
constexpr std::size_t kChecksumLength = 6;

std::uint32_t Polymod(const std::vector<std::uint8_t>& values) {
  static constexpr std::uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                            0x2a1462b3};
  std::uint32_t chk = 1;
  for (std::uint8_t v : values) {
    const std::uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  }
  return chk;
}

// The checksum covers the lower-cased HRP, so both spellings of a key share one checksum.
std::vector<std::uint8_t> HrpExpand(std::string_view hrp) {
  std::vector<std::uint8_t> out;
  out.reserve(hrp.size() * 2 + 1);
  for (char c : hrp) {
    out.push_back(static_cast<std::uint8_t>(std::tolower(static_cast<unsigned char>(c)) >> 5));
  }
  out.push_back(0);
  for (char c : hrp) {
    out.push_back(static_cast<std::uint8_t>(std::tolower(static_cast<unsigned char>(c)) & 31));
  }
  return out;
}

// Regroups bits; without `pad`, leftover bits must be fewer than `from` and all zero.
bool ConvertBits(std::span<const std::uint8_t> in, int from, int to, bool pad,
                 std::vector<std::uint8_t>& out) {
  std::uint32_t acc = 0;
  int bits = 0;
  const std::uint32_t maxv = (1u << to) - 1;
  for (std::uint8_t v : in) {
    if ((v >> from) != 0) return false;
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & maxv));
    }
  }
  if (pad) {
    if (bits > 0) out.push_back(static_cast<std::uint8_t>((acc << (to - bits)) & maxv));
  } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
    return false;
  }
  return true;
}

bool HasLower(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}
bool HasUpper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

Result<X25519Key> KeyFrom(const Bech32& decoded, std::string_view prefix) {
  if (decoded.data.size() != 32) {
    return InvalidArgument(
        StrCat(prefix, ": got ", decoded.data.size(), " key bytes, want 32"));
  }
  X25519Key key;
  std::copy(decoded.data.begin(), decoded.data.end(), key.begin());
  return key;
}

bool LooksLikeIdentity(std::string_view text) {
  if (text.size() < kIdentityHrp.size()) return false;
  for (std::size_t i = 0; i < kIdentityHrp.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != kIdentityHrp[i]) return false;
  }
  return true;
}

}  // namespace

std::string Bech32Encode(std::string_view hrp, std::span<const std::uint8_t> data) {
  std::string lower_hrp(hrp);
  for (char& c : lower_hrp) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::uint8_t> values;
  ConvertBits(data, 8, 5, true, values);
  std::vector<std::uint8_t> check = HrpExpand(lower_hrp);
  check.insert(check.end(), values.begin(), values.end());
  check.insert(check.end(), kChecksumLength, 0);
  const std::uint32_t mod = Polymod(check) ^ 1;
  for (std::size_t i = 0; i < kChecksumLength; ++i) {
    values.push_back(static_cast<std::uint8_t>((mod >> (5 * (5 - i))) & 31));
  }
  std::string out = lower_hrp + "1";
  for (std::uint8_t v : values) out.push_back(kCharset[v]);
  return out;
}

Result<Bech32> Bech32Decode(std::string_view text) {
  if (HasLower(text) && HasUpper(text)) return InvalidArgument("mixed case");
  const std::size_t sep = text.rfind('1');
  if (sep == std::string_view::npos || sep == 0) {
    return InvalidArgument("no human-readable part before the separator '1'");
  }
  if (text.size() - sep - 1 < kChecksumLength) {
    return InvalidArgument(StrCat("got ", text.size() - sep - 1,
                                  " characters after the separator, want at least 6"));
  }
  Bech32 out;
  out.hrp = std::string(text.substr(0, sep));
  for (char c : out.hrp) {
    if (c < 33 || c > 126) return InvalidArgument("invalid character in the human-readable part");
  }
  std::vector<std::uint8_t> values;
  for (std::size_t i = sep + 1; i < text.size(); ++i) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    const std::size_t v = kCharset.find(c);
    if (v == std::string_view::npos) {
      return InvalidArgument(StrCat("invalid character at offset ", i));
    }
    values.push_back(static_cast<std::uint8_t>(v));
  }
  std::vector<std::uint8_t> check = HrpExpand(out.hrp);
  check.insert(check.end(), values.begin(), values.end());
  if (Polymod(check) != 1) return InvalidArgument("bad checksum");
  values.resize(values.size() - kChecksumLength);
  if (!ConvertBits(values, 5, 8, false, out.data)) {
    return InvalidArgument("invalid padding bits");
  }
  return out;
}

Result<X25519Key> ParseRecipient(std::string_view text) {
  // A secret key passed where a recipient belongs must not end up in logs.
  if (LooksLikeIdentity(text)) {
    return InvalidArgument("recipient: got a secret key (AGE-SECRET-KEY-1…), want a recipient "
                           "(age1…)");
  }
  const std::string prefix = StrCat("recipient \"", text, "\"");
  auto decoded = Bech32Decode(text);
  if (!decoded.ok()) return decoded.status().WithPrefix(prefix);
  if (decoded->hrp != kRecipientHrp) {
    if (decoded->hrp == "AGE") {
      return InvalidArgument(StrCat(prefix, ": recipients must be lower case"));
    }
    return InvalidArgument(StrCat(prefix, ": got prefix \"", decoded->hrp, "1\", want \"",
                                  kRecipientHrp, "1\""));
  }
  return KeyFrom(*decoded, prefix);
}

Result<X25519Key> ParseIdentity(std::string_view text) {
  // Never echo the text: it may be a real secret key with a typo.
  constexpr std::string_view kPrefix = "identity";
  auto decoded = Bech32Decode(text);
  if (!decoded.ok()) return decoded.status().WithPrefix(kPrefix);
  if (decoded->hrp != kIdentityHrp) {
    if (decoded->hrp == "age-secret-key-") {
      return InvalidArgument(StrCat(kPrefix, ": identities must be upper case"));
    }
    // The HRP of a secret key is not secret, and it says what was passed instead.
    return InvalidArgument(StrCat(kPrefix, ": got prefix \"", decoded->hrp.substr(0, 32),
                                  "1\", want \"", kIdentityHrp, "1\""));
  }
  return KeyFrom(*decoded, kPrefix);
}

std::string FormatRecipient(const X25519Key& public_key) {
  return Bech32Encode(kRecipientHrp, public_key);
}

std::string FormatIdentity(const X25519Key& secret_key) {
  std::string out = Bech32Encode(kIdentityHrp, secret_key);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace ec::age
