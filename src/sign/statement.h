// in-toto Statement v1 carrying a SLSA Provenance v1 predicate: what Export Center attests
// about each export (which artifacts, built from what, by which builder, when). The DSSE
// payload is the statement's RFC 8785 canonical JSON, so the same provenance always gives the
// same bytes and the same signature.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "json/parse.h"
#include "status.h"

namespace ec::sign {

inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";
inline constexpr std::string_view kInTotoStatementV1 = "https://in-toto.io/Statement/v1";
// Older cosign versions write v0.1; its subject / predicate layout is the same.
inline constexpr std::string_view kInTotoStatementV01 = "https://in-toto.io/Statement/v0.1";
inline constexpr std::string_view kSlsaProvenanceV1 = "https://slsa.dev/provenance/v1";
// Statements read back are single documents; this keeps a hostile one from costing much.
inline constexpr std::size_t kMaxSubjects = 10000;

struct Subject {
  std::string name;        // optional
  std::string sha256_hex;  // lower-case hex; empty when the subject has no sha256 digest
};

// A resolved dependency: at least one of uri and sha256_hex.
struct ResourceDescriptor {
  std::string uri;
  std::string name;
  std::string sha256_hex;
};

struct Provenance {
  std::vector<Subject> subjects;                          // at least one, each with a sha256
  std::string build_type;                                 // TypeURI, required
  std::string builder_id;                                 // TypeURI, required
  json::Json external_parameters = json::Json::object();  // an object (null means {})
  std::vector<ResourceDescriptor> resolved_dependencies;
  std::string invocation_id;
  std::string started_on, finished_on;  // RFC 3339 UTC ("2026-01-02T03:04:05Z"), optional
  std::map<std::string, std::string> builder_version;  // component → version
};

// The statement {_type, subject, predicateType, predicate}. Empty optional fields are left
// out (SLSA treats unset, null and empty alike). Refuses a provenance that verifiers would
// reject: no subjects, a digest that is not 64 lower-case hex, missing required fields,
// malformed timestamps.
Result<json::Json> ProvenanceStatement(const Provenance& provenance);
// json::Canonical of the statement: the DSSE payload.
Result<std::string> ProvenancePayload(const Provenance& provenance);

struct ParsedStatement {
  std::string type;  // _type
  std::string predicate_type;
  std::vector<Subject> subjects;
  json::Json predicate;  // null when absent
};

// Reads a statement from DSSE payload bytes (the verified bytes, never re-serialised ones).
Result<ParsedStatement> ParseStatement(std::string_view payload);

// OK when a subject has sha256 `sha256_hex`; in-toto matches subjects by digest only.
Status CheckSubject(const ParsedStatement& statement, std::string_view sha256_hex);

}  // namespace ec::sign
