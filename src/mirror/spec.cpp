#include "mirror/spec.h"

#include <algorithm>
#include <regex>
#include <set>

#include "json/parse.h"
#include "json/yaml.h"
#include "mirror/semver.h"
#include "oci/digest.h"
#include "oci/reference.h"

namespace ec::mirror {
namespace {

using json::Json;

Status CheckKeys(const Json& obj, const std::string& path, std::initializer_list<std::string_view> allowed) {
  if (!obj.is_object()) return InvalidArgument(StrCat(path, ": got ", obj.type_name(), ", want a mapping"));
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string want;
      for (std::string_view a : allowed) want += want.empty() ? std::string(a) : StrCat("|", a);
      return InvalidArgument(StrCat(path.empty() ? "" : path + ".", key, ": unknown key, want ", want));
    }
  }
  return OkStatus();
}

Result<std::string> String(const Json& obj, const std::string& key, const std::string& path, bool required) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) return InvalidArgument(StrCat(path, ".", key, ": required"));
    return std::string();
  }
  if (!it->is_string()) return InvalidArgument(StrCat(path, ".", key, ": got ", it->type_name(), ", want a string"));
  return it->get<std::string>();
}

Result<std::vector<std::string>> Strings(const Json& obj, const std::string& key, const std::string& path) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_array()) return InvalidArgument(StrCat(path, ".", key, ": got ", it->type_name(), ", want a list"));
  for (const Json& v : *it) {
    if (!v.is_string()) return InvalidArgument(StrCat(path, ".", key, ": got ", v.type_name(), " in the list, want strings"));
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<bool> Bool(const Json& obj, const std::string& key, const std::string& path, bool fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  // YAML scalars arrive as strings (no implicit typing): accept both spellings.
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_string() && (*it == "true" || *it == "false")) return *it == "true";
  return InvalidArgument(StrCat(path, ".", key, ": got ", it->dump(), ", want true or false"));
}

Result<RepositorySelection> ParseRepository(const Json& r, const std::string& path) {
  EC_RETURN_IF_ERROR(CheckKeys(r, path, {"source", "target", "tags", "tagRegex", "semver", "digests",
                                         "platforms", "referrers", "cosignTags"}));
  RepositorySelection s;
  EC_ASSIGN_OR_RETURN(s.source, String(r, "source", path, true));
  auto ref = oci::Reference::Parse(s.source);
  if (!ref.ok() || s.source.find('@') != std::string::npos ||
      (s.source.rfind(':') != std::string::npos && s.source.rfind(':') > s.source.rfind('/'))) {
    return InvalidArgument(StrCat(path, ".source \"", s.source, "\": want a registry repository without tag or digest (host/repo)"));
  }
  EC_ASSIGN_OR_RETURN(s.target, String(r, "target", path, false));
  if (s.target.empty()) s.target = ref->repository;
  if (!oci::Reference::Parse(StrCat("localhost/", s.target)).ok()) {
    return InvalidArgument(StrCat(path, ".target \"", s.target, "\": not a valid repository path"));
  }
  EC_ASSIGN_OR_RETURN(s.tags, Strings(r, "tags", path));
  for (const std::string& t : s.tags) {
    if (Status st = oci::ValidateTag(t); !st.ok()) return st.WithPrefix(StrCat(path, ".tags"));
  }
  EC_ASSIGN_OR_RETURN(s.tag_regex, String(r, "tagRegex", path, false));
  if (!s.tag_regex.empty()) {
    try {
      std::regex check(s.tag_regex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return InvalidArgument(StrCat(path, ".tagRegex \"", s.tag_regex, "\": ", e.what()));
    }
  }
  EC_ASSIGN_OR_RETURN(s.semver, String(r, "semver", path, false));
  if (!s.semver.empty()) {
    auto range = VersionRange::Parse(s.semver);
    if (!range.ok()) return range.status().WithPrefix(StrCat(path, ".semver"));
  }
  EC_ASSIGN_OR_RETURN(s.digests, Strings(r, "digests", path));
  for (const std::string& d : s.digests) {
    if (Status st = oci::Digest::Parse(d).status(); !st.ok()) return st.WithPrefix(StrCat(path, ".digests"));
  }
  EC_ASSIGN_OR_RETURN(std::vector<std::string> platforms, Strings(r, "platforms", path));
  for (const std::string& p : platforms) {
    auto platform = oci::Platform::Parse(p);
    if (!platform.ok()) return platform.status().WithPrefix(StrCat(path, ".platforms"));
    s.platforms.push_back(*platform);
  }
  EC_ASSIGN_OR_RETURN(s.referrers, Bool(r, "referrers", path, true));
  EC_ASSIGN_OR_RETURN(s.cosign_tags, Bool(r, "cosignTags", path, true));
  if (s.tags.empty() && s.tag_regex.empty() && s.semver.empty() && s.digests.empty()) {
    return InvalidArgument(StrCat(path, ": selects nothing; give tags, tagRegex, semver or digests"));
  }
  return s;
}

}  // namespace

