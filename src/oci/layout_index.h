// LayoutIndex: the index.json of an OCI image layout. Entries are kept as they were read, so
// fields other tools wrote survive a rewrite; tags are the org.opencontainers.image.ref.name
// annotation. Shared by LayoutTarget and ArchiveTarget. Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/parse.h"
#include "oci/descriptor.h"
#include "status.h"

namespace ec::oci {

class LayoutIndex {
 public:
  LayoutIndex();
  // Parses index.json; `where` names the layout in errors.
  static Result<LayoutIndex> Parse(std::string_view bytes, std::string_view where);

  // The entry tagged `tag`, or the first entry with `digest`, without annotations.
  std::optional<Descriptor> FindTag(std::string_view tag) const;
  std::optional<Descriptor> FindDigest(const Digest& digest) const;
  // Moves `tag` to `desc` (one entry per tag).
  void SetTag(const Descriptor& desc, std::string_view tag);
  // Adds untagged entries for manifests not listed yet (roots a layout must keep reachable).
  void AddUntagged(const std::vector<Descriptor>& roots);
  std::vector<std::string> Tags() const;  // sorted, unique
  std::vector<Descriptor> Entries() const;
  // index.json bytes: compact JSON, entries in their order.
  std::string Serialize() const;

 private:
  struct Entry {
    json::Json raw;
    Descriptor desc;
    std::string ref_name;
  };
  json::Json doc_;  // without "manifests"
  std::vector<Entry> entries_;
};

// The bytes of a new layout's oci-layout file.
inline constexpr std::string_view kOciLayoutMarker = R"({"imageLayoutVersion":"1.0.0"})";
// Checks an oci-layout file's content.
Status CheckLayoutMarker(std::string_view bytes, std::string_view where);

}  // namespace ec::oci
