// RFC 3339 timestamps as Go's time.Time reads and writes them in JSON: parsed with
// time.RFC3339 (optional fractional seconds, "Z" or ±hh:mm), written back with
// time.RFC3339Nano (fraction without trailing zeros, omitted when zero; a +00:00 offset is
// written "Z" as Go does on a UTC host).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ec::trivy {

struct Timestamp {
  std::int64_t unix_seconds = 0;  // instant, UTC
  std::int32_t nanos = 0;
  std::string text;  // Go's RFC3339Nano form of the parsed value
  // Go's time.Time.IsZero(): 0001-01-01T00:00:00Z (Go vulndb uses it for "unknown").
  bool is_zero = false;
};

std::optional<Timestamp> ParseRfc3339(std::string_view text);

// Before(a, b) on instants.
inline bool Before(const Timestamp& a, const Timestamp& b) {
  return a.unix_seconds != b.unix_seconds ? a.unix_seconds < b.unix_seconds : a.nanos < b.nanos;
}

}  // namespace ec::trivy