Result<MirrorSpec> ParseMirrorSpec(std::string_view bytes, std::string_view what) {
  std::size_t first = bytes.find_first_not_of(" \t\r\n");
  Result<Json> doc = first != std::string_view::npos && bytes[first] == '{' ? json::Parse(bytes, what)
                                                                              : json::ParseYaml(bytes, what);
  if (!doc.ok()) return doc.status();
  auto in = [&](Status s) { return s.WithPrefix(what); };
  if (Status s = CheckKeys(*doc, "", {"apiVersion", "kind", "metadata", "repositories", "exports"}); !s.ok()) return in(s);
  if (doc->value("apiVersion", "") != "export-center/v1") {
    return in(InvalidArgument(StrCat("apiVersion: got ", doc->contains("apiVersion") ? (*doc)["apiVersion"].dump() : "nothing",
                                     ", want export-center/v1")));
  }
  if (doc->value("kind", "") != "MirrorSpec") {
    return in(InvalidArgument(StrCat("kind: got ", doc->contains("kind") ? (*doc)["kind"].dump() : "nothing", ", want MirrorSpec")));
  }
  MirrorSpec spec;
  if (doc->contains("metadata")) {
    const Json& m = (*doc)["metadata"];
    if (Status s = CheckKeys(m, "metadata", {"name"}); !s.ok()) return in(s);
    auto name = String(m, "name", "metadata", false);
    if (!name.ok()) return in(name.status());
    spec.name = *name;
  }
  std::set<std::string> targets;
  if (doc->contains("repositories")) {
    const Json& repos = (*doc)["repositories"];
    if (!repos.is_array()) return in(InvalidArgument("repositories: want a list"));
    for (std::size_t i = 0; i < repos.size(); ++i) {
      auto r = ParseRepository(repos[i], StrCat("repositories[", i, "]"));
      if (!r.ok()) return in(r.status());
      if (!targets.insert(r->target).second) {
        return in(InvalidArgument(StrCat("repositories[", i, "].target \"", r->target, "\": named twice")));
      }
      spec.repositories.push_back(std::move(*r));
    }
  }
  if (doc->contains("exports")) {
    const Json& exports = (*doc)["exports"];
    if (!exports.is_array()) return in(InvalidArgument("exports: want a list"));
    for (std::size_t i = 0; i < exports.size(); ++i) {
      const std::string path = StrCat("exports[", i, "]");
      if (Status s = CheckKeys(exports[i], path, {"ref", "target"}); !s.ok()) return in(s);
      ExportSelection e;
      auto ref = String(exports[i], "ref", path, true);
      auto target = String(exports[i], "target", path, true);
      if (!ref.ok()) return in(ref.status());
      if (!target.ok()) return in(target.status());
      e.ref = *ref;
      e.target = *target;
      if (!targets.insert(e.target).second) return in(InvalidArgument(StrCat(path, ".target \"", e.target, "\": named twice")));
      spec.exports.push_back(std::move(e));
    }
  }
  if (spec.repositories.empty() && spec.exports.empty()) {
    return in(InvalidArgument("the spec selects nothing: want repositories or exports"));
  }
  return spec;
}

Result<ExportReference> SplitExportReference(const ExportSelection& e) {
  const std::size_t at = e.ref.find('@');
  const std::size_t colon = e.ref.rfind(':');
  const std::size_t slash = e.ref.rfind('/');
  if (at != std::string::npos) return ExportReference{e.ref.substr(at + 1), true};
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash) && colon + 1 < e.ref.size()) {
    return ExportReference{e.ref.substr(colon + 1), false};
  }
  return InvalidArgument(StrCat("export \"", e.ref, "\": want a reference with a tag or digest"));
}

bool IsSignatureTag(std::string_view tag) {
  if (!tag.starts_with("sha256-") || tag.size() < 7 + 64) return false;
  if (tag.substr(7, 64).find_first_not_of("0123456789abcdef") != std::string_view::npos) return false;
  std::string_view rest = tag.substr(7 + 64);
  return rest.empty() || rest == ".sig" || rest == ".att" || rest == ".sbom";
}

Result<std::vector<std::string>> SelectTags(const RepositorySelection& s, const std::vector<std::string>& available) {
  std::set<std::string> have(available.begin(), available.end());
  std::set<std::string> out;
  for (const std::string& t : s.tags) {
    if (!have.count(t)) return NotFound(StrCat("tag \"", t, "\" not found in ", s.source));
    out.insert(t);
  }
  std::optional<std::regex> re;
  if (!s.tag_regex.empty()) re.emplace(s.tag_regex, std::regex::ECMAScript);
  std::optional<VersionRange> range;
  if (!s.semver.empty()) {
    EC_ASSIGN_OR_RETURN(VersionRange r, VersionRange::Parse(s.semver));
    range = std::move(r);
  }
  for (const std::string& t : available) {
    if (IsSignatureTag(t)) continue;
    if (re && std::regex_match(t, *re)) out.insert(t);
    if (range) {
      auto v = Version::Parse(t);
      if (v && range->Contains(*v)) out.insert(t);
    }
  }
  return std::vector<std::string>(out.begin(), out.end());
}

}  // namespace ec::mirror
