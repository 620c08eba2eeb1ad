#include "evidence/evaluate.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "oci/digest.h"

namespace ec::evidence {
namespace {

std::string Fold(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

// The purl without version, qualifiers and subpath, with the scheme and type lower-cased and
// "%40" read as "@", so that statements about one version meet advisories about the package.
std::string VersionlessPurl(std::string_view purl) {
  purl = purl.substr(0, purl.find('#'));
  purl = purl.substr(0, purl.find('?'));
  std::size_t slash = purl.rfind('/');
  std::size_t at = purl.find('@', slash == std::string_view::npos ? 0 : slash);
  purl = purl.substr(0, at);
  std::size_t type_end = std::min(purl.find('/'), purl.size());
  std::string out = Fold(purl.substr(0, type_end));
  std::string_view rest = purl.substr(type_end);
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest.substr(i, 3) == "%40") {
      out.push_back('@');
      i += 2;
    } else {
      out.push_back(rest[i]);
    }
  }
  return out;
}

bool ProductsMeet(const Record& advisory, const Record& vex) {
  if (!advisory.purl.empty() && !vex.purl.empty()) {
    return VersionlessPurl(advisory.purl) == VersionlessPurl(vex.purl);
  }
  return !advisory.package.empty() && advisory.package == vex.package;
}

// RFC 3339 UTC timestamps as comparable keys: "…:SSZ" and "…:SS.fffZ" do not order correctly as
// plain strings ('.' < 'Z'), so the fraction is padded to nanoseconds. "" stays lowest.
std::string TimeKey(std::string_view t) {
  if (t.size() < 19) return std::string(t);
  std::string key(t.substr(0, 19));
  std::string frac;
  if (t.size() > 19 && t[19] == '.') {
    for (std::size_t i = 20; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) frac.push_back(t[i]);
  }
  frac.resize(9, '0');
  return key + frac;
}

int StatusRank(std::string_view status) {
  if (status == "fixed") return 4;
  if (status == "not_affected") return 3;
  if (status == "affected") return 2;
  if (status == "under_investigation") return 1;
  return 0;
}

// True when `a` should be chosen over `b`.
bool BetterVex(const Record& a, const Record& b) {
  std::string ta = TimeKey(a.modified), tb = TimeKey(b.modified);
  if (ta != tb) return ta > tb;
  int ra = StatusRank(a.vex_status), rb = StatusRank(b.vex_status);
  if (ra != rb) return ra > rb;
  return a.justification < b.justification;
}

auto FindingKey(const Finding& f) {
  return std::tie(f.vulnerability, f.purl, f.package, f.severity, f.aliases, f.fixed_versions,
                  f.vex_status, f.vex_justification);
}

bool FindingLess(const Finding& a, const Finding& b) { return FindingKey(a) < FindingKey(b); }
bool FindingEqual(const Finding& a, const Finding& b) { return FindingKey(a) == FindingKey(b); }

void AddIfSet(json::Json& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}
void AddIfSet(json::Json& out, const char* key, const std::vector<std::string>& value) {
  if (!value.empty()) out[key] = value;
}

// Appends the list's matches for `f` as reasons "<label>: purl|vulnerability <glob> matched".
void ListMatches(const MatchList& list, std::string_view label, const Finding& f,
               std::vector<std::string>& reasons) {
  if (!f.purl.empty()) {
    for (const std::string& glob : list.purls) {
      if (GlobMatch(glob, f.purl)) reasons.push_back(StrCat(label, ": purl ", glob, " matched"));
    }
  }
  for (const std::string& glob : list.vulnerabilities) {
    if (GlobMatch(glob, f.vulnerability, /*ignore_case=*/true)) {
      reasons.push_back(StrCat(label, ": vulnerability ", glob, " matched"));
      continue;
    }
    for (const std::string& alias : f.aliases) {
      if (GlobMatch(glob, alias, /*ignore_case=*/true)) {
        reasons.push_back(StrCat(label, ": vulnerability ", glob, " matched alias ", alias));
        break;
      }
    }
  }
}

std::optional<Action> VexRule(const PolicyPack& pack, std::string_view status) {
  if (status == "not_affected") return pack.vex_not_affected;
  if (status == "fixed") return pack.vex_fixed;
  if (status == "under_investigation") return pack.vex_under_investigation;
  return std::nullopt;  // "affected" settles nothing
}

Decision Decide(const PolicyPack& pack, const Finding& f) {
  Decision d{f, "", {}};
  std::optional<Action> decided;
  auto matched = [&](Action action, std::vector<std::string> reasons) {
    if (reasons.empty()) return;
    if (!decided) decided = action;
    for (std::string& r : reasons) d.reasons.push_back(std::move(r));
  };

  std::vector<std::string> allow, deny;
  ListMatches(pack.allow, "allow-list", f, allow);
  matched(Action::kAllow, std::move(allow));
  ListMatches(pack.deny, "deny-list", f, deny);
  matched(Action::kDeny, std::move(deny));

  if (std::optional<Action> vex = VexRule(pack, f.vex_status)) {
    std::string reason = StrCat("vex: ", f.vex_status);
    if (!f.vex_justification.empty()) reason += StrCat(" (", f.vex_justification, ")");
    matched(*vex, {std::move(reason)});
  }
  std::optional<Severity> severity = ParseSeverity(f.severity);
  if (pack.severity_threshold && severity && *severity >= *pack.severity_threshold) {
    matched(Action::kDeny, {StrCat("severity ", SeverityName(*severity), " >= threshold ",
                                   SeverityName(*pack.severity_threshold))});
  }
  if (pack.no_fix && f.fixed_versions.empty()) matched(*pack.no_fix, {"no fixed version"});

  if (!decided) {
    decided = Action::kAllow;
    d.reasons.emplace_back("no rule matched");
  }
  d.decision = ActionName(*decided);
  return d;
}

}  // namespace

