// The input side of devportal:offline: walks a source directory in sorted order, checks its
// layout and names (see devportal_bundle.h), and hashes each file by streaming it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "status.h"

namespace ec::profiles {

struct DevportalEntry {
  std::string category;            // "portal", "specs", "sdks" or "changelog"
  std::string path;                // relative to the source, '/'-separated: "portal/index.html"
  std::filesystem::path file;      // where it is read from
  std::string sha256;              // lower-case hex
  std::int64_t size = 0;
  std::string sdk;                 // for "sdks": the <name> folder
};

struct DevportalScanLimits {
  std::size_t max_files = 0;
  std::int64_t max_total_bytes = 0;
  int max_depth = 0;
};

// Every regular file under `source`, sorted by path (byte order), hashed. Errors name the
// source and the offending relative path.
Result<std::vector<DevportalEntry>> ScanDevportalSource(const std::filesystem::path& source,
                                                        const DevportalScanLimits& limits);

// "[A-Za-z0-9._/-]" only, no ".." anywhere; used for every input path.
bool IsPortableDevportalName(std::string_view name);

}  // namespace ec::profiles
