// The AccessGates `serve --auth` builds: HTTP Basic against an htpasswd file, and bearer
// tokens signed by our own token endpoint (/token), both deciding with an AccessPolicy.
#pragma once

#include <memory>
#include <string>

#include "oci/server/access_gate.h"
#include "status.h"

namespace ec::oci::server {

struct GateConfig {
  std::string auth = "none";      // none | htpasswd:FILE | token:FILE
  std::string access_file;        // JSON policy; empty: authenticated users may do everything
  bool anonymous_pull = false;
  std::string token_key_file;     // token mode: signing key; empty: random per run
  std::string realm = "export-center";    // Basic realm
  std::string service = "export-center";  // token audience
};

Result<std::shared_ptr<AccessGate>> MakeAccessGate(const GateConfig& config);
// "none", "htpasswd (basic)", "token" plus policy notes, for the startup line.
std::string DescribeGate(const GateConfig& config);

}  // namespace ec::oci::server