std::vector<Finding> BuildFindings(const std::vector<Record>& records) {
  // VEX statements indexed by every id they name (folded), so the join is not quadratic.
  std::map<std::string, std::vector<const Record*>> vex_by_id;
  for (const Record& r : records) {
    if (r.kind != SourceKind::kVex || r.vex_status.empty()) continue;
    vex_by_id[Fold(r.vulnerability)].push_back(&r);
    for (const std::string& alias : r.aliases) vex_by_id[Fold(alias)].push_back(&r);
  }

  std::vector<Finding> findings;
  for (const Record& a : records) {
    if (a.kind != SourceKind::kAdvisory) continue;
    Finding f{a.vulnerability, a.purl, a.package, a.severity, a.fixed_versions,
              /*vex_status=*/"", /*vex_justification=*/"", a.aliases};
    std::set<const Record*> seen;
    const Record* chosen = nullptr;
    std::vector<std::string> ids = a.aliases;
    ids.push_back(a.vulnerability);
    for (const std::string& id : ids) {
      auto it = vex_by_id.find(Fold(id));
      if (it == vex_by_id.end()) continue;
      for (const Record* v : it->second) {
        if (!seen.insert(v).second || !ProductsMeet(a, *v)) continue;
        if (chosen == nullptr || BetterVex(*v, *chosen)) chosen = v;
      }
    }
    if (chosen != nullptr) {
      f.vex_status = chosen->vex_status;
      f.vex_justification = chosen->justification;
    }
    findings.push_back(std::move(f));
  }
  std::sort(findings.begin(), findings.end(), FindingLess);
  findings.erase(std::unique(findings.begin(), findings.end(), FindingEqual), findings.end());
  return findings;
}

std::vector<Decision> Evaluate(const PolicyPack& pack, const std::vector<Finding>& findings) {
  std::vector<Decision> out;
  out.reserve(findings.size());
  for (const Finding& f : findings) out.push_back(Decide(pack, f));
  std::sort(out.begin(), out.end(),
            [](const Decision& a, const Decision& b) { return FindingLess(a.finding, b.finding); });
  return out;
}

json::Json DecisionToJson(const Decision& decision) {
  const Finding& f = decision.finding;
  json::Json out = json::Json::object();
  out["vulnerability"] = f.vulnerability;
  AddIfSet(out, "aliases", f.aliases);
  AddIfSet(out, "purl", f.purl);
  AddIfSet(out, "package", f.package);
  AddIfSet(out, "severity", f.severity);
  AddIfSet(out, "fixedVersions", f.fixed_versions);
  AddIfSet(out, "vexStatus", f.vex_status);
  AddIfSet(out, "vexJustification", f.vex_justification);
  out["decision"] = decision.decision;
  out["reasons"] = decision.reasons;
  return out;
}

std::string PolicyDigest(std::string_view pack_bytes) {
  return oci::Digest::OfBytes(pack_bytes).str();
}

std::string InputsHash(std::vector<std::string> document_digests) {
  std::sort(document_digests.begin(), document_digests.end());
  document_digests.erase(std::unique(document_digests.begin(), document_digests.end()),
                         document_digests.end());
  std::string joined;
  for (std::size_t i = 0; i < document_digests.size(); ++i) {
    if (i > 0) joined.push_back('\n');
    joined += document_digests[i];
  }
  return oci::Digest::OfBytes(joined).str();
}

PolicySnapshot MakePolicySnapshot(std::string policy_commit, std::string_view pack_bytes,
                                  std::vector<std::string> document_digests) {
  return PolicySnapshot{std::move(policy_commit), PolicyDigest(pack_bytes),
                        InputsHash(std::move(document_digests))};
}

json::Json SnapshotToJson(const PolicySnapshot& snapshot) {
  return json::Json{{"policyVersion", snapshot.policy_version},
                    {"policyDigest", snapshot.policy_digest},
                    {"inputsHash", snapshot.inputs_hash}};
}

}  // namespace ec::evidence
