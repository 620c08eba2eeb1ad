#include "evidence/osv_normaliser.h"

#include <exception>
#include <string>
#include <unordered_map>

#include "evidence/cvss_severity.h"
#include "evidence/json_fields.h"
#include "evidence/normalise_common.h"
#include "evidence/purl.h"
#include "evidence/time_utc.h"

namespace ec::evidence {
namespace {

// The band of the first usable entry of an OSV severity[] list: CVSS v3 vectors are scored;
// Ubuntu's entries carry a word. CVSS v2/v4 vectors are skipped (not scored here).
std::string_view SeverityOfList(const json::Json& list) {
  for (const auto& s : list) {
    std::string_view type = StringField(s, "type");
    std::string_view score = StringField(s, "score");
    std::string_view band;
    if (type == "CVSS_V3") band = SeverityFromCvssV3(score);
    if (type == "Ubuntu") band = SeverityFromWord(score);
    if (!band.empty()) return band;
  }
  return "";
}

std::string_view SeverityWord(const json::Json& holder) {
  return SeverityFromWord(StringField(ObjectField(holder, "database_specific"), "severity"));
}

Result<NormalisedDocument> NormaliseImpl(const json::Json& doc, std::string_view what) {
  std::string_view id = StringField(doc, "id");
  if (id.empty()) {
    return InvalidArgument(StrCat(what, ": OSV \"id\": got ",
                                  Field(doc, "id") ? Field(doc, "id")->type_name() : "nothing",
                                  ", want a non-empty string"));
  }
  NormalisedDocument out;
  out.format = DocumentFormat::kOsv;
  out.kind = SourceKind::kAdvisory;
  out.id = id;
  out.modified = NormaliseTime(StringField(doc, "modified"));
  if (out.modified.empty()) out.modified = NormaliseTime(StringField(doc, "published"));

  Record base;
  base.kind = SourceKind::kAdvisory;
  base.vulnerability = id;
  for (const auto& alias : ArrayField(doc, "aliases")) {
    if (alias.is_string()) base.aliases.emplace_back(AsString(alias));
  }
  base.modified = out.modified;
  base.summary = OneLine(StringField(doc, "summary"));
  if (base.summary.empty()) base.summary = OneLine(StringField(doc, "details"));
  const std::string_view top_vector = SeverityOfList(ArrayField(doc, "severity"));
  const std::string_view top_word = SeverityWord(doc);

  std::unordered_map<std::string, std::size_t> by_package;  // purl or name → record index
  std::vector<bool> version_conflict;
  for (const auto& affected : ArrayField(doc, "affected")) {
    if (!affected.is_object()) continue;
    Record r = base;
    const json::Json& pkg = ObjectField(affected, "package");
    std::string_view name = StringField(pkg, "name");
    std::string_view purl = StringField(pkg, "purl");
    const json::Json& versions = ArrayField(affected, "versions");
    if (versions.size() == 1) r.version = AsString(versions[0]);
    r.package = name;
    if (!purl.empty()) {
      SetPurl(r, purl);
    } else if (std::string built = BuildPurl(StringField(pkg, "ecosystem"), name); !built.empty()) {
      SetPurl(r, built);
    }
    for (const auto& range : ArrayField(affected, "ranges")) {
      if (StringField(range, "type") == "GIT") continue;
      for (const auto& event : ArrayField(range, "events")) {
        std::string_view fixed = StringField(event, "fixed");
        if (!fixed.empty()) r.fixed_versions.emplace_back(fixed);
      }
    }
    r.severity = SeverityOfList(ArrayField(affected, "severity"));
    if (r.severity.empty()) r.severity = top_vector;
    if (r.severity.empty()) r.severity = SeverityWord(affected);
    if (r.severity.empty()) {
      r.severity = SeverityFromWord(
          StringField(ObjectField(affected, "ecosystem_specific"), "severity"));
    }
    if (r.severity.empty()) r.severity = top_word;

    // Several affected[] entries for one package (one per release branch) become one record.
    std::string key = r.purl.empty() ? "name:" + r.package : r.purl;
    auto [it, inserted] = by_package.emplace(std::move(key), out.records.size());
    if (inserted) {
      if (RecordsFull(out)) return TooManyRecords(what);
      out.records.push_back(std::move(r));
      version_conflict.push_back(false);
      continue;
    }
    Record& merged = out.records[it->second];
    merged.fixed_versions.insert(merged.fixed_versions.end(), r.fixed_versions.begin(),
                                 r.fixed_versions.end());
    if (merged.version != r.version || version_conflict[it->second]) {
      merged.version.clear();  // no longer a single affected version
      version_conflict[it->second] = true;
    }
    if (merged.severity.empty()) merged.severity = std::move(r.severity);
  }
  if (out.records.empty()) {
    base.severity = top_vector.empty() ? top_word : top_vector;
    out.records.push_back(std::move(base));
  }
  EC_RETURN_IF_ERROR(FinishDocument(out, what));
  return out;
}

}  // namespace

Result<NormalisedDocument> NormaliseOsv(const json::Json& doc, std::string_view what) {
  try {
    return NormaliseImpl(doc, what);
  } catch (const std::exception& e) {  // only allocation failures are expected here
    return Internal(StrCat(what, ": normalising OSV: ", e.what()));
  }
}

}  // namespace ec::evidence
