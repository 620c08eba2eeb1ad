// RFC 3339 in UTC with whole seconds, the form Export Center writes everywhere a time appears
// (annotations, metadata.json, token responses, error messages).
#pragma once

#include <cstdint>
#include <string>

namespace ec::oci {

// "2023-11-14T22:13:20Z"; "@<seconds>" for a time the C library cannot format.
std::string FormatRfc3339(std::int64_t unix_seconds);

}  // namespace ec::oci
