// The distribution spec's error codes and the JSON body every error response carries:
// {"errors":[{"code":"…","message":"…","detail":…}]}.
#pragma once

#include <string>
#include <string_view>

#include "status.h"

namespace ec::oci::server {

struct ApiError {
  int http_status = 500;
  std::string code;      // BLOB_UNKNOWN, MANIFEST_INVALID, …
  std::string message;

  std::string Body() const;
};

ApiError MakeError(int http_status, std::string_view code, std::string_view message);

// Maps a Status from the store to an API error. `not_found_code` is what a kNotFound means
// on this route (BLOB_UNKNOWN, MANIFEST_UNKNOWN, NAME_UNKNOWN, BLOB_UPLOAD_UNKNOWN).
ApiError ErrorFromStatus(const Status& status, std::string_view not_found_code);

}  // namespace ec::oci::server
