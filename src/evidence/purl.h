// Just enough package-URL handling for evidence records: split a purl into its parts (to fill
// ecosystem, package and version), and build one from an OSV ecosystem and package name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ec::evidence {

struct PurlParts {
  std::string type;       // lower-case ("npm", "golang", "maven", …)
  std::string namespace_;  // percent-decoded, "" if none
  std::string name;        // percent-decoded
  std::string version;     // percent-decoded, "" if none
};

// Parses "pkg:type/namespace/name@version?qualifiers#subpath"; nullopt unless it starts with
// "pkg:" and has a type and a name. Lenient: an unencoded "@scope" in the namespace is kept.
std::optional<PurlParts> ParsePurl(std::string_view purl);

// The package's name as its ecosystem writes it: "namespace/name" for npm, golang, composer
// and similar, "group:artifact" for maven, the bare name for distro packages (deb, rpm, apk,
// …) whose namespace is the vendor.
std::string PackageNameFromPurl(const PurlParts& purl);

// The purl type for an OSV ecosystem ("PyPI" → "pypi", "Go" → "golang", "crates.io" →
// "cargo", …), "" for ecosystems without one. A ":suffix" ("Debian:11",
// "Packagist:https://…") is ignored.
std::string_view PurlTypeForOsvEcosystem(std::string_view ecosystem);

// A version-less purl for an OSV package, "" when the ecosystem has no purl type or the name
// does not fit it (a Maven name without "group:artifact").
std::string BuildPurl(std::string_view osv_ecosystem, std::string_view name);

}  // namespace ec::evidence
