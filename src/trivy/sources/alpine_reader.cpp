#include "trivy/sources/alpine_reader.h"

#include <map>
#include <sstream>

#include "trivy/sources/source_ids.h"
#include "trivy/sources/versions.h"

namespace ec::trivy {
namespace {

using json::Json;

// The ID a secfixes line stands for, or "" when it names no CVE / GHSA.
std::string SelectId(const std::string& line) {
  std::istringstream fields(line);
  std::string field, selected;
  while (fields >> field) {
    for (auto pos = field.find("CVE_"); pos != std::string::npos; pos = field.find("CVE_", pos)) {
      field.replace(pos, 4, "CVE-");
    }
    if (field.rfind("CVE-", 0) == 0) return field;
    if (field.rfind("GHSA-", 0) == 0) selected = field;
  }
  return selected;
}

// Reads one package's secfixes into id → fixed version, keeping the highest version.
Status ReadSecfixes(const Json& secfixes, const std::string& package,
                    std::map<std::string, std::string>& fixed_by_id) {
  if (secfixes.is_null()) return OkStatus();
  if (!secfixes.is_object()) {
    return InvalidArgument(StrCat("package ", package, ": secfixes is not a mapping"));
  }
  for (const auto& [version, ids] : secfixes.items()) {
    if (ids.is_null()) continue;
    if (!ids.is_array()) {
      return InvalidArgument(
          StrCat("package ", package, ": secfixes[", version, "] is not a list"));
    }
    for (const auto& line : ids) {
      if (!line.is_string()) continue;
      std::string id = SelectId(line.get<std::string>());
      if (id.empty()) continue;
      auto [it, inserted] = fixed_by_id.emplace(id, version);
      if (!inserted) {
        int c = CompareNatural(version, it->second);
        if (c > 0 || (c == 0 && version > it->second)) it->second = version;
      }
    }
  }
  return OkStatus();
}

}  // namespace

bool LooksLikeAlpineSecdb(const json::Json& document) {
  if (!document.is_object() || !document.contains("distroversion")) return false;
  return document.contains("packages") || (document.contains("name") && document.contains("secfixes"));
}

Result<DocumentOutcome> ReadAlpineSecdb(const json::Json& document, Staging& staging) {
  auto distro = document.find("distroversion");
  if (distro == document.end() || !distro->is_string() || distro->get<std::string>().empty()) {
    return InvalidArgument("distroversion: missing or not a string");
  }
  std::string version = distro->get<std::string>();
  if (version.front() == 'v') version.erase(0, 1);
  const std::string platform = "alpine " + version;

  // (package, secfixes) pairs of either shape.
  std::vector<std::pair<std::string, const Json*>> packages;
  if (document.contains("packages")) {
    const Json& list = document["packages"];
    if (!list.is_null() && !list.is_array()) return InvalidArgument("packages: not a list");
    if (list.is_array()) {
      for (std::size_t i = 0; i < list.size(); ++i) {
        const Json& entry = list[i];
        const Json* pkg = entry.is_object() && entry.contains("pkg") ? &entry["pkg"] : nullptr;
        if (pkg == nullptr || !pkg->is_object() || !pkg->contains("name") ||
            !(*pkg)["name"].is_string()) {
          return InvalidArgument(StrCat("packages[", i, "]: no pkg.name"));
        }
        const Json* secfixes = pkg->contains("secfixes") ? &(*pkg)["secfixes"] : nullptr;
        packages.emplace_back((*pkg)["name"].get<std::string>(), secfixes);
      }
    }
  } else {
    auto name = document.find("name");
    if (name == document.end() || !name->is_string()) {
      return InvalidArgument("name: missing or not a string");
    }
    auto secfixes = document.find("secfixes");
    packages.emplace_back(name->get<std::string>(),
                          secfixes == document.end() ? nullptr : &*secfixes);
  }

  DocumentOutcome outcome;
  const DataSource source{std::string(source_id::kAlpine), "Alpine Secdb",
                          "https://secdb.alpinelinux.org/"};
  for (const auto& [package, secfixes] : packages) {
    std::map<std::string, std::string> fixed_by_id;
    if (secfixes != nullptr) {
      Status s = ReadSecfixes(*secfixes, package, fixed_by_id);
      if (!s.ok()) return s;
    }
    for (const auto& [id, fixed] : fixed_by_id) {
      Advisory advisory;
      advisory.fixed_version = fixed;
      staging.PutDataSource(platform, source);
      staging.PutAdvisory(id, platform, package, advisory, Origin{});
      ++outcome.advisories;
    }
  }
  return outcome;
}

}  // namespace ec::trivy
