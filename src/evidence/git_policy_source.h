// Reads a policy pack file out of a git repository at a ref, with libgit2. The repository is
// opened in place (bare or not) and the file is read from the commit's tree, so neither a clone
// nor the working tree is involved: what is read is exactly what the commit holds. Only local
// repositories are accepted (a path or a file:// URL); there is no network access.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "status.h"

namespace ec::evidence {

// Policy packs are small declarative files; anything larger is a mistake (or hostile).
inline constexpr std::size_t kMaxPolicyBytes = 1024 * 1024;  // 1 MiB

inline constexpr std::string_view kDefaultPolicyFile = "policy.yaml";
inline constexpr std::string_view kFallbackPolicyFile = "policy.json";

struct PolicySource {
  std::string commit;  // 40 lower-case hex: the commit the ref resolved to (policyVersion)
  std::string path;    // the file read, relative to the repository root
  std::string bytes;   // the blob, byte-exact
};

// `repository`: a directory (the work tree or the .git / bare directory; parents are not
// searched) or a file:// URL naming one. `ref`: a branch, tag, "HEAD", a full or abbreviated
// commit id, or anything else git rev-parse accepts that peels to a commit. `file`: a path
// inside the commit's tree; with the default ("policy.yaml"), "policy.json" is read when
// policy.yaml is absent.
// Errors: InvalidArgument (bad URL or argument, file not a regular file or too big),
// NotFound (repository, ref or file missing), Internal (other libgit2 failures).
Result<PolicySource> ReadPolicyFromGit(std::string_view repository, std::string_view ref,
                                       std::string_view file = kDefaultPolicyFile);

}  // namespace ec::evidence
