#include "oci/time_format.h"

#include <array>
#include <ctime>

#include "status.h"

namespace ec::oci {

std::string FormatRfc3339(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  std::array<char, 64> buf{};
  if (gmtime_r(&t, &tm) == nullptr ||
      std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
    return StrCat("@", unix_seconds);
  }
  return buf.data();
}

}  // namespace ec::oci
