// Trivy's language ecosystems: the bucket prefix slugs ("pip", "cargo", …), how an OSV
// `affected[].package.ecosystem` maps onto them, and how Trivy normalises package names in
// each (trivy-db.md §2.3, trivy-db osv.convertEcosystem and NormalizePkgName).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ec::trivy {

// The Trivy slug for an OSV ecosystem string, compared case-insensitively: Go, npm, PyPI,
// RubyGems, crates.io, Packagist, Maven, NuGet, Hex, Pub, SwiftURL / purl-type:swift,
// Bitnami, Kubernetes. A registry suffix ("Packagist:https://packages.drupal.org/8",
// "Maven:https://…") maps like its base ecosystem: the suffix only names the repository the
// package is published in, and Trivy matches language packages by name. Anything else
// (Hackage, GHC, Debian:12, …) has no Trivy bucket: nullopt.
std::optional<std::string> TrivyEcosystem(std::string_view osv_ecosystem);

// The package name as Trivy looks it up in `ecosystem` (a Trivy slug).
std::string NormalizePackageName(std::string_view ecosystem, std::string_view name);

// "<ecosystem>::<data source name>".
std::string LanguageBucket(std::string_view ecosystem, std::string_view source_name);

}  // namespace ec::trivy
