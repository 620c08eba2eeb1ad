#include "trivy/sources/node_reader.h"

#include <cctype>
#include <charconv>
#include <cmath>

#include "trivy/sources/ecosystems.h"
#include "trivy/sources/source_ids.h"

namespace ec::trivy {
namespace {

using json::Json;

Status StringField(const Json& doc, const char* name, std::string& out) {
  auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return OkStatus();
  if (!it->is_string()) return InvalidArgument(StrCat(name, ": not a string"));
  out = it->get<std::string>();
  return OkStatus();
}

Status StringsField(const Json& doc, const char* name, std::vector<std::string>& out) {
  auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return OkStatus();
  if (!it->is_array()) return InvalidArgument(StrCat(name, ": not an array"));
  for (const auto& e : *it) {
    if (!e.is_string()) return InvalidArgument(StrCat(name, ": not an array of strings"));
    out.push_back(e.get<std::string>());
  }
  return OkStatus();
}

// node.go Number.UnmarshalJSON: a number, or a string whose first word is a number.
Result<double> CvssScore(const Json& doc) {
  auto it = doc.find("cvss_score");
  if (it == doc.end() || it->is_null()) return -1.0;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    std::string text = it->get<std::string>();
    std::string first = text.substr(0, text.find(' '));
    double value = 0;
    auto [end, ec] = std::from_chars(first.data(), first.data() + first.size(), value);
    if (ec != std::errc() || end != first.data() + first.size() || first.empty()) {
      return InvalidArgument(StrCat("cvss_score: \"", text, "\" is not a number"));
    }
    return value;
  }
  return -1.0;  // booleans, objects: Go's decoder lands in the default branch too
}

std::string TrimSpace(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::vector<std::string> SplitOr(const std::string& ranges) {
  std::vector<std::string> out;
  if (ranges.empty()) return out;
  std::size_t start = 0;
  while (true) {
    std::size_t bar = ranges.find("||", start);
    out.push_back(TrimSpace(ranges.substr(start, bar == std::string::npos ? bar : bar - start)));
    if (bar == std::string::npos) break;
    start = bar + 2;
  }
  return out;
}

}  // namespace

namespace {

// npm advisory: module_name plus a version or CVE member (CocoaPods specs also have a
// module_name). Core / deps advisory: a "cve" array.
bool IsNodeAdvisory(const json::Json& object) {
  if (!object.is_object()) return false;
  if (object.contains("module_name") &&
      (object.contains("vulnerable_versions") || object.contains("patched_versions") ||
       object.contains("cves"))) {
    return true;
  }
  auto cve = object.find("cve");
  return cve != object.end() && cve->is_array();
}

}  // namespace

bool LooksLikeNodeSecurityWg(const json::Json& document) {
  if (IsNodeAdvisory(document)) return true;
  // vuln/{npm,core,deps}/index.json: id → advisory, the per-file advisories once more.
  return document.is_object() && !document.empty() && IsNodeAdvisory(document.begin().value());
}

Result<DocumentOutcome> ReadNodeSecurityWg(const json::Json& document, Staging& staging) {
  DocumentOutcome outcome;
  std::string module;
  EC_RETURN_IF_ERROR(StringField(document, "module_name", module));
  if (module.empty()) {
    // trivy-db decodes every file as an npm advisory and skips those without a module:
    // advisories about Node.js itself and the index files.
    outcome.dropped.push_back(IsNodeAdvisory(document)
                                  ? "nodejs-security-wg: Node.js core advisory (no module)"
                                  : "nodejs-security-wg: index file (no module)");
    return outcome;
  }
  long long id = 0;
  if (auto it = document.find("id"); it != document.end() && !it->is_null()) {
    if (!it->is_number_integer()) return InvalidArgument("id: not an integer");
    id = it->get<long long>();
  }
  std::string title, overview, vulnerable, patched;
  std::vector<std::string> cves, references;
  EC_RETURN_IF_ERROR(StringField(document, "title", title));
  EC_RETURN_IF_ERROR(StringField(document, "overview", overview));
  EC_RETURN_IF_ERROR(StringField(document, "vulnerable_versions", vulnerable));
  EC_RETURN_IF_ERROR(StringField(document, "patched_versions", patched));
  EC_RETURN_IF_ERROR(StringsField(document, "cves", cves));
  EC_RETURN_IF_ERROR(StringsField(document, "references", references));
  EC_ASSIGN_OR_RETURN(double score, CvssScore(document));
  if (score <= 0) score = -1;

  const DataSource source{std::string(source_id::kNodejsSecurityWg),
                          "Node.js Ecosystem Security Working Group",
                          "https://github.com/nodejs/security-wg"};
  const std::string bucket = LanguageBucket("npm", source.name);
  std::string package = module;
  for (char& c : package) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (cves.empty()) cves.push_back(StrCat("NSWG-ECO-", id));

  Advisory advisory;
  advisory.vulnerable_versions = SplitOr(vulnerable);
  advisory.patched_versions = SplitOr(patched);
  VulnerabilityDetail detail;
  detail.cvss_score = score;
  detail.references = references;
  detail.title = title;
  detail.description = overview;
  Origin origin{"", StrCat("NSWG-ECO-", id)};
  staging.PutDataSource(bucket, source);
  for (const auto& vuln_id : cves) {
    staging.PutAdvisory(vuln_id, bucket, package, advisory, origin);
    staging.PutDetail(vuln_id, std::string(source_id::kNodejsSecurityWg), detail, origin);
    ++outcome.advisories;
  }
  return outcome;
}

}  // namespace ec::trivy
