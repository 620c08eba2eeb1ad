#include "trivy/sources/osv_advisories.h"

#include <algorithm>
#include <map>

#include "trivy/sources/cvss.h"
#include "trivy/sources/ecosystems.h"
#include "trivy/sources/osv_range.h"

namespace ec::trivy {
namespace {

struct CvssV3 {
  std::string vector;
  double score = 0;
};

// trivy-db parseSeverity: the first CVSS_V3 entry with a score; a trailing "/" is trimmed.
Result<std::optional<CvssV3>> FirstCvssV3(const std::vector<OsvSeverity>& severities) {
  for (const auto& s : severities) {
    if (s.type != "CVSS_V3" || s.score.empty()) continue;
    std::string vector = s.score;
    if (!vector.empty() && vector.back() == '/') vector.pop_back();
    auto score = CvssV3Score(vector);
    if (!score.ok()) return score.status();
    return std::optional<CvssV3>(CvssV3{vector, *score});
  }
  return std::optional<CvssV3>();
}

void ParseVersions(const OsvAffected& affected, std::vector<std::string>& vulnerable,
                   std::vector<std::string>& patched) {
  std::vector<OsvVersionRange> ranges;
  for (const auto& range : affected.ranges) {
    if (range.type == "GIT") continue;
    std::optional<std::size_t> open;  // the range this `ranges[]` item last opened
    for (const auto& event : range.events) {
      if (!event.introduced.empty()) {
        ranges.push_back(OsvVersionRange{event.introduced, "", false});
        open = ranges.size() - 1;
      } else if (!event.fixed.empty()) {
        if (open) ranges[*open].to = event.fixed, ranges[*open].to_included = false;
        patched.push_back(event.fixed);
      } else if (!event.last_affected.empty()) {
        if (open) ranges[*open].to = event.last_affected, ranges[*open].to_included = true;
      }
    }
  }
  for (const auto& r : ranges) vulnerable.push_back(r.String());
  VersionScheme scheme = SchemeForEcosystem(affected.ecosystem);
  for (const auto& v : affected.versions) {
    bool covered = std::any_of(ranges.begin(), ranges.end(),
                               [&](const OsvVersionRange& r) { return r.Contains(scheme, v); });
    if (!covered) vulnerable.push_back("=" + v);
  }
}

}  // namespace

void GroupVulnerabilityIds(const OsvEntry& entry, std::vector<std::string>& vuln_ids,
                           std::vector<std::string>& vendor_ids) {
  std::vector<std::string> cves, others;
  auto sort_in = [&](const std::string& id) {
    (id.rfind("CVE-", 0) == 0 ? cves : others).push_back(id);
  };
  for (const auto& alias : entry.aliases) sort_in(alias);
  sort_in(entry.id);
  if (cves.empty()) {
    vuln_ids = {entry.id};
    vendor_ids = entry.aliases;
  } else {
    vuln_ids = std::move(cves);
    vendor_ids = std::move(others);
  }
}

Result<ParsedOsv> ParseOsvAdvisories(const OsvEntry& entry, const PostParseHook& post_parse) {
  std::vector<std::string> vuln_ids, vendor_ids;
  GroupVulnerabilityIds(entry, vuln_ids, vendor_ids);

  auto entry_cvss = FirstCvssV3(entry.severity);
  if (!entry_cvss.ok()) return entry_cvss.status().WithPrefix("severity");
  CvssV3 cvss = entry_cvss->value_or(CvssV3{});

  ParsedOsv parsed;
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> index;
  for (std::size_t i = 0; i < entry.affected.size(); ++i) {
    const OsvAffected& affected = entry.affected[i];
    auto ecosystem = TrivyEcosystem(affected.ecosystem);
    if (!ecosystem) {
      std::string name = affected.ecosystem.empty() ? "(none)" : affected.ecosystem;
      if (std::find(parsed.unsupported_ecosystems.begin(), parsed.unsupported_ecosystems.end(),
                    name) == parsed.unsupported_ecosystems.end()) {
        parsed.unsupported_ecosystems.push_back(name);
      }
      continue;
    }
    std::string package = NormalizePackageName(*ecosystem, affected.package_name);
    std::vector<std::string> vulnerable, patched;
    ParseVersions(affected, vulnerable, patched);

    auto affected_cvss = FirstCvssV3(affected.severity);
    if (!affected_cvss.ok()) {
      return affected_cvss.status().WithPrefix(StrCat("affected[", i, "].severity"));
    }
    if (affected_cvss->has_value()) cvss = **affected_cvss;

    for (const auto& vuln_id : vuln_ids) {
      auto key = std::make_tuple(*ecosystem, package, vuln_id);
      auto found = index.find(key);
      if (found != index.end()) {
        OsvAdvisory& adv = parsed.advisories[found->second];
        adv.vulnerable_versions.insert(adv.vulnerable_versions.end(), vulnerable.begin(),
                                       vulnerable.end());
        adv.patched_versions.insert(adv.patched_versions.end(), patched.begin(), patched.end());
        if (post_parse) post_parse(adv, affected);
        continue;
      }
      OsvAdvisory adv;
      adv.ecosystem = *ecosystem;
      adv.package = package;
      adv.raw_package = affected.package_name;
      adv.vuln_id = vuln_id;
      adv.vendor_ids = vendor_ids;
      adv.vulnerable_versions = vulnerable;
      adv.patched_versions = patched;
      adv.cvss_score_v3 = cvss.score;
      adv.cvss_vector_v3 = cvss.vector;
      if (post_parse) post_parse(adv, affected);
      index.emplace(key, parsed.advisories.size());
      parsed.advisories.push_back(std::move(adv));
    }
  }
  return parsed;
}

}  // namespace ec::trivy
