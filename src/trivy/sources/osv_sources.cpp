#include "trivy/sources/osv_sources.h"

#include <cctype>
#include <string>
#include <utility>

#include "trivy/sources/source_ids.h"

namespace ec::trivy {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Trivy ecosystem → the ecosystem word GHSA uses in names and URLs (ghsa.go `ecosystems`).
std::optional<std::string_view> GhsaEcosystemWord(std::string_view ecosystem) {
  static constexpr std::pair<std::string_view, std::string_view> kWords[] = {
      {"composer", "Composer"}, {"go", "Go"},       {"maven", "Maven"},
      {"npm", "npm"},           {"nuget", "NuGet"}, {"pip", "pip"},
      {"rubygems", "RubyGems"}, {"cargo", "Rust"},  {"erlang", "Erlang"},
      {"pub", "Pub"},           {"swift", "Swift"}, {"cocoapods", "Swift"},
  };
  for (const auto& [eco, word] : kWords) {
    if (eco == ecosystem) return word;
  }
  return std::nullopt;
}

DataSource OsvDatabase(std::string_view record_id) {
  std::string id(source_id::kOsv);
  if (StartsWith(record_id, "PYSEC-")) {
    return {id, "Python Packaging Advisory Database", "https://github.com/pypa/advisory-db"};
  }
  if (StartsWith(record_id, "RUSTSEC-")) {
    return {id, "RustSec Advisory Database", "https://github.com/RustSec/advisory-db"};
  }
  if (StartsWith(record_id, "DRUPAL-")) {
    return {id, "Drupal Security Advisories",
            "https://github.com/DrupalSecurityTeam/drupal-advisory-database"};
  }
  return {id, "Open Source Vulnerability", "https://osv.dev/"};
}

}  // namespace

OsvSourceKind SourceKindForId(std::string_view record_id) {
  if (StartsWith(record_id, "GHSA-")) return OsvSourceKind::kGhsa;
  if (StartsWith(record_id, "GO-")) return OsvSourceKind::kGoVulnDb;
  if (StartsWith(record_id, "BIT-")) return OsvSourceKind::kBitnami;
  return OsvSourceKind::kOsv;
}

std::string_view SourceIdOf(OsvSourceKind kind) {
  switch (kind) {
    case OsvSourceKind::kGhsa: return source_id::kGhsa;
    case OsvSourceKind::kGoVulnDb: return source_id::kGoVulnDb;
    case OsvSourceKind::kBitnami: return source_id::kBitnami;
    case OsvSourceKind::kOsv: return source_id::kOsv;
  }
  return source_id::kOsv;
}

std::optional<DataSource> DataSourceFor(OsvSourceKind kind, std::string_view record_id,
                                        std::string_view ecosystem) {
  switch (kind) {
    case OsvSourceKind::kGhsa: {
      auto word = GhsaEcosystemWord(ecosystem);
      if (!word) return std::nullopt;
      std::string lower(*word);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return DataSource{std::string(source_id::kGhsa),
                        "GitHub Security Advisory " + std::string(*word),
                        "https://github.com/advisories?query=type%3Areviewed+ecosystem%3A" + lower};
    }
    case OsvSourceKind::kGoVulnDb:
      if (ecosystem != "go") return std::nullopt;
      return DataSource{std::string(source_id::kGoVulnDb), "The Go Vulnerability Database",
                        "https://pkg.go.dev/vuln/"};
    case OsvSourceKind::kBitnami:
      if (ecosystem != "bitnami") return std::nullopt;
      return DataSource{std::string(source_id::kBitnami), "Bitnami Vulnerability Database",
                        "https://github.com/bitnami/vulndb"};
    case OsvSourceKind::kOsv:
      return OsvDatabase(record_id);
  }
  return std::nullopt;
}

}  // namespace ec::trivy
