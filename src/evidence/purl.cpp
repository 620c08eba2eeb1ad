#include "evidence/purl.h"

#include <cctype>
#include <utility>

namespace ec::evidence {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    int hi, lo;
    if (s[i] == '%' && i + 2 < s.size() &&
        (hi = HexValue(s[i + 1])) >= 0 && (lo = HexValue(s[i + 2])) >= 0) {
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Appends one purl segment, percent-encoding everything but unreserved characters and ':'.
void AppendEncoded(std::string& out, std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : segment) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
}

// Appends "/"-separated segments, each encoded.
void AppendPath(std::string& out, std::string_view path) {
  while (true) {
    std::size_t slash = path.find('/');
    AppendEncoded(out, path.substr(0, slash));
    if (slash == std::string_view::npos) return;
    out += '/';
    path.remove_prefix(slash + 1);
  }
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<PurlParts> ParsePurl(std::string_view purl) {
  if (purl.substr(0, 4) != "pkg:") return std::nullopt;
  std::string_view rest = purl.substr(4);
  rest = rest.substr(0, rest.find('#'));
  rest = rest.substr(0, rest.find('?'));
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
  PurlParts parts;
  for (char c : rest.substr(0, slash)) {
    parts.type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  rest.remove_prefix(slash + 1);
  // The version's "@" follows the last "/": an npm scope ("@angular/core") is not a version.
  std::size_t last_slash = rest.rfind('/');
  std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos && (last_slash == std::string_view::npos || at > last_slash)) {
    parts.version = PercentDecode(rest.substr(at + 1));
    rest = rest.substr(0, at);
  }
  if (last_slash != std::string_view::npos && last_slash < rest.size()) {
    parts.namespace_ = PercentDecode(rest.substr(0, last_slash));
    rest.remove_prefix(last_slash + 1);
  }
  if (rest.empty()) return std::nullopt;
  parts.name = PercentDecode(rest);
  return parts;
}

std::string PackageNameFromPurl(const PurlParts& purl) {
  if (purl.namespace_.empty()) return purl.name;
  if (purl.type == "maven") return purl.namespace_ + ":" + purl.name;
  // Distro package namespaces name the vendor ("debian", "redhat"), not part of the name.
  static constexpr std::string_view kVendorNamespaced[] = {"deb", "rpm", "apk", "alpm", "qpkg"};
  for (std::string_view t : kVendorNamespaced) {
    if (purl.type == t) return purl.name;
  }
  return purl.namespace_ + "/" + purl.name;
}

std::string_view PurlTypeForOsvEcosystem(std::string_view ecosystem) {
  ecosystem = ecosystem.substr(0, ecosystem.find(':'));
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"npm", "npm"},         {"PyPI", "pypi"},        {"Go", "golang"},
      {"crates.io", "cargo"}, {"Maven", "maven"},      {"RubyGems", "gem"},
      {"NuGet", "nuget"},     {"Packagist", "composer"}, {"Hex", "hex"},
      {"Pub", "pub"},         {"Hackage", "hackage"},  {"Bitnami", "bitnami"},
      {"SwiftURL", "swift"},  {"CRAN", "cran"},        {"Debian", "deb"},
      {"Ubuntu", "deb"},      {"Alpine", "apk"},
  };
  for (const auto& [osv, type] : kTypes) {
    if (IEquals(ecosystem, osv)) return type;
  }
  return "";
}

std::string BuildPurl(std::string_view osv_ecosystem, std::string_view name) {
  std::string_view type = PurlTypeForOsvEcosystem(osv_ecosystem);
  if (type.empty() || name.empty()) return "";
  std::string out = "pkg:";
  out += type;
  out += '/';
  if (type == "maven") {
    std::size_t colon = name.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon + 1 == name.size()) return "";
    AppendEncoded(out, name.substr(0, colon));
    out += '/';
    AppendEncoded(out, name.substr(colon + 1));
    return out;
  }
  if (type == "pypi") {  // the purl spec's PyPI name: lower case, "_" → "-"
    std::string normalised;
    for (char c : name) {
      normalised += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    AppendEncoded(out, normalised);
    return out;
  }
  if (type == "deb" || type == "apk") {
    std::string_view distro = osv_ecosystem.substr(0, osv_ecosystem.find(':'));
    for (char c : distro) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += '/';
    AppendEncoded(out, name);
    return out;
  }
  // npm scopes, Go module paths, composer vendors, Swift URLs: the part before the last "/"
  // is the namespace, each segment encoded ("@" of a scope becomes "%40").
  AppendPath(out, name);
  return out;
}

}  // namespace ec::evidence
