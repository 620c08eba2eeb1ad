// The inverse of RecordToJson, for records read back from the store.
#include "evidence/record.h"

namespace ec::evidence {
namespace {

std::string Str(const json::Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> Strs(const json::Json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

Result<Record> RecordFromJson(const json::Json& j, std::string_view what) {
  if (!j.is_object()) return InvalidArgument(StrCat(what, ": record is not a JSON object"));
  Record r;
  const std::string kind = Str(j, "kind");
  if (kind == "advisory") {
    r.kind = SourceKind::kAdvisory;
  } else if (kind == "vex") {
    r.kind = SourceKind::kVex;
  } else if (kind == "sbom") {
    r.kind = SourceKind::kSbom;
  } else {
    return InvalidArgument(StrCat(what, ": record kind \"", kind, "\": want advisory, vex or sbom"));
  }
  r.vulnerability = Str(j, "vulnerability");
  r.aliases = Strs(j, "aliases");
  r.purl = Str(j, "purl");
  r.ecosystem = Str(j, "ecosystem");
  r.package = Str(j, "package");
  r.version = Str(j, "version");
  r.severity = Str(j, "severity");
  r.vex_status = Str(j, "vexStatus");
  r.justification = Str(j, "justification");
  r.fixed_versions = Strs(j, "fixedVersions");
  r.modified = Str(j, "modified");
  r.summary = Str(j, "summary");
  return r;
}

}  // namespace ec::evidence
