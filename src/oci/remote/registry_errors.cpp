#include "oci/remote/registry_errors.h"

#include "json/parse.h"

namespace ec::oci::remote {

Status StatusFromResponse(std::string_view what, const HttpResponse& response) {
  std::string detail;
  std::string code_name;
  if (!response.body.empty()) {
    auto doc = json::Parse(response.body, "error body");
    if (doc.ok() && doc->is_object() && doc->contains("errors") && (*doc)["errors"].is_array() &&
        !(*doc)["errors"].empty()) {
      const auto& e = (*doc)["errors"][0];
      if (e.contains("code") && e["code"].is_string()) code_name = e["code"].get<std::string>();
      if (e.contains("message") && e["message"].is_string()) detail = e["message"].get<std::string>();
    } else {
      detail = response.body.substr(0, 200);
      while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.pop_back();
    }
  }
  std::string msg = StrCat(what, ": HTTP ", response.status);
  if (!code_name.empty()) msg += " " + code_name;
  if (!detail.empty()) msg += ": " + detail;
  if (response.body.empty() && response.status >= 400 && response.status != 404) {
    msg += " (no response body; HEAD responses carry none)";
  }
  long s = response.status;
  if (s == 401) return Status(Code::kUnauthenticated, msg + "; check the credentials (--username, --registry-config)");
  if (s == 403) return Status(Code::kPermissionDenied, msg);
  if (s == 404) return NotFound(msg);
  if (s == 405) return NotSupported(msg + "; not supported by this registry");
  if (s == 429 || s >= 500) return Unavailable(msg);
  if (code_name == "DIGEST_INVALID" || code_name == "SIZE_INVALID") return DataLoss(msg);
  return InvalidArgument(msg);
}

}  // namespace ec::oci::remote
