// Timestamps in records are RFC 3339 UTC with whole seconds, "YYYY-MM-DDTHH:MM:SSZ", so they
// compare as strings and are identical whatever offset or precision a document used.
#pragma once

#include <string>
#include <string_view>

namespace ec::evidence {

// Normalises an RFC 3339 / ISO 8601 timestamp: fractions dropped, offsets ("+02:00",
// "-0600") converted to UTC, a bare date taken as midnight UTC and a missing offset as UTC.
// Returns "" when `text` is not such a timestamp, and for Go's zero time
// ("0001-01-01T00:00:00Z"), which means "unknown".
std::string NormaliseTime(std::string_view text);

}  // namespace ec::evidence
