// The OpenAPI 3.0.3 description of the export service's REST API (/v1/…, the health and
// metrics routes and the web console), served at /.well-known/openapi. It is the contract
// the server's route table is tested against: OpenApiOperations() must list exactly the
// routes the server answers.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ec::service {

// The document as JSON text (static storage, valid for the program's lifetime).
std::string_view OpenApiDocument();

// Every operation in the document as (METHOD upper-case, path template), e.g.
// {"GET", "/v1/runs/{id}/files/{name}"}, sorted by path then method. Empty only if the
// document does not parse (a bug the tests catch).
std::vector<std::pair<std::string, std::string>> OpenApiOperations();

}  // namespace ec::service
