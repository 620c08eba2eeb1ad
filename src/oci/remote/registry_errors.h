// Turns a registry's error response (distribution-spec {"errors":[{code,message,detail}]})
// into a Status whose code says what to do and whose message keeps the method and URL.
#pragma once

#include <string_view>

#include "oci/remote/http_client.h"
#include "status.h"

namespace ec::oci::remote {

Status StatusFromResponse(std::string_view what, const HttpResponse& response);

}  // namespace ec::oci::remote
