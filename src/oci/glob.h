// Glob matching over a whole string: "*" matches any run of characters (including none and
// '/'), "?" any one character, everything else itself. Used for purl patterns in selectors
// and policy packs, and inside one path segment for repository patterns.
#pragma once

#include <string_view>

namespace ec::oci {

// `ignore_case` folds ASCII letters only.
bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case = false);

}  // namespace ec::oci
