// Opens the Target a CLI argument names: "oci:DIR", "oci-archive:FILE", "store:REPO" or a
// registry.
#pragma once

#include <memory>

#include "oci/reference.h"
#include "oci/remote/registry_client.h"
#include "oci/target.h"

namespace ec::oci {

struct OpenOptions {
  bool create = false;   // a destination: create the layout or archive if missing
  remote::RegistryOptions registry;  // for registry references
  std::string store_dir;             // for store: references; empty = Store::DefaultPath()
};

Result<std::unique_ptr<Target>> OpenTarget(const TargetRef& ref, const OpenOptions& options = {});

}  // namespace ec::oci
