#include "trivy/sources/ecosystems.h"

#include <cctype>
#include <utility>

namespace ec::trivy {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> ExactEcosystem(const std::string& lower) {
  static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
      {"go", "go"},           {"npm", "npm"},           {"pypi", "pip"},
      {"rubygems", "rubygems"}, {"crates.io", "cargo"}, {"packagist", "composer"},
      {"maven", "maven"},     {"nuget", "nuget"},       {"hex", "erlang"},
      {"pub", "pub"},         {"swifturl", "swift"},    {"purl-type:swift", "swift"},
      {"bitnami", "bitnami"}, {"kubernetes", "k8s"},
  };
  for (const auto& [osv, trivy] : kMap) {
    if (lower == osv) return std::string(trivy);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> TrivyEcosystem(std::string_view osv_ecosystem) {
  std::string lower = Lower(osv_ecosystem);
  if (auto exact = ExactEcosystem(lower)) return exact;
  auto colon = lower.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return ExactEcosystem(lower.substr(0, colon));
}

std::string NormalizePackageName(std::string_view ecosystem, std::string_view name) {
  if (ecosystem == "pip") {
    std::string out = Lower(name);
    for (char& c : out) {
      if (c == '_') c = '-';
    }
    return out;
  }
  if (ecosystem == "swift") {
    std::string_view n = name;
    if (n.rfind("https://", 0) == 0) n.remove_prefix(8);
    if (n.size() >= 4 && n.substr(n.size() - 4) == ".git") n.remove_suffix(4);
    return std::string(n);
  }
  if (ecosystem == "go" || ecosystem == "cocoapods") return std::string(name);
  return Lower(name);  // nuget and every other ecosystem are case-insensitive
}

std::string LanguageBucket(std::string_view ecosystem, std::string_view source_name) {
  std::string out(ecosystem);
  out += "::";
  out += source_name;
  return out;
}

}  // namespace ec::trivy
