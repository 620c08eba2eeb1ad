#include "tuf/trusted_state.h"

#include "json/parse.h"

namespace ec::tuf {
namespace {

Result<std::int64_t> Version(const json::Json& doc, std::string_view name, std::string_view what) {
  auto it = doc.find(name);
  if (it == doc.end()) return std::int64_t{0};
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
    return InvalidArgument(StrCat(what, ": ", name, " is not a non-negative integer"));
  }
  return it->get<std::int64_t>();
}

}  // namespace

std::string SerializeTrustedState(const TrustedState& state) {
  json::Json meta = json::Json::object();
  for (const auto& [file, version] : state.meta_versions) meta[file] = version;
  const json::Json doc{{"root", state.root},
                       {"timestamp_version", state.timestamp_version},
                       {"snapshot_version", state.snapshot_version},
                       {"meta_versions", std::move(meta)}};
  // The root was parsed as JSON, so it is valid UTF-8 and the dump cannot throw.
  return doc.dump(-1, ' ', false, json::Json::error_handler_t::replace) + "\n";
}

Result<TrustedState> ParseTrustedState(std::string_view text, std::string_view what) {
  EC_ASSIGN_OR_RETURN(json::Json doc, json::Parse(text, what));
  if (!doc.is_object()) return InvalidArgument(StrCat(what, ": want a JSON object"));
  TrustedState state;
  if (auto it = doc.find("root"); it != doc.end()) {
    if (!it->is_string()) return InvalidArgument(StrCat(what, ": root is not a string"));
    state.root = it->get<std::string>();
  }
  EC_ASSIGN_OR_RETURN(state.timestamp_version, Version(doc, "timestamp_version", what));
  EC_ASSIGN_OR_RETURN(state.snapshot_version, Version(doc, "snapshot_version", what));
  if (auto it = doc.find("meta_versions"); it != doc.end()) {
    if (!it->is_object()) return InvalidArgument(StrCat(what, ": meta_versions is not an object"));
    for (const auto& [file, version] : it->items()) {
      if (!version.is_number_integer() || version.get<std::int64_t>() < 1) {
        return InvalidArgument(StrCat(what, ": meta_versions[", file, "] is not a version"));
      }
      state.meta_versions[file] = version.get<std::int64_t>();
    }
  }
  return state;
}

}  // namespace ec::tuf
