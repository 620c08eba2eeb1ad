// Offline verification of a devportal-offline-bundle.tgz, the same checks verify-offline.sh
// makes, in-process: every file against checksums.txt (and nothing unlisted), every
// manifest.json entry against its file, and with a key the DSSE envelope over manifest.json.
#pragma once

#include <filesystem>

#include "profiles/verify_export.h"
#include "sign/keys.h"

namespace ec::profiles {

VerifyReport VerifyDevportalBundle(const std::filesystem::path& tgz, const sign::PublicKey* key);

}  // namespace ec::profiles
