#include "oci/base64.h"

#include <openssl/evp.h>

#include <algorithm>

namespace ec::oci {
namespace {

bool IsStandardChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// Decodes unpadded standard-alphabet text.
std::optional<std::string> DecodeBody(std::string_view body) {
  if (body.size() % 4 == 1) return std::nullopt;
  if (!std::all_of(body.begin(), body.end(), IsStandardChar)) return std::nullopt;
  std::string padded(body);
  const std::size_t pad = (4 - padded.size() % 4) % 4;
  padded.append(pad, '=');
  std::string out(padded.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(padded.data()),
                          static_cast<int>(padded.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - pad);  // EVP counts the padding as zero bytes
  return out;
}

std::string ToUrl(std::string text) {
  while (!text.empty() && text.back() == '=') text.pop_back();
  std::replace(text.begin(), text.end(), '+', '-');
  std::replace(text.begin(), text.end(), '/', '_');
  return text;
}

}  // namespace

std::string EncodeBase64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  std::size_t first_pad = text.find('=');
  std::size_t pad = first_pad == std::string_view::npos ? 0 : text.size() - first_pad;
  if (pad > 2 || text.find_first_not_of('=', text.size() - pad) != std::string_view::npos) {
    return std::nullopt;
  }
  if (pad > 0 && text.size() % 4 != 0) return std::nullopt;
  return DecodeBody(text.substr(0, text.size() - pad));
}

std::string EncodeBase64Url(std::string_view bytes) { return ToUrl(EncodeBase64(bytes)); }

std::optional<std::string> DecodeBase64Url(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '+' || c == '/') return std::nullopt;
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  std::optional<std::string> out = DecodeBody(standard);
  // Non-zero unused bits would give a second spelling of the same bytes.
  if (!out || EncodeBase64Url(*out) != text) return std::nullopt;
  return out;
}

}  // namespace ec::oci
