// Building an OCI artifact from files: each file one layer titled with its base name, an
// optional config (the empty descriptor otherwise), artifactType, annotations and subject.
// The manifest bytes depend only on the inputs: no timestamp is added unless the caller sets
// one (SOURCE_DATE_EPOCH in the CLI).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "oci/descriptor.h"
#include "oci/target.h"

namespace ec::oci {

struct ArtifactFile {
  std::filesystem::path path;
  std::string media_type;  // default: application/vnd.oci.image.layer.v1.tar
};

struct ArtifactSpec {
  std::vector<ArtifactFile> files;
  std::optional<ArtifactFile> config;
  std::string artifact_type;
  Annotations annotations;
  std::optional<Descriptor> subject;
};

// Parses the CLI form "FILE[:MEDIATYPE]": the media type follows the last ':' when the text
// after it contains a '/', so a path with colons still works.
ArtifactFile ParseArtifactFile(std::string_view arg);

// Hashes a file by streaming it; the descriptor has the given media type.
Result<Descriptor> DescribeFile(const std::filesystem::path& path, std::string_view media_type);

// Pushes every blob and then the manifest into `dst`; returns the manifest's descriptor.
Result<Descriptor> PushArtifact(Target& dst, const ArtifactSpec& spec);

}  // namespace ec::oci
