// A manifest as fetched: its descriptor, its exact bytes (what is stored and copied) and the
// parsed view.
#pragma once

#include <string>

#include "oci/descriptor.h"
#include "oci/manifest.h"

namespace ec::oci {

struct FetchedManifest {
  Descriptor desc;
  std::string bytes;
  Manifest manifest;
};

}  // namespace ec::oci
