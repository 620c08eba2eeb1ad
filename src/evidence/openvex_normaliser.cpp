#include "evidence/openvex_normaliser.h"

#include <exception>
#include <string>

#include "evidence/json_fields.h"
#include "evidence/normalise_common.h"
#include "evidence/time_utc.h"

namespace ec::evidence {
namespace {

// A product or subcomponent: a string (v0.0.1) or {"@id", "identifiers": {"purl"}}.
std::string_view ProductId(const json::Json& product) {
  if (product.is_string()) return AsString(product);
  std::string_view purl = StringField(ObjectField(product, "identifiers"), "purl");
  std::string_view id = StringField(product, "@id");
  if (id.empty() || (id.substr(0, 4) != "pkg:" && !purl.empty())) return purl;
  return id;
}

std::string FirstTime(const json::Json& j) {
  std::string t = NormaliseTime(StringField(j, "last_updated"));
  return t.empty() ? NormaliseTime(StringField(j, "timestamp")) : t;
}

Status Emit(const Record& base, std::string_view id, NormalisedDocument& out,
            std::string_view what) {
  // Statement-level subcomponents multiply with products: check before every record.
  if (RecordsFull(out)) return TooManyRecords(what);
  Record r = base;
  if (!id.empty()) SetPurl(r, id);  // a non-purl id ends up in package
  out.records.push_back(std::move(r));
  return OkStatus();
}

Result<NormalisedDocument> NormaliseImpl(const json::Json& doc, std::string_view what) {
  const json::Json* statements = Field(doc, "statements");
  if (!statements || !statements->is_array()) {
    return InvalidArgument(StrCat(what, ": OpenVEX \"statements\": got ",
                                  statements ? statements->type_name() : "nothing",
                                  ", want an array"));
  }
  NormalisedDocument out;
  out.format = DocumentFormat::kOpenVex;
  out.kind = SourceKind::kVex;
  out.id = StringField(doc, "@id");
  out.modified = FirstTime(doc);

  for (const auto& statement : *statements) {
    Record base;
    base.kind = SourceKind::kVex;
    const json::Json* vuln = Field(statement, "vulnerability");
    if (vuln && vuln->is_object()) {
      base.vulnerability = StringField(*vuln, "name");
      if (base.vulnerability.empty()) base.vulnerability = StringField(*vuln, "@id");
      for (const auto& alias : ArrayField(*vuln, "aliases")) {
        if (alias.is_string()) base.aliases.emplace_back(AsString(alias));
      }
    } else if (vuln) {
      base.vulnerability = AsString(*vuln);
    }
    base.vex_status = StringField(statement, "status");
    base.justification = StringField(statement, "justification");
    base.modified = FirstTime(statement);
    if (base.modified.empty()) base.modified = out.modified;
    for (std::string_view key : {"impact_statement", "action_statement", "status_notes"}) {
      base.summary = OneLine(StringField(statement, key));
      if (!base.summary.empty()) break;
    }

    const json::Json& products = ArrayField(statement, "products");
    const json::Json& shared_subcomponents = ArrayField(statement, "subcomponents");  // v0.0.1
    for (const auto& product : products) {
      EC_RETURN_IF_ERROR(Emit(base, ProductId(product), out, what));
      for (const auto& sub : ArrayField(product, "subcomponents")) {
        EC_RETURN_IF_ERROR(Emit(base, ProductId(sub), out, what));
      }
      for (const auto& sub : shared_subcomponents) {
        EC_RETURN_IF_ERROR(Emit(base, ProductId(sub), out, what));
      }
    }
    if (products.empty()) {
      for (const auto& sub : shared_subcomponents) {
        EC_RETURN_IF_ERROR(Emit(base, ProductId(sub), out, what));
      }
      if (shared_subcomponents.empty()) EC_RETURN_IF_ERROR(Emit(base, "", out, what));
    }
  }
  EC_RETURN_IF_ERROR(FinishDocument(out, what));
  return out;
}

}  // namespace

Result<NormalisedDocument> NormaliseOpenVex(const json::Json& doc, std::string_view what) {
  try {
    return NormaliseImpl(doc, what);
  } catch (const std::exception& e) {  // only allocation failures are expected here
    return Internal(StrCat(what, ": normalising OpenVEX: ", e.what()));
  }
}

}  // namespace ec::evidence
