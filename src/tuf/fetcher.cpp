#include "tuf/fetcher.h"

#include <algorithm>
#include <memory>
#include <system_error>
#include <vector>

#include "oci/io.h"

namespace ec::tuf {
namespace {

bool SafeRelative(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.find('\0') != std::string_view::npos) {
    return false;
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view segment = path.substr(start, slash - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = slash + 1;
  }
  return true;
}

}  // namespace

Result<std::string> DirectoryFetcher::Fetch(const std::string& path, std::size_t max_bytes) {
  if (!SafeRelative(path)) {
    return InvalidArgument(StrCat("repository path \"", path, "\" is not a plain relative path"));
  }
  const std::filesystem::path file = root_ / path;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return NotFound(StrCat(path, ": no such file"));
  // A symbolic link inside an unpacked bundle must not reach files outside it.
  const std::filesystem::path real = std::filesystem::canonical(file, ec);
  const std::filesystem::path real_root = std::filesystem::canonical(root_, ec);
  if (ec) return Unavailable(StrCat(path, ": ", ec.message()));
  const auto [root_end, unused] =
      std::mismatch(real_root.begin(), real_root.end(), real.begin(), real.end());
  if (root_end != real_root.end()) {
    return InvalidArgument(StrCat(path, ": resolves outside the repository"));
  }
  EC_ASSIGN_OR_RETURN(std::unique_ptr<oci::FileReader> reader, oci::FileReader::Open(real));
  std::string out;
  std::vector<char> buf(64 * 1024);
  while (true) {
    EC_ASSIGN_OR_RETURN(std::size_t n, reader->Read(buf));
    if (n == 0) return out;
    if (out.size() + n > max_bytes) {
      return DataLoss(StrCat(path, " is larger than the ", max_bytes, "-byte limit"));
    }
    out.append(buf.data(), n);
  }
}

}  // namespace ec::tuf
