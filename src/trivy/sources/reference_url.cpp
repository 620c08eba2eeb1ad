#include "trivy/sources/reference_url.h"

#include <cctype>
#include <optional>

namespace ec::trivy {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = HexValue(s[i + 1]);
    int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Go's shouldEscape(c, encodePath) == false.
bool PathCharStaysLiteral(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '-': case '_': case '.': case '~':
    case '$': case '&': case '+': case ',': case '/': case ':': case ';': case '=': case '@':
      return true;
    default:
      return false;
  }
}

bool IsSchemeChar(char c, bool first) {
  if (std::isalpha(static_cast<unsigned char>(c))) return true;
  return !first && (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' ||
                    c == '.');
}

}  // namespace

std::string CanonicalReferenceUrl(std::string_view raw) {
  std::string original(raw);
  auto colon = raw.find("://");
  if (colon == std::string_view::npos || colon == 0) return original;
  for (std::size_t i = 0; i < colon; ++i) {
    if (!IsSchemeChar(raw[i], i == 0)) return original;
  }
  // Go's url.Parse rejects ASCII control characters and spaces in the host; keep such
  // references untouched.
  for (char c : raw) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return original;
  }
  std::size_t authority_start = colon + 3;
  std::size_t path_start = raw.find_first_of("/?#", authority_start);
  if (path_start == authority_start) return original;  // no host
  if (path_start == std::string_view::npos || raw[path_start] != '/') return original;
  std::size_t path_end = raw.find_first_of("?#", path_start);
  if (path_end == std::string_view::npos) path_end = raw.size();

  std::string_view path = raw.substr(path_start, path_end - path_start);
  auto decoded = PercentDecode(path);
  if (!decoded) return original;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : *decoded) {
    if (PathCharStaysLiteral(c)) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0xF];
    }
  }
  std::string out(raw.substr(0, path_start));
  out += encoded;
  out.append(raw.substr(path_end));
  return out;
}

}  // namespace ec::trivy
