#include "evidence/selectors.h"

#include "evidence/policy.h"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace ec::evidence {
namespace {

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool IsRfc3339Utc(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return end != nullptr && *end == '\0' && text.size() == 20;
}

bool PurlEcosystemMatches(const std::vector<std::string>& ecosystems, const Record& r) {
  return std::binary_search(ecosystems.begin(), ecosystems.end(), r.ecosystem);
}

}  // namespace

int SeverityRank(std::string_view severity) {
  if (severity == "none") return 0;
  if (severity == "low") return 1;
  if (severity == "medium") return 2;
  if (severity == "high") return 3;
  if (severity == "critical") return 4;
  return -1;
}

Status ValidateTenant(std::string_view tenant) {
  bool ok = !tenant.empty() && tenant.size() <= 63 && tenant.front() != '-' && tenant.back() != '-';
  for (char c : tenant) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-')) ok = false;
  }
  if (!ok) {
    return InvalidArgument(StrCat("tenant \"", tenant, "\": want 1-63 characters of a-z, 0-9 and inner '-'"));
  }
  return OkStatus();
}

Status NormaliseSelectors(Selectors& s) {
  EC_RETURN_IF_ERROR(ValidateTenant(s.tenant));
  for (const std::string& k : s.kinds) {
    if (k != "advisory" && k != "vex" && k != "sbom") {
      return InvalidArgument(StrCat("--kind \"", k, "\": want advisory, vex or sbom"));
    }
  }
  for (std::string& e : s.ecosystems) {
    if (e.empty()) return InvalidArgument("--ecosystem \"\": want a purl type such as npm, pypi or golang");
    for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (const std::string& g : s.purl_globs) {
    if (g.rfind("pkg:", 0) != 0) {
      return InvalidArgument(StrCat("--purl \"", g, "\": want a purl pattern starting with pkg: (e.g. pkg:npm/*)"));
    }
  }
  for (const std::string& v : s.vulnerabilities) {
    if (v.empty() || v.find_first_of(" \t\n") != std::string::npos) {
      return InvalidArgument(StrCat("--vulnerability \"", v, "\": want an id such as CVE-2024-1234 or GHSA-xxxx-xxxx-xxxx"));
    }
  }
  if (!s.modified_since.empty() && !IsRfc3339Utc(s.modified_since)) {
    return InvalidArgument(StrCat("--modified-since \"", s.modified_since,
                                  "\": want RFC 3339 UTC like 2024-01-31T00:00:00Z"));
  }
  if (!s.modified_until.empty() && !IsRfc3339Utc(s.modified_until)) {
    return InvalidArgument(StrCat("--modified-until \"", s.modified_until,
                                  "\": want RFC 3339 UTC like 2024-01-31T00:00:00Z"));
  }
  if (!s.modified_since.empty() && !s.modified_until.empty() && s.modified_until <= s.modified_since) {
    return InvalidArgument(StrCat("--modified-until ", s.modified_until, " is not after --modified-since ",
                                  s.modified_since, ": the window is empty"));
  }
  if (!s.min_severity.empty() && SeverityRank(s.min_severity) < 0) {
    return InvalidArgument(StrCat("--severity \"", s.min_severity, "\": want critical, high, medium, low or none"));
  }
  SortUnique(s.kinds);
  SortUnique(s.ecosystems);
  SortUnique(s.purl_globs);
  SortUnique(s.vulnerabilities);
  return OkStatus();
}

json::Json SelectorsToJson(const Selectors& s) {
  json::Json j = json::Json::object();
  j["tenant"] = s.tenant;
  if (!s.kinds.empty()) j["kinds"] = s.kinds;
  if (!s.ecosystems.empty()) j["ecosystems"] = s.ecosystems;
  if (!s.purl_globs.empty()) j["purls"] = s.purl_globs;
  if (!s.vulnerabilities.empty()) j["vulnerabilities"] = s.vulnerabilities;
  if (!s.modified_since.empty()) j["modifiedSince"] = s.modified_since;
  if (!s.modified_until.empty()) j["modifiedUntil"] = s.modified_until;
  if (!s.min_severity.empty()) j["severity"] = s.min_severity;
  return j;
}

bool HasRecordSelectors(const Selectors& s) {
  return !s.ecosystems.empty() || !s.purl_globs.empty() || !s.vulnerabilities.empty() ||
         !s.modified_since.empty() || !s.modified_until.empty() || !s.min_severity.empty();
}

bool RecordInScope(const Selectors& s, const Record& r) {
  if (!s.kinds.empty() &&
      !std::binary_search(s.kinds.begin(), s.kinds.end(), std::string(SourceKindName(r.kind)))) {
    return false;
  }
  if (!s.ecosystems.empty() && !PurlEcosystemMatches(s.ecosystems, r)) return false;
  if (!s.purl_globs.empty()) {
    bool any = std::any_of(s.purl_globs.begin(), s.purl_globs.end(), [&](const std::string& g) {
      return !r.purl.empty() && GlobMatch(g, r.purl);
    });
    if (!any) return false;
  }
  if (!s.vulnerabilities.empty()) {
    auto listed = [&](const std::string& id) {
      return std::binary_search(s.vulnerabilities.begin(), s.vulnerabilities.end(), id);
    };
    if (!listed(r.vulnerability) && std::none_of(r.aliases.begin(), r.aliases.end(), listed)) return false;
  }
  // Both RFC 3339 UTC with the same shape: text order is time order.
  if (!s.modified_since.empty() && (r.modified.empty() || r.modified < s.modified_since)) return false;
  if (!s.modified_until.empty() && (r.modified.empty() || r.modified >= s.modified_until)) return false;
  if (!s.min_severity.empty() && SeverityRank(r.severity) < SeverityRank(s.min_severity)) return false;
  return true;
}

}  // namespace ec::evidence
