#include "evidence/csaf_normaliser.h"

#include <exception>
#include <string>
#include <unordered_map>
#include <vector>

#include "evidence/cvss_severity.h"
#include "evidence/json_fields.h"
#include "evidence/normalise_common.h"
#include "evidence/time_utc.h"

namespace ec::evidence {
namespace {

// Views into the parsed document, which outlives the normalisation.
struct Product {
  std::string_view name;
  std::string_view purl;
  std::string_view version;  // from the branch path; the purl's version is preferred
};

using ProductMap = std::unordered_map<std::string_view, Product>;
using ProductValues = std::unordered_map<std::string_view, std::string_view>;

std::string_view HelperPurl(const json::Json& product) {
  const json::Json& helper = ObjectField(product, "product_identification_helper");
  std::string_view purl = StringField(helper, "purl");
  if (purl.empty()) {
    const json::Json& purls = ArrayField(helper, "purls");  // CSAF 2.1
    if (!purls.empty()) purl = AsString(purls[0]);
  }
  return purl;
}

void AddProduct(const json::Json& product, std::string_view version, ProductMap& products) {
  std::string_view id = StringField(product, "product_id");
  if (id.empty()) return;
  std::string_view name = StringField(product, "name");
  // Red Hat names each product_version branch after its product ("eap6-snakeyaml",
  // "curl-0:7.61.1-30.el8.x86_64"): such a branch name is not a version.
  if (version == name) version = "";
  products.emplace(id, Product{name, HelperPurl(product), version});
}

Status WalkBranches(const json::Json& branches, std::string_view version, int depth,
                    ProductMap& products, std::string_view what) {
  if (depth > kMaxNestingDepth) {
    return InvalidArgument(StrCat(what, ": product_tree branches nest deeper than ",
                                  kMaxNestingDepth, " levels"));
  }
  for (const auto& branch : branches) {
    std::string_view category = StringField(branch, "category");
    std::string_view here = version;
    if (category == "product_version" || category == "service_pack") {
      here = StringField(branch, "name");
    }
    if (const json::Json* product = Field(branch, "product")) AddProduct(*product, here, products);
    EC_RETURN_IF_ERROR(
        WalkBranches(ArrayField(branch, "branches"), here, depth + 1, products, what));
  }
  return OkStatus();
}

Status IndexProductTree(const json::Json& tree, ProductMap& products, std::string_view what) {
  EC_RETURN_IF_ERROR(WalkBranches(ArrayField(tree, "branches"), "", 0, products, what));
  for (const auto& product : ArrayField(tree, "full_product_names")) {
    AddProduct(product, "", products);
  }
  for (const auto& rel : ArrayField(tree, "relationships")) {
    const json::Json& full = ObjectField(rel, "full_product_name");
    std::string_view id = StringField(full, "product_id");
    if (id.empty()) continue;
    Product p{StringField(full, "name"), HelperPurl(full), ""};
    // The combined product is the component installed on/in the platform: identify it by
    // the component's purl and version.
    auto component = products.find(StringField(rel, "product_reference"));
    if (component != products.end()) {
      if (p.purl.empty()) p.purl = component->second.purl;
      p.version = component->second.version;
    }
    products.emplace(id, p);
  }
  return OkStatus();
}

// Product group id → product ids.
std::unordered_map<std::string_view, const json::Json*> IndexGroups(const json::Json& tree) {
  std::unordered_map<std::string_view, const json::Json*> groups;
  for (const auto& group : ArrayField(tree, "product_groups")) {
    std::string_view id = StringField(group, "group_id");
    if (!id.empty()) groups.emplace(id, &ArrayField(group, "product_ids"));
  }
  return groups;
}

// Assigns `value` to every product in `ids` (product ids) and `group_ids`, first one wins.
void Assign(const json::Json& holder, std::string_view ids_key, std::string_view value,
            const std::unordered_map<std::string_view, const json::Json*>& groups,
            ProductValues& out) {
  if (value.empty()) return;
  for (const auto& id : ArrayField(holder, ids_key)) out.emplace(AsString(id), value);
  for (const auto& gid : ArrayField(holder, "group_ids")) {
    auto group = groups.find(AsString(gid));
    if (group == groups.end()) continue;
    for (const auto& id : *group->second) out.emplace(AsString(id), value);
  }
}

// Severity from one CVSS container (2.0 score object or 2.1 metric content).
std::string_view CvssSeverity(const json::Json& content) {
  if (const json::Json* v3 = Field(content, "cvss_v3")) {
    std::string_view band = SeverityFromWord(StringField(*v3, "baseSeverity"));
    if (band.empty()) band = SeverityFromCvssV3(StringField(*v3, "vectorString"));
    const json::Json* score = Field(*v3, "baseScore");
    if (band.empty() && score && score->is_number()) band = SeverityFromScore(score->get<double>());
    if (!band.empty()) return band;
  }
  if (const json::Json* v4 = Field(content, "cvss_v4")) {
    std::string_view band = SeverityFromWord(StringField(*v4, "baseSeverity"));
    const json::Json* score = Field(*v4, "baseScore");
    if (band.empty() && score && score->is_number()) band = SeverityFromScore(score->get<double>());
    if (!band.empty()) return band;
  }
  if (const json::Json* v2 = Field(content, "cvss_v2")) {
    const json::Json* score = Field(*v2, "baseScore");
    if (score && score->is_number()) return SeverityFromV2Score(score->get<double>());
  }
  return "";
}

struct StatusList {
  std::string_view key;
  std::string_view vex_status;
};
constexpr StatusList kStatusLists[] = {
    {"known_not_affected", "not_affected"}, {"fixed", "fixed"},
    {"first_fixed", "fixed"},               {"known_affected", "affected"},
    {"first_affected", "affected"},         {"last_affected", "affected"},
    {"under_investigation", "under_investigation"},
};

std::string_view NoteText(const json::Json& vuln, std::string_view category) {
  for (const auto& note : ArrayField(vuln, "notes")) {
    if (StringField(note, "category") == category) return StringField(note, "text");
  }
  return "";
}

Result<NormalisedDocument> NormaliseImpl(const json::Json& doc, std::string_view what) {
  const json::Json& document = ObjectField(doc, "document");
  const json::Json& tracking = ObjectField(document, "tracking");
  NormalisedDocument out;
  const bool vex = StringField(document, "category") == "csaf_vex";
  out.format = vex ? DocumentFormat::kCsafVex : DocumentFormat::kCsaf;
  out.kind = vex ? SourceKind::kVex : SourceKind::kAdvisory;
  out.id = StringField(tracking, "id");
  out.modified = NormaliseTime(StringField(tracking, "current_release_date"));
  const std::string_view document_severity =
      SeverityFromWord(StringField(ObjectField(document, "aggregate_severity"), "text"));

  const json::Json& tree = ObjectField(doc, "product_tree");
  ProductMap products;
  EC_RETURN_IF_ERROR(IndexProductTree(tree, products, what));
  const auto groups = IndexGroups(tree);

  for (const auto& vuln : ArrayField(doc, "vulnerabilities")) {
    Record base;
    base.kind = out.kind;
    base.vulnerability = StringField(vuln, "cve");
    for (const auto& id : ArrayField(vuln, "ids")) {
      std::string_view text = StringField(id, "text");
      if (text.empty()) continue;
      if (base.vulnerability.empty()) {
        base.vulnerability = text;
      } else {
        base.aliases.emplace_back(text);
      }
    }
    base.modified = out.modified;
    base.summary = OneLine(StringField(vuln, "title"));
    if (base.summary.empty()) base.summary = OneLine(NoteText(vuln, "summary"));
    if (base.summary.empty()) base.summary = OneLine(NoteText(vuln, "description"));

    ProductValues severity, impact_word, justification;
    for (const auto& score : ArrayField(vuln, "scores")) {  // CSAF 2.0
      Assign(score, "products", CvssSeverity(score), groups, severity);
    }
    for (const auto& metric : ArrayField(vuln, "metrics")) {  // CSAF 2.1
      Assign(metric, "products", CvssSeverity(ObjectField(metric, "content")), groups, severity);
    }
    for (const auto& threat : ArrayField(vuln, "threats")) {
      if (StringField(threat, "category") != "impact") continue;
      Assign(threat, "product_ids", SeverityFromWord(StringField(threat, "details")), groups,
             impact_word);
    }
    for (const auto& flag : ArrayField(vuln, "flags")) {
      Assign(flag, "product_ids", StringField(flag, "label"), groups, justification);
    }
    auto lookup = [](const ProductValues& values, std::string_view id) {
      auto it = values.find(id);
      return it == values.end() ? std::string_view() : it->second;
    };

    const json::Json& statuses = ObjectField(vuln, "product_status");
    for (const auto& [key, vex_status] : kStatusLists) {
      for (const auto& pid_json : ArrayField(statuses, key)) {
        std::string_view pid = AsString(pid_json);
        if (pid.empty()) continue;
        if (RecordsFull(out)) return TooManyRecords(what);
        Record r = base;
        r.vex_status = vex_status;
        auto product = products.find(pid);
        if (product == products.end()) {
          r.package = pid;
        } else {
          r.package = product->second.name.empty() ? pid : product->second.name;
          if (!product->second.purl.empty()) SetPurl(r, product->second.purl);
          if (r.version.empty()) r.version = product->second.version;
        }
        if (vex_status == "fixed" && !r.version.empty()) r.fixed_versions.push_back(r.version);
        r.severity = lookup(severity, pid);
        if (r.severity.empty()) r.severity = lookup(impact_word, pid);
        if (r.severity.empty()) r.severity = document_severity;
        r.justification = lookup(justification, pid);
        out.records.push_back(std::move(r));
      }
    }
  }
  EC_RETURN_IF_ERROR(FinishDocument(out, what));
  return out;
}

}  // namespace

Result<NormalisedDocument> NormaliseCsaf(const json::Json& doc, std::string_view what) {
  try {
    return NormaliseImpl(doc, what);
  } catch (const std::exception& e) {  // only allocation failures are expected here
    return Internal(StrCat(what, ": normalising CSAF: ", e.what()));
  }
}

}  // namespace ec::evidence
