// Lists the advisory files under a set of sources: explicitly named files as given;
// directories walked recursively for *.json / *.yaml / *.yml, without following symlinked
// directories and skipping entries whose name starts with ".". The result is deduplicated
// (by canonical path) and sorted by path, so it does not depend on the order of `sources`
// or on directory order.
#pragma once

#include <filesystem>
#include <vector>

#include "status.h"

namespace ec::trivy {

// Errors: a source that does not exist, a directory that cannot be walked, or more than
// kMaxSourceFiles files.
Result<std::vector<std::filesystem::path>> ListAdvisoryFiles(
    const std::vector<std::filesystem::path>& sources);

}  // namespace ec::trivy
