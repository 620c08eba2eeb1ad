#include "trivy/sources/osv_reader.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "trivy/sources/ecosystems.h"
#include "trivy/sources/osv_advisories.h"
#include "trivy/sources/osv_entry.h"
#include "trivy/sources/osv_sources.h"

namespace ec::trivy {
namespace {

using json::Json;

std::string MemberString(const Json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// A bytewise-sortable UTC form of a timestamp (Staging's ordering key).
std::string SortKey(const std::optional<Timestamp>& t) {
  if (!t) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%020lld.%09d",
                static_cast<long long>(t->unix_seconds + 100000000000LL), t->nanos);
  return buf;
}

bool WithdrawnBefore(const Timestamp& withdrawn, std::chrono::sys_seconds now) {
  Timestamp n;
  n.unix_seconds = now.time_since_epoch().count();
  return Before(withdrawn, n);
}

bool GithubUnreviewed(const Json& database_specific) {
  if (!database_specific.is_object()) return false;
  auto it = database_specific.find("github_reviewed");
  if (it == database_specific.end()) return false;
  return (it->is_boolean() && !it->get<bool>()) || (it->is_string() && *it == "false");
}

Severity GhsaSeverity(const std::string& s) {
  if (s == "LOW") return Severity::kLow;
  if (s == "MODERATE") return Severity::kMedium;
  if (s == "HIGH") return Severity::kHigh;
  if (s == "CRITICAL") return Severity::kCritical;
  return Severity::kUnknown;
}

Severity BitnamiSeverity(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "low") return Severity::kLow;
  if (s == "moderate" || s == "medium") return Severity::kMedium;
  if (s == "high") return Severity::kHigh;
  if (s == "critical") return Severity::kCritical;
  return Severity::kUnknown;
}

bool IsGoStdlibOrX(const std::string& package) {
  return package == "stdlib" || package.rfind("golang.org/x/", 0) == 0;
}

// A standard-library import path ("net/http", "crypto/tls"): unlike a module path, its first
// element has no dot. GHSA lists some Go advisories under such paths; Trivy reports the Go
// standard library as the single package "stdlib", so those buckets could never match.
bool IsGoStandardImportPath(const std::string& package) {
  std::string first = package.substr(0, package.find('/'));
  return !first.empty() && first.find('.') == std::string::npos && package != "stdlib";
}

std::vector<std::string> Uniq(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

// ghsa PostParseAffected: last_known_affected_version_range closes open-ended ranges.
void ApplyLastKnownAffected(OsvAdvisory& adv, const OsvAffected& affected) {
  std::string range = MemberString(affected.database_specific, "last_known_affected_version_range");
  range.erase(std::remove(range.begin(), range.end(), ' '), range.end());
  if (range.empty()) return;
  for (auto& v : adv.vulnerable_versions) {
    if (v.find('<') != std::string::npos || v.rfind('=', 0) == 0) continue;
    v += ", " + range;
  }
}

// govulndb PostParseAffected: platforms from the import paths.
void ApplyGoImports(OsvAdvisory& adv, const OsvAffected& affected) {
  adv.oses = Uniq(affected.goos);
  adv.arches = Uniq(affected.goarch);
}

// The record-level severity trivy-db's ghsa / bitnami transformers read.
Severity SourceSeverity(OsvSourceKind kind, const OsvEntry& entry) {
  std::string text = MemberString(entry.database_specific, "severity");
  if (kind == OsvSourceKind::kGhsa) return GhsaSeverity(text);
  if (kind == OsvSourceKind::kBitnami) return BitnamiSeverity(text);
  return Severity::kUnknown;
}

// trivy-db's TransformAdvisories: which Go packages each database keeps, and GHSA's
// duplicate NuGet spelling.
std::vector<OsvAdvisory> TransformAdvisories(OsvSourceKind kind, const OsvEntry& entry,
                                             std::vector<OsvAdvisory> parsed,
                                             DocumentOutcome& outcome) {
  std::map<std::string, std::string> original_names;  // lower-case → as written (NuGet)
  for (const auto& a : entry.affected) {
    std::string lower = a.package_name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    original_names[lower] = a.package_name;
  }
  std::vector<OsvAdvisory> advisories;
  for (auto& adv : parsed) {
    if (adv.ecosystem == "go" && (kind == OsvSourceKind::kGhsa || kind == OsvSourceKind::kGoVulnDb)) {
      bool std_or_x = IsGoStdlibOrX(adv.package);
      if (kind == OsvSourceKind::kGhsa && (std_or_x || IsGoStandardImportPath(adv.package))) {
        outcome.dropped.push_back("ghsa: Go stdlib / golang.org/x package left to govulndb");
        continue;
      }
      if (kind == OsvSourceKind::kGoVulnDb && !std_or_x) {
        outcome.dropped.push_back("govulndb: module left to ghsa (not stdlib / golang.org/x)");
        continue;
      }
    }
    if (kind == OsvSourceKind::kGhsa && adv.ecosystem == "nuget") {
      auto it = original_names.find(adv.package);
      if (it != original_names.end() && it->second != adv.package) {
        OsvAdvisory dup = adv;
        dup.package = it->second;
        advisories.push_back(std::move(dup));
      }
    }
    advisories.push_back(std::move(adv));
  }
  return advisories;
}

}  // namespace

bool LooksLikeOsv(const json::Json& document) {
  if (!document.is_object()) return false;
  auto id = document.find("id");
  if (id == document.end() || !id->is_string()) return false;
  auto member_is = [&](const char* name, auto predicate) {
    auto it = document.find(name);
    return it != document.end() && predicate(*it);
  };
  auto is_array = [](const json::Json& v) { return v.is_array(); };
  auto is_string = [](const json::Json& v) { return v.is_string(); };
  return member_is("affected", is_array) || member_is("aliases", is_array) ||
         member_is("schema_version", is_string) || member_is("modified", is_string);
}

Result<DocumentOutcome> ReadOsvDocument(const json::Json& document, const ReadContext& context,
                                        Staging& staging) {
  EC_ASSIGN_OR_RETURN(OsvEntry entry, DecodeOsvEntry(document));
  DocumentOutcome outcome;
  if (entry.withdrawn && WithdrawnBefore(*entry.withdrawn, context.now)) {
    outcome.dropped.push_back("withdrawn");
    return outcome;
  }
  OsvSourceKind kind = SourceKindForId(entry.id);
  if (kind == OsvSourceKind::kGhsa && GithubUnreviewed(entry.database_specific)) {
    outcome.dropped.push_back("GHSA advisory not reviewed by GitHub");
    return outcome;
  }

  PostParseHook hook;
  if (kind == OsvSourceKind::kGhsa) hook = ApplyLastKnownAffected;
  if (kind == OsvSourceKind::kGoVulnDb) hook = ApplyGoImports;
  auto parsed = ParseOsvAdvisories(entry, hook);
  if (!parsed.ok()) return parsed.status();
  for (const auto& eco : parsed->unsupported_ecosystems) {
    outcome.dropped.push_back("unsupported ecosystem " + eco);
  }

  std::vector<OsvAdvisory> advisories =
      TransformAdvisories(kind, entry, std::move(parsed->advisories), outcome);
  Severity severity = SourceSeverity(kind, entry);
  std::vector<std::string> references = entry.references;
  if (kind == OsvSourceKind::kGoVulnDb) {
    std::string url = MemberString(entry.database_specific, "url");
    if (!url.empty()) references.push_back(url);
  }

  Origin origin{SortKey(entry.modified), entry.id};
  std::string source = std::string(SourceIdOf(kind));
  for (const auto& adv : advisories) {
    auto data_source = DataSourceFor(kind, entry.id, adv.ecosystem);
    if (!data_source) {
      outcome.dropped.push_back(StrCat(source, ": ecosystem ", adv.ecosystem, " not covered"));
      continue;
    }
    std::string bucket = LanguageBucket(adv.ecosystem, data_source->name);
    staging.PutDataSource(bucket, *data_source);

    Advisory advisory;
    advisory.vendor_ids = adv.vendor_ids;
    advisory.vulnerable_versions = adv.vulnerable_versions;
    advisory.patched_versions = adv.patched_versions;
    advisory.oses = adv.oses;
    advisory.arches = adv.arches;
    staging.PutAdvisory(adv.vuln_id, bucket, adv.package, advisory, origin);
    ++outcome.advisories;

    VulnerabilityDetail detail;
    detail.severity = severity;
    detail.references = references;
    detail.title = entry.summary;
    detail.description = entry.details;
    detail.cvss_score_v3 = adv.cvss_score_v3;
    detail.cvss_vector_v3 = adv.cvss_vector_v3;
    if (entry.published && !entry.published->is_zero) detail.published_date = entry.published->text;
    if (entry.modified && !entry.modified->is_zero) detail.last_modified_date = entry.modified->text;
    staging.PutDetail(adv.vuln_id, source, detail, origin);
  }
  return outcome;
}

}  // namespace ec::trivy
