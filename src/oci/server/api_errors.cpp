#include "oci/server/api_errors.h"

#include <nlohmann/json.hpp>

namespace ec::oci::server {

std::string ApiError::Body() const {
  nlohmann::json error = {{"code", code}, {"message", message}, {"detail", nlohmann::json::object()}};
  nlohmann::json body = {{"errors", nlohmann::json::array({error})}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ApiError MakeError(int http_status, std::string_view code, std::string_view message) {
  return ApiError{http_status, std::string(code), std::string(message)};
}

ApiError ErrorFromStatus(const Status& status, std::string_view not_found_code) {
  switch (status.code()) {
    case Code::kNotFound:
      return MakeError(404, not_found_code, status.message());
    case Code::kInvalidArgument:
      return MakeError(400, "MANIFEST_INVALID", status.message());
    case Code::kDataLoss:
      return MakeError(400, "DIGEST_INVALID", status.message());
    case Code::kFailedPrecondition:
      return MakeError(400, "MANIFEST_BLOB_UNKNOWN", status.message());
    case Code::kUnauthenticated:
      return MakeError(401, "UNAUTHORIZED", status.message());
    case Code::kPermissionDenied:
      return MakeError(403, "DENIED", status.message());
    case Code::kNotSupported:
      return MakeError(405, "UNSUPPORTED", status.message());
    case Code::kUnavailable:
      return MakeError(503, "UNAVAILABLE", status.message());
    default:
      return MakeError(500, "UNKNOWN", status.message());
  }
}

}  // namespace ec::oci::server
