// Glob patterns over repository names, as the access policy file writes them ("team/*",
// "public/**", "exact/name").
//
// A pattern and a name are compared as '/'-separated path segments:
//   - a literal segment matches the same segment;
//   - '*' inside a segment matches any run of characters other than '/' (possibly empty), so
//     "team/*" matches "team/app" but not "team/app/sub", and "team/app-*" matches
//     "team/app-1";
//   - a segment that is exactly "**" matches any number of whole segments, including none
//     ("a/**/b" matches "a/b" and "a/x/y/b"; "**/cache" matches "cache"), except that a
//     trailing "/**" needs at least one: "public/**" is everything inside public/, not the
//     repository "public" itself (the .gitignore reading). "**" alone matches every name.
// Matching is case-sensitive; there are no other special characters ('?', '[').
#pragma once

#include <string_view>

#include "status.h"

namespace ec::oci::server {

// Checks a pattern: non-empty, no empty segment (no leading, trailing or doubled '/'), "**"
// only as a whole segment, and only the characters of repository names ([a-z0-9._-]) besides
// '/' and '*'. Errors are InvalidArgument: `repository pattern "X": why`.
Status ValidateRepositoryGlob(std::string_view pattern);

// True when `repository` matches `pattern` (which should have passed ValidateRepositoryGlob;
// an invalid pattern matches nothing it would not match literally). An empty repository
// matches nothing.
bool MatchRepositoryGlob(std::string_view pattern, std::string_view repository);

}  // namespace ec::oci::server
