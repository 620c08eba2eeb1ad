#include "trivy/sources/debian_reader.h"

#include <string_view>
#include <utility>

#include "trivy/sources/source_ids.h"

namespace ec::trivy {
namespace {

using json::Json;

std::string_view MajorVersion(std::string_view codename) {
  static constexpr std::pair<std::string_view, std::string_view> kReleases[] = {
      {"hamm", "2"},      {"slink", "2"},    {"potato", "2"},  {"woody", "3"},
      {"sarge", "3"},     {"etch", "4"},     {"lenny", "5"},   {"squeeze", "6"},
      {"wheezy", "7"},    {"jessie", "8"},   {"stretch", "9"}, {"buster", "10"},
      {"bullseye", "11"}, {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"},
      {"duke", "15"},
  };
  for (const auto& [name, major] : kReleases) {
    if (name == codename) return major;
  }
  return {};
}

Severity FromUrgency(std::string_view urgency) {
  if (urgency == "unimportant" || urgency == "low" || urgency == "low*" || urgency == "low**") {
    return Severity::kLow;
  }
  if (urgency == "medium" || urgency == "medium*" || urgency == "medium**") return Severity::kMedium;
  if (urgency == "high" || urgency == "high*" || urgency == "high**") return Severity::kHigh;
  return Severity::kUnknown;
}

std::string Member(const Json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

struct ReleaseResult {
  bool store = false;
  Advisory advisory;
};

ReleaseResult MapRelease(const Json& release) {
  ReleaseResult r;
  std::string status = Member(release, "status");
  std::string urgency = Member(release, "urgency");
  if (status == "resolved") {
    std::string fixed = Member(release, "fixed_version");
    if (fixed.empty() || fixed == "0") return r;
    r.store = true;
    r.advisory.fixed_version = fixed;
    return r;
  }
  if (status != "open") return r;
  r.store = true;
  r.advisory.severity = FromUrgency(urgency);
  std::string reason = Member(release, "nodsa_reason");
  if (reason == "ignored") {
    r.advisory.status = AdvisoryStatus::kWillNotFix;
  } else if (reason == "postponed") {
    r.advisory.status = AdvisoryStatus::kFixDeferred;
  } else if (urgency == "end-of-life") {
    r.advisory.status = AdvisoryStatus::kEndOfLife;
  } else {
    r.advisory.status = AdvisoryStatus::kAffected;
  }
  return r;
}

// Stages one (package, ID) entry.
Status ReadEntry(const std::string& package, const std::string& id, const Json& entry,
                 Staging& staging, DocumentOutcome& outcome) {
  if (!entry.is_object()) return InvalidArgument("not an object");
  auto releases = entry.find("releases");
  // PHP/Python serialisers write an empty map as [] (seen in real extracts).
  bool no_releases = releases != entry.end() && releases->is_array() && releases->empty();
  if (!no_releases && (releases == entry.end() || !releases->is_object())) {
    return InvalidArgument("releases: missing or not an object");
  }
  static const DataSource kSource{std::string(source_id::kDebian), "Debian Security Tracker",
                                  "https://salsa.debian.org/security-tracker-team/security-tracker"};
  if (no_releases) return OkStatus();
  for (const auto& [codename, release] : releases->items()) {  // validate before staging
    if (!release.is_object()) return InvalidArgument(StrCat("releases.", codename, ": not an object"));
  }
  Severity detail_severity = Severity::kUnknown;
  bool from_sid = false;
  for (const auto& [codename, release] : releases->items()) {
    Severity urgency = FromUrgency(Member(release, "urgency"));
    if (codename == "sid") {
      detail_severity = urgency;
      from_sid = true;
    } else if (!from_sid && static_cast<int>(urgency) > static_cast<int>(detail_severity)) {
      detail_severity = urgency;
    }
    std::string_view major = MajorVersion(codename);
    if (major.empty()) {
      if (codename != "sid" && codename != "experimental") {
        outcome.dropped.push_back("unknown Debian release " + codename);
      }
      continue;
    }
    ReleaseResult mapped = MapRelease(release);
    if (!mapped.store) continue;
    std::string platform = "debian " + std::string(major);
    staging.PutDataSource(platform, kSource);
    staging.PutAdvisory(id, platform, package, mapped.advisory, Origin{});
    ++outcome.advisories;
  }
  VulnerabilityDetail detail;
  detail.description = Member(entry, "description");
  detail.severity = detail_severity;
  if (!detail.description.empty() || detail.severity != Severity::kUnknown) {
    staging.PutDetail(id, std::string(source_id::kDebian), detail, Origin{});
  }
  return OkStatus();
}

}  // namespace

bool LooksLikeDebianTracker(const json::Json& document) {
  if (!document.is_object() || document.empty()) return false;
  const Json& first_package = document.begin().value();
  if (!first_package.is_object() || first_package.empty()) return false;
  const Json& first_entry = first_package.begin().value();
  return first_entry.is_object() && first_entry.contains("releases");
}

Result<DocumentOutcome> ReadDebianTracker(const json::Json& document, Staging& staging) {
  if (!document.is_object()) return InvalidArgument("document is not an object");
  DocumentOutcome outcome;
  for (const auto& [package, entries] : document.items()) {
    if (!entries.is_object()) {
      outcome.problems.push_back(StrCat("package ", package, ": not an object"));
      continue;
    }
    for (const auto& [id, entry] : entries.items()) {
      Status s = ReadEntry(package, id, entry, staging, outcome);
      if (!s.ok()) outcome.problems.push_back(StrCat("package ", package, " ", id, ": ", s.message()));
    }
  }
  return outcome;
}

}  // namespace ec::trivy
