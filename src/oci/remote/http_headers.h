// Pure parsers for the HTTP headers the registry client acts on: WWW-Authenticate challenges,
// Link pagination, Retry-After, Range / Content-Range, and URL resolution for Location and Link
// targets. No I/O; every function is total and safe on hostile input.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace ec::oci::remote {

// One WWW-Authenticate challenge (RFC 7235 / Docker token auth).
struct AuthChallenge {
  std::string scheme;                         // lower-case: "basic", "bearer"
  std::map<std::string, std::string> params;  // keys lower-case: realm, service, scope, error
};

// Parses a WWW-Authenticate header value: one or more comma-separated challenges, each an auth
// scheme followed by auth-params (`name=value`, value a token or a quoted string with `\`
// escapes and commas inside quotes) or by a token68 (accepted and not kept). Unquoted values are
// read leniently (any visible character but `,` and `"`, so `realm=https://x/token` works).
// Parameter names repeated within a challenge keep their first value. Empty or malformed input is
// an InvalidArgument error quoting the header: `invalid WWW-Authenticate header "...": why`.
Result<std::vector<AuthChallenge>> ParseWwwAuthenticate(std::string_view value);

// The target of the first link whose rel includes "next" (case-insensitive) in a Link header
// (`</v2/x/tags/list?last=b&n=2>; rel="next"`), unresolved; empty when there is none or the
// header is malformed.
std::string ParseLinkNext(std::string_view value);

// Retry-After as seconds from `now_unix`: delta-seconds, or an HTTP-date (IMF-fixdate, also the
// obsolete RFC 850 and asctime forms). nullopt when empty or unparseable (including a delta too
// large for a long); a negative delta or a date in the past gives 0.
std::optional<long> ParseRetryAfter(std::string_view value, long now_unix);

// Resolves a possibly relative URL (Location or Link target) against the request URL `base`
// (RFC 3986 section 5.2): a reference with a scheme is returned unchanged; "//host/p" takes
// base's scheme; "/path?q" keeps base's scheme://authority; "?q" keeps base's path; anything
// else is relative to base's directory. Dot segments are removed from the merged path; base's
// fragment is never kept.
std::string ResolveUrl(std::string_view base, std::string_view ref);

// "scheme://host[:port]" of a URL for comparing origins on redirects: scheme and host
// lower-cased, userinfo dropped, a default port (http 80, https 443) dropped. Empty when `url`
// has no "scheme://".
std::string UrlOrigin(std::string_view url);

// The last byte offset of a byte range: "bytes=0-1023", "bytes 0-1023/4096" (Content-Range) or
// "0-1023" (the registry's Range header on uploads) -> 1023. nullopt when malformed, when the
// end is before the start, or on overflow.
std::optional<std::int64_t> ParseRangeEnd(std::string_view value);

}  // namespace ec::oci::remote
