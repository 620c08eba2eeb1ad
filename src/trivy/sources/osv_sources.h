// Which trivy-db source an OSV record feeds, and the data source (hence the bucket name
// "<ecosystem>::<name>") of each of its advisories (trivy-db.md §2.3).
//
//   record ID   source     ecosystems                    bucket / data source name
//   GHSA-…      ghsa       composer go maven npm nuget   "GitHub Security Advisory <Eco>"
//                          pip rubygems cargo erlang     (<Eco> = Composer, Go, Maven, npm,
//                          pub swift                     NuGet, pip, RubyGems, Rust, Erlang,
//                                                        Pub, Swift)
//   GO-…        govulndb   go                            "The Go Vulnerability Database"
//   BIT-…       bitnami    bitnami                       "Bitnami Vulnerability Database"
//   PYSEC-…     osv        any language ecosystem        "Python Packaging Advisory Database"
//   RUSTSEC-…   osv        any language ecosystem        "RustSec Advisory Database"
//   DRUPAL-…    osv        any language ecosystem        "Drupal Security Advisories"
//   other       osv        any language ecosystem        "Open Source Vulnerability"
//
// Upstream trivy-db builds only the first three from OSV; PyPA and RustSec reach it through
// GHSA. The `osv` rows keep every other OSV database usable: Trivy merges all "<eco>::"
// buckets (trivy-db.md §2.3). The PyPA / RustSec names and URLs are the ones trivy-db's own
// (now unregistered) osv source used.
#pragma once

#include <optional>
#include <string_view>

#include "trivy/sources/trivy_types.h"

namespace ec::trivy {

enum class OsvSourceKind { kGhsa, kGoVulnDb, kBitnami, kOsv };

OsvSourceKind SourceKindForId(std::string_view record_id);
std::string_view SourceIdOf(OsvSourceKind kind);

// The data source for an advisory in Trivy `ecosystem`, or nullopt when the source does not
// cover that ecosystem (then the advisory is dropped, as trivy-db does).
std::optional<DataSource> DataSourceFor(OsvSourceKind kind, std::string_view record_id,
                                        std::string_view ecosystem);

}  // namespace ec::trivy
