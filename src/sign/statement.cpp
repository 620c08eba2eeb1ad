#include "sign/statement.h"

#include <cctype>

#include "json/canonical.h"
#include "sign/json_fields.h"

namespace ec::sign {
namespace {

bool IsSha256Hex(std::string_view hex) {
  if (hex.size() != 64) return false;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status CheckSha256(std::string_view hex, std::string_view what) {
  if (IsSha256Hex(hex)) return OkStatus();
  return InvalidArgument(StrCat(what, ": sha256 \"", hex, "\": got ", hex.size(),
                                " characters, want 64 lower-case hex"));
}

// RFC 3339 in UTC as SLSA asks for: "YYYY-MM-DDTHH:MM:SS[.fraction]Z".
bool IsRfc3339Utc(std::string_view text) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < kShape.size() + 1 || text.back() != 'Z') return false;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (kShape[i] == 'd' ? !digit : text[i] != kShape[i]) return false;
  }
  std::string_view rest = text.substr(kShape.size(), text.size() - kShape.size() - 1);
  if (rest.empty()) return true;
  if (rest.size() < 2 || rest[0] != '.') return false;
  for (char c : rest.substr(1)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Status CheckTimestamp(std::string_view text, std::string_view field) {
  if (text.empty() || IsRfc3339Utc(text)) return OkStatus();
  return InvalidArgument(StrCat("provenance ", field, " \"", text,
                                "\": want RFC 3339 UTC, like 2026-01-02T03:04:05Z"));
}

json::Json DigestSet(const std::string& sha256_hex) { return {{"sha256", sha256_hex}}; }

Result<json::Json> Dependency(const ResourceDescriptor& dep, std::size_t index) {
  const std::string what = StrCat("provenance resolvedDependencies[", index, "]");
  if (dep.uri.empty() && dep.sha256_hex.empty()) {
    return InvalidArgument(StrCat(what, " (name \"", dep.name, "\"): want a uri or a digest"));
  }
  json::Json out = json::Json::object();
  if (!dep.uri.empty()) out["uri"] = dep.uri;
  if (!dep.name.empty()) out["name"] = dep.name;
  if (!dep.sha256_hex.empty()) {
    EC_RETURN_IF_ERROR(CheckSha256(dep.sha256_hex, what));
    out["digest"] = DigestSet(dep.sha256_hex);
  }
  return out;
}

Result<Subject> SubjectFromJson(const json::Json& value, std::string_view what) {
  EC_RETURN_IF_ERROR(internal::RequireObject(value, what));
  Subject subject;
  EC_ASSIGN_OR_RETURN(subject.name, internal::OptionalString(value, "name", what));
  EC_ASSIGN_OR_RETURN(const json::Json* digest,
                      internal::Required(value, "digest", json::Json::value_t::object, what));
  if (digest->empty()) return InvalidArgument(StrCat(what, ": field \"digest\" is empty"));
  const std::string digest_what = StrCat(what, " digest");
  EC_ASSIGN_OR_RETURN(subject.sha256_hex, internal::OptionalString(*digest, "sha256", digest_what));
  if (!subject.sha256_hex.empty()) EC_RETURN_IF_ERROR(CheckSha256(subject.sha256_hex, digest_what));
  return subject;
}

}  // namespace

Result<json::Json> ProvenanceStatement(const Provenance& provenance) {
  if (provenance.subjects.empty()) {
    return InvalidArgument("provenance: no subjects; want at least one");
  }
  if (provenance.build_type.empty()) return InvalidArgument("provenance: buildType is empty");
  if (provenance.builder_id.empty()) return InvalidArgument("provenance: builder id is empty");
  if (!provenance.external_parameters.is_null() && !provenance.external_parameters.is_object()) {
    return InvalidArgument(StrCat("provenance externalParameters: got ",
                                  provenance.external_parameters.type_name(), ", want object"));
  }
  EC_RETURN_IF_ERROR(CheckTimestamp(provenance.started_on, "startedOn"));
  EC_RETURN_IF_ERROR(CheckTimestamp(provenance.finished_on, "finishedOn"));

  json::Json subjects = json::Json::array();
  for (std::size_t i = 0; i < provenance.subjects.size(); ++i) {
    const Subject& subject = provenance.subjects[i];
    EC_RETURN_IF_ERROR(CheckSha256(subject.sha256_hex, StrCat("provenance subject[", i, "]")));
    json::Json entry = {{"digest", DigestSet(subject.sha256_hex)}};
    if (!subject.name.empty()) entry["name"] = subject.name;
    subjects.push_back(std::move(entry));
  }

  json::Json build_definition = {{"buildType", provenance.build_type},
                                 {"externalParameters", provenance.external_parameters.is_null()
                                                            ? json::Json::object()
                                                            : provenance.external_parameters}};
  if (!provenance.resolved_dependencies.empty()) {
    json::Json deps = json::Json::array();
    for (std::size_t i = 0; i < provenance.resolved_dependencies.size(); ++i) {
      EC_ASSIGN_OR_RETURN(json::Json dep, Dependency(provenance.resolved_dependencies[i], i));
      deps.push_back(std::move(dep));
    }
    build_definition["resolvedDependencies"] = std::move(deps);
  }

  json::Json builder = {{"id", provenance.builder_id}};
  if (!provenance.builder_version.empty()) {
    builder["version"] = json::Json(provenance.builder_version);
  }
  json::Json run_details = {{"builder", std::move(builder)}};
  json::Json metadata = json::Json::object();
  if (!provenance.invocation_id.empty()) metadata["invocationId"] = provenance.invocation_id;
  if (!provenance.started_on.empty()) metadata["startedOn"] = provenance.started_on;
  if (!provenance.finished_on.empty()) metadata["finishedOn"] = provenance.finished_on;
  if (!metadata.empty()) run_details["metadata"] = std::move(metadata);

  return json::Json{
      {"_type", kInTotoStatementV1},
      {"subject", std::move(subjects)},
      {"predicateType", kSlsaProvenanceV1},
      {"predicate",
       {{"buildDefinition", std::move(build_definition)}, {"runDetails", std::move(run_details)}}}};
}

Result<std::string> ProvenancePayload(const Provenance& provenance) {
  EC_ASSIGN_OR_RETURN(json::Json statement, ProvenanceStatement(provenance));
  Result<std::string> bytes = json::CanonicalChecked(statement);
  if (!bytes.ok()) return bytes.status().WithPrefix("provenance statement");
  return bytes;
}

Result<ParsedStatement> ParseStatement(std::string_view payload) {
  static constexpr std::string_view kWhat = "in-toto statement";
  EC_ASSIGN_OR_RETURN(json::Json value, json::Parse(payload, kWhat));
  EC_RETURN_IF_ERROR(internal::RequireObject(value, kWhat));
  ParsedStatement statement;
  EC_ASSIGN_OR_RETURN(statement.type, internal::RequiredString(value, "_type", kWhat));
  if (statement.type != kInTotoStatementV1 && statement.type != kInTotoStatementV01) {
    return InvalidArgument(StrCat(kWhat, ": field \"_type\": got \"", statement.type, "\", want \"",
                                  kInTotoStatementV1, "\""));
  }
  EC_ASSIGN_OR_RETURN(statement.predicate_type,
                      internal::RequiredString(value, "predicateType", kWhat));
  EC_ASSIGN_OR_RETURN(const json::Json* subjects,
                      internal::Required(value, "subject", json::Json::value_t::array, kWhat));
  if (subjects->empty()) {
    return InvalidArgument(StrCat(kWhat, ": field \"subject\" is empty; want at least one"));
  }
  if (subjects->size() > kMaxSubjects) {
    return InvalidArgument(
        StrCat(kWhat, ": got ", subjects->size(), " subjects, want at most ", kMaxSubjects));
  }
  for (std::size_t i = 0; i < subjects->size(); ++i) {
    EC_ASSIGN_OR_RETURN(Subject subject,
                        SubjectFromJson((*subjects)[i], StrCat(kWhat, " subject[", i, "]")));
    statement.subjects.push_back(std::move(subject));
  }
  if (const json::Json* predicate = internal::Find(value, "predicate")) {
    statement.predicate = *predicate;
  }
  return statement;
}

Status CheckSubject(const ParsedStatement& statement, std::string_view sha256_hex) {
  for (const Subject& subject : statement.subjects) {
    // A subject without a sha256 digest must not match an empty expectation.
    if (!subject.sha256_hex.empty() && subject.sha256_hex == sha256_hex) return OkStatus();
  }
  return DataLoss(StrCat("in-toto statement (predicateType \"", statement.predicate_type,
                         "\") has no subject with sha256 ", sha256_hex, " among its ",
                         statement.subjects.size(), " subject(s)"));
}

}  // namespace ec::sign
