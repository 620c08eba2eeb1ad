// The registry's access gate when `serve --auth service`: the export service's API tokens
// open the registry API too (Bearer ect_…, or Basic with the token as the password, as
// `docker login` / `podman login` send it), and each tenant's repositories are its own: a
// token reaches only repositories under "<tenant>/" (exports land in <tenant>/exports/…).
// Pulls need export:read or export:download; pushes and deletes need admin. The catalog lists
// only the caller's tenant's repositories.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "oci/server/access_gate.h"
#include "service/run_store.h"

namespace ec::service {

class ServiceGate final : public oci::server::AccessGate {
 public:
  explicit ServiceGate(RunStore& runs) : runs_(runs) {}
  oci::server::AccessDecision Check(const oci::server::AuthContext& context,
                                    const std::vector<oci::server::AccessNeed>& needs) override;
  bool CanPull(const std::string& user, const std::string& repository) override;

 private:
  // Whether `who` may do `action` on `repository`.
  static bool Allows(const Principal& who, const std::string& repository, const std::string& action);

  RunStore& runs_;
  std::mutex mu_;
  std::map<std::string, Principal> seen_;  // user (tenant/token name) → principal, for CanPull
};

}  // namespace ec::service
