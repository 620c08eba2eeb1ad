// Canonical form of a reference URL, so that equivalent spellings collapse to one entry in
// Vulnerability.References (trivy-db `canonicalizeReferenceURL`, its test cases in
// vulnerability/references_test.go):
//   "https://lists.apache.org/thread.html/x%40%3Cdev.apache.org%3E"  → ".../x@%3Cdev.apache.org%3E"
//   "https://lists.apache.org/thread.html/x@<dev.apache.org>"         → the same
// Absolute URLs (scheme "://" host) get their path percent-decoded and re-encoded the way
// Go's url.URL.EscapedPath() encodes a path it built itself (RFC 3986 unreserved characters
// and `$&+,/:;=@` stay literal, everything else becomes %XX). Query and fragment are kept
// as they are. Anything else (relative references, malformed escapes) is returned unchanged.
#pragma once

#include <string>
#include <string_view>

namespace ec::trivy {

std::string CanonicalReferenceUrl(std::string_view raw);

}  // namespace ec::trivy
