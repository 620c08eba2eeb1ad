// trivy-db source IDs (vulnsrc/vulnerability/const.go) and the precedence order in which
// Title, Description, CWE IDs, Severity and References are picked (AllSourceIDs, NVD first).
#pragma once

#include <array>
#include <string_view>

namespace ec::trivy::source_id {

inline constexpr std::string_view kNvd = "nvd";
inline constexpr std::string_view kDebian = "debian";
inline constexpr std::string_view kAlpine = "alpine";
inline constexpr std::string_view kAmazon = "amazon";
inline constexpr std::string_view kNodejsSecurityWg = "nodejs-security-wg";
inline constexpr std::string_view kGhsa = "ghsa";
inline constexpr std::string_view kOsv = "osv";
inline constexpr std::string_view kBitnami = "bitnami";
inline constexpr std::string_view kGoVulnDb = "govulndb";

// AllSourceIDs at trivy-db a0049d7a (sources added after the list was last reordered sit at
// the end). A detail from a source not listed here never contributes to the merged values,
// exactly as in trivy-db.
inline constexpr std::array<std::string_view, 36> kPrecedence = {
    "nvd",        "redhat",       "redhat-oval",   "redhat-csaf-vex", "debian",
    "ubuntu",     "alpine",       "amazon",        "oracle-oval",     "suse-cvrf",
    "photon",     "arch-linux",   "alma",          "rocky",           "cbl-mariner",
    "azure",      "ruby-advisory-db", "php-security-advisories", "nodejs-security-wg",
    "ghsa",       "glad",         "aqua",          "osv",             "k8s",
    "wolfi",      "chainguard",   "bitnami",       "govulndb",        "echo",
    "minimos",    "rootio",       "julia",         "seal",            "bottlerocket",
    "centos",     "fedora",
};

}  // namespace ec::trivy::source_id
