#include "trivy/sources/file_walk.h"

#include <algorithm>
#include <map>

#include "trivy/sources/limits.h"

namespace ec::trivy {
namespace {

namespace fs = std::filesystem;

bool IsAdvisoryExtension(const fs::path& path) {
  std::string ext = path.extension().string();
  return ext == ".json" || ext == ".yaml" || ext == ".yml";
}

bool IsHidden(const fs::path& path) {
  std::string name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

}  // namespace

Result<std::vector<fs::path>> ListAdvisoryFiles(const std::vector<fs::path>& sources) {
  // canonical path → path as discovered (the smallest discovered spelling wins, so the
  // reported name does not depend on source order either).
  std::map<std::string, fs::path> files;
  auto add = [&](const fs::path& path) -> Status {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    std::string key = ec ? path.lexically_normal().string() : canonical.string();
    auto [it, inserted] = files.emplace(key, path);
    if (!inserted && path.string() < it->second.string()) it->second = path;
    if (files.size() > kMaxSourceFiles) {
      return FailedPrecondition(StrCat("more than ", kMaxSourceFiles, " advisory files"));
    }
    return OkStatus();
  };

  for (const auto& source : sources) {
    std::error_code ec;
    auto status = fs::status(source, ec);
    if (ec || !fs::exists(status)) {
      return NotFound(StrCat(source.string(), ": advisory source does not exist"));
    }
    if (fs::is_regular_file(status)) {
      EC_RETURN_IF_ERROR(add(source));
      continue;
    }
    if (!fs::is_directory(status)) {
      return InvalidArgument(StrCat(source.string(), ": not a file or directory"));
    }
    fs::recursive_directory_iterator it(source, fs::directory_options::none, ec);
    if (ec) return InvalidArgument(StrCat(source.string(), ": cannot walk: ", ec.message()));
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return InvalidArgument(StrCat(source.string(), ": cannot walk: ", ec.message()));
      const fs::path& path = it->path();
      if (IsHidden(path)) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && IsAdvisoryExtension(path)) EC_RETURN_IF_ERROR(add(path));
    }
    if (ec) return InvalidArgument(StrCat(source.string(), ": cannot walk: ", ec.message()));
  }

  std::vector<fs::path> out;
  out.reserve(files.size());
  for (auto& [key, path] : files) out.push_back(std::move(path));
  std::sort(out.begin(), out.end(),
            [](const fs::path& a, const fs::path& b) { return a.string() < b.string(); });
  return out;
}

}  // namespace ec::trivy
