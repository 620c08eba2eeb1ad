// Expiry times in TUF metadata. Written exactly as "YYYY-MM-DDTHH:MM:SSZ" (python-tuf parses
// nothing else); read as any RFC 3339 date-time, since go-tuf may write fractions or offsets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "status.h"

namespace ec::tuf {

// "2030-01-01T00:00:00Z". Refuses years outside 1..9999, which the format cannot hold.
Result<std::string> FormatExpires(std::int64_t unix_seconds);

// RFC 3339 date-time to Unix seconds (UTC). Fractional seconds are dropped, which moves the
// expiry earlier by under a second: the safe direction. `what` names the value in errors.
Result<std::int64_t> ParseExpires(std::string_view text, std::string_view what);

}  // namespace ec::tuf
