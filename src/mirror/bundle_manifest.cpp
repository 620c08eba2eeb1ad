#include "mirror/bundle_manifest.h"

#include "json/canonical.h"
#include "oci/digest.h"

namespace ec::mirror {
namespace {

using json::Json;

Json TagsJson(const std::map<std::string, std::string>& tags) {
  Json out = Json::object();
  for (const auto& [t, d] : tags) out[t] = d;
  return out;
}

Result<std::map<std::string, std::string>> TagsFrom(const Json& j, const std::string& where) {
  std::map<std::string, std::string> out;
  if (!j.is_object()) return InvalidArgument(StrCat(where, ": want an object of tag → digest"));
  for (const auto& [tag, digest] : j.items()) {
    if (!digest.is_string() || !oci::Digest::Parse(digest.get<std::string>()).ok()) {
      return InvalidArgument(StrCat(where, ".", tag, ": want a digest"));
    }
    out[tag] = digest.get<std::string>();
  }
  return out;
}

}  // namespace

std::string BundleManifest::Serialize() const {
  Json repos = Json::object();
  for (const auto& [path, r] : repositories) {
    repos[path] = {{"source", r.source}, {"tags", TagsJson(r.tags)},
                   {"digests", std::vector<std::string>(r.digests.begin(), r.digests.end())}};
  }
  Json j = {{"schema", kBundleSchema},
            {"name", name},
            {"kind", delta() ? "delta" : "full"},
            {"generatedAt", generated_at},
            {"repositories", repos},
            {"contents", std::vector<std::string>(contents.begin(), contents.end())}};
  if (base) {
    Json base_tags = Json::object();
    for (const auto& [repo, tags] : base->tags) base_tags[repo] = TagsJson(tags);
    j["base"] = {{"manifestDigest", base->manifest_digest}, {"name", base->name}, {"tags", base_tags}};
    Json removed = Json::object();
    for (const auto& [repo, tags] : removed_tags) removed[repo] = tags;
    j["removedTags"] = removed;
  }
  return json::Canonical(j);
}

Result<BundleManifest> BundleManifest::Parse(std::string_view bytes, std::string_view what) {
  EC_ASSIGN_OR_RETURN(Json j, json::Parse(bytes, what));
  auto bad = [&](std::string why) { return InvalidArgument(StrCat(what, ": ", why)); };
  if (!j.is_object() || j.value("schema", "") != kBundleSchema) {
    return bad(StrCat("not a mirror bundle manifest (want schema ", kBundleSchema, ")"));
  }
  BundleManifest m;
  m.name = j.value("name", "");
  m.generated_at = j.value("generatedAt", "");
  const std::string kind = j.value("kind", "");
  if (kind != "full" && kind != "delta") return bad(StrCat("kind: got \"", kind, "\", want full or delta"));
  if (!j.contains("repositories") || !j["repositories"].is_object()) return bad("repositories: want an object");
  for (const auto& [path, r] : j["repositories"].items()) {
    BundleRepository repo;
    repo.source = r.value("source", "");
    EC_ASSIGN_OR_RETURN(repo.tags, TagsFrom(r.value("tags", Json::object()), StrCat(what, ": repositories.", path, ".tags")));
    for (const Json& d : r.value("digests", Json::array())) {
      if (!d.is_string() || !oci::Digest::Parse(d.get<std::string>()).ok()) return bad(StrCat("repositories.", path, ".digests: want digests"));
      repo.digests.insert(d.get<std::string>());
    }
    m.repositories[path] = std::move(repo);
  }
  for (const Json& d : j.value("contents", Json::array())) {
    if (!d.is_string() || !oci::Digest::Parse(d.get<std::string>()).ok()) return bad("contents: want digests");
    m.contents.insert(d.get<std::string>());
  }
  if (kind == "delta") {
    if (!j.contains("base") || !j["base"].is_object()) return bad("a delta must name its base");
    const Json& b = j["base"];
    BundleBase base;
    base.manifest_digest = b.value("manifestDigest", "");
    if (!oci::Digest::Parse(base.manifest_digest).ok()) return bad("base.manifestDigest: want a digest");
    base.name = b.value("name", "");
    const Json base_tags = b.value("tags", Json::object());
    for (const auto& [repo, tags] : base_tags.items()) {
      EC_ASSIGN_OR_RETURN(base.tags[repo], TagsFrom(tags, StrCat(what, ": base.tags.", repo)));
    }
    m.base = std::move(base);
    if (!j.contains("removedTags")) return bad("a delta must list removedTags (empty when none)");
    for (const auto& [repo, tags] : j["removedTags"].items()) {
      for (const Json& t : tags) m.removed_tags[repo].push_back(t.get<std::string>());
    }
  }
  return m;
}

}  // namespace ec::mirror
