#include "evidence/cyclonedx_normaliser.h"

#include <exception>
#include <string>
#include <unordered_map>

#include "evidence/cvss_severity.h"
#include "evidence/json_fields.h"
#include "evidence/normalise_common.h"
#include "evidence/time_utc.h"

namespace ec::evidence {
namespace {

using RefIndex = std::unordered_map<std::string_view, const json::Json*>;

// Calls `visit(component)` (returning Status) for every component under `list`, depth first.
template <typename Visit>
Status WalkComponents(const json::Json& list, int depth, std::string_view what, Visit& visit) {
  if (depth > kMaxNestingDepth) {
    return InvalidArgument(
        StrCat(what, ": CycloneDX components nest deeper than ", kMaxNestingDepth, " levels"));
  }
  for (const auto& component : list) {
    if (!component.is_object()) continue;
    EC_RETURN_IF_ERROR(visit(component));
    EC_RETURN_IF_ERROR(
        WalkComponents(ArrayField(component, "components"), depth + 1, what, visit));
  }
  return OkStatus();
}

void FillFromComponent(const json::Json& component, Record& r) {
  r.version = StringField(component, "version");
  std::string_view purl = StringField(component, "purl");
  if (!purl.empty()) SetPurl(r, purl);
  std::string_view name = StringField(component, "name");
  if (name.empty()) return;  // keep the purl-derived name
  std::string_view group = StringField(component, "group");
  if (group.empty()) {
    r.package = name;
  } else {
    r.package.assign(group);
    r.package += r.ecosystem == "maven" ? ':' : '/';
    r.package += name;
  }
}

NormalisedDocument Header(const json::Json& doc, DocumentFormat format, SourceKind kind) {
  NormalisedDocument out;
  out.format = format;
  out.kind = kind;
  out.id = StringField(doc, "serialNumber");
  out.modified = NormaliseTime(StringField(ObjectField(doc, "metadata"), "timestamp"));
  return out;
}

std::string_view VexStatus(std::string_view state) {
  if (state == "not_affected" || state == "false_positive") return "not_affected";
  if (state == "resolved" || state == "resolved_with_pedigree") return "fixed";
  if (state == "exploitable") return "affected";
  if (state == "in_triage") return "under_investigation";
  return "";
}

std::string_view RatingSeverity(const json::Json& rating) {
  std::string_view band = SeverityFromWord(StringField(rating, "severity"));
  if (!band.empty()) return band;
  std::string_view method = StringField(rating, "method");
  const json::Json* score = Field(rating, "score");
  if (score && score->is_number()) {
    if (method.substr(0, 6) == "CVSSv3" || method.substr(0, 6) == "CVSSv4") {
      return SeverityFromScore(score->get<double>());
    }
    if (method == "CVSSv2") return SeverityFromV2Score(score->get<double>());
  }
  std::string_view vector = StringField(rating, "vector");
  if (method.substr(0, 6) == "CVSSv3" && !vector.empty()) {
    if (vector.substr(0, 5) == "CVSS:") return SeverityFromCvssV3(vector);
    // CycloneDX vectors usually omit the "CVSS:3.x/" prefix; the method says which.
    return SeverityFromCvssV3(StrCat(method == "CVSSv3" ? "CVSS:3.0/" : "CVSS:3.1/", vector));
  }
  return "";
}

// A BOM-Link, "urn:cdx:<serial uuid>/<version>#<bom-ref>" (guac also writes
// "urn:uuid:<uuid>/<version>#<bom-ref>"); empty parts when `ref` is not one.
struct BomLink {
  std::string_view uuid;
  std::string_view fragment;
  // Whether the link points into the document with this serialNumber ("urn:uuid:<uuid>").
  bool self(std::string_view serial) const {
    return !uuid.empty() && serial.size() == 9 + uuid.size() && serial.substr(9) == uuid;
  }
};

BomLink ParseBomLink(std::string_view ref) {
  std::string_view rest;
  if (ref.substr(0, 8) == "urn:cdx:") {
    rest = ref.substr(8);
  } else if (ref.substr(0, 9) == "urn:uuid:") {
    rest = ref.substr(9);
  } else {
    return {};
  }
  std::size_t slash = rest.find('/');
  std::size_t hash = rest.find('#');
  if (slash == std::string_view::npos || hash == std::string_view::npos || hash < slash) return {};
  return BomLink{rest.substr(0, slash), rest.substr(hash + 1)};
}

Result<NormalisedDocument> SbomImpl(const json::Json& doc, std::string_view what) {
  NormalisedDocument out = Header(doc, DocumentFormat::kCycloneDx, SourceKind::kSbom);
  auto visit = [&out, what](const json::Json& component) {
    if (RecordsFull(out)) return TooManyRecords(what);
    Record r;
    r.kind = SourceKind::kSbom;
    FillFromComponent(component, r);
    r.modified = out.modified;
    out.records.push_back(std::move(r));
    return OkStatus();
  };
  EC_RETURN_IF_ERROR(WalkComponents(ArrayField(doc, "components"), 0, what, visit));
  EC_RETURN_IF_ERROR(FinishDocument(out, what));
  return out;
}

Result<NormalisedDocument> VexImpl(const json::Json& doc, std::string_view what) {
  NormalisedDocument out = Header(doc, DocumentFormat::kCycloneDxVex, SourceKind::kVex);
  RefIndex refs;
  auto index = [&refs](const json::Json& component) {
    std::string_view ref = StringField(component, "bom-ref");
    if (!ref.empty()) refs.emplace(ref, &component);
    return OkStatus();
  };
  if (const json::Json* subject = Field(ObjectField(doc, "metadata"), "component")) {
    EC_RETURN_IF_ERROR(index(*subject));
  }
  EC_RETURN_IF_ERROR(WalkComponents(ArrayField(doc, "components"), 0, what, index));

  const std::string_view serial = StringField(doc, "serialNumber");
  for (const auto& vuln : ArrayField(doc, "vulnerabilities")) {
    Record base;
    base.kind = SourceKind::kVex;
    base.vulnerability = StringField(vuln, "id");
    for (const auto& ref : ArrayField(vuln, "references")) {
      std::string_view alias = StringField(ref, "id");
      if (!alias.empty()) base.aliases.emplace_back(alias);
    }
    const json::Json& analysis = ObjectField(vuln, "analysis");
    base.vex_status = VexStatus(StringField(analysis, "state"));
    base.justification = StringField(analysis, "justification");
    for (const auto& rating : ArrayField(vuln, "ratings")) {
      base.severity = RatingSeverity(rating);
      if (!base.severity.empty()) break;
    }
    base.modified = NormaliseTime(StringField(analysis, "lastUpdated"));
    if (base.modified.empty()) base.modified = NormaliseTime(StringField(vuln, "updated"));
    if (base.modified.empty()) base.modified = NormaliseTime(StringField(vuln, "published"));
    if (base.modified.empty()) base.modified = out.modified;
    base.summary = OneLine(StringField(analysis, "detail"));
    if (base.summary.empty()) base.summary = OneLine(StringField(vuln, "description"));

    const json::Json& affects = ArrayField(vuln, "affects");
    for (const auto& affected : affects) {
      if (RecordsFull(out)) return TooManyRecords(what);
      Record r = base;
      std::string_view ref = StringField(affected, "ref");
      const json::Json& versions = ArrayField(affected, "versions");
      std::string_view single_version =
          versions.size() == 1 ? StringField(versions[0], "version") : std::string_view();
      BomLink link = ParseBomLink(ref);
      auto it = refs.find(link.self(serial) ? link.fragment : ref);
      if (it != refs.end()) {
        FillFromComponent(*it->second, r);
      } else if (link.fragment.substr(0, 4) == "pkg:") {
        SetPurl(r, link.fragment);
      } else if (ref.substr(0, 4) == "pkg:") {
        SetPurl(r, ref);
      } else {
        r.package = ref;
      }
      if (!single_version.empty()) r.version = single_version;
      out.records.push_back(std::move(r));
    }
    if (affects.empty()) {
      if (RecordsFull(out)) return TooManyRecords(what);
      out.records.push_back(std::move(base));
    }
  }
  EC_RETURN_IF_ERROR(FinishDocument(out, what));
  return out;
}

}  // namespace

Result<NormalisedDocument> NormaliseCycloneDxSbom(const json::Json& doc, std::string_view what) {
  try {
    return SbomImpl(doc, what);
  } catch (const std::exception& e) {  // only allocation failures are expected here
    return Internal(StrCat(what, ": normalising CycloneDX: ", e.what()));
  }
}

Result<NormalisedDocument> NormaliseCycloneDxVex(const json::Json& doc, std::string_view what) {
  try {
    return VexImpl(doc, what);
  } catch (const std::exception& e) {  // only allocation failures are expected here
    return Internal(StrCat(what, ": normalising CycloneDX VEX: ", e.what()));
  }
}

}  // namespace ec::evidence
