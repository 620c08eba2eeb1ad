#include "oci/artifact.h"

#include <vector>

#include "oci/io.h"
#include "oci/limits.h"
#include "oci/manifest.h"
#include "oci/media_types.h"

namespace ec::oci {

ArtifactFile ParseArtifactFile(std::string_view arg) {
  auto colon = arg.rfind(':');
  if (colon != std::string_view::npos && colon > 0 &&
      arg.substr(colon + 1).find('/') != std::string_view::npos &&
      arg.substr(colon + 1).find('/') != 0) {
    return {std::filesystem::path(std::string(arg.substr(0, colon))),
            std::string(arg.substr(colon + 1))};
  }
  return {std::filesystem::path(std::string(arg)), ""};
}

Result<Descriptor> DescribeFile(const std::filesystem::path& path, std::string_view media_type) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFound(StrCat("read ", path.string(), ": not a regular file"));
  }
  EC_ASSIGN_OR_RETURN(auto reader, FileReader::Open(path));
  Hasher hasher;
  std::vector<char> buf(kCopyBufferBytes);
  std::int64_t size = 0;
  while (true) {
    EC_ASSIGN_OR_RETURN(std::size_t n, reader->Read(buf));
    if (n == 0) break;
    hasher.Update(std::span<const char>(buf.data(), n));
    size += static_cast<std::int64_t>(n);
  }
  Descriptor d;
  d.media_type = media_type.empty() ? std::string(kOciLayerTar) : std::string(media_type);
  d.digest = hasher.Finish();
  d.size = size;
  return d;
}

namespace {

// Pushes a file as `desc`; a file that changed since it was hashed fails verification.
Status PushFile(Target& dst, const std::filesystem::path& path, const Descriptor& desc) {
  EC_ASSIGN_OR_RETURN(bool exists, dst.Exists(desc));
  if (exists) return OkStatus();
  return PushWithRetry(dst, desc, [&](std::int64_t offset) -> Result<std::unique_ptr<Reader>> {
           EC_ASSIGN_OR_RETURN(auto reader, FileReader::Open(path, offset));
           return std::unique_ptr<Reader>(std::move(reader));
         }).WithPrefix(StrCat("push ", path.string()));
}

}  // namespace

Result<Descriptor> PushArtifact(Target& dst, const ArtifactSpec& spec) {
  std::vector<Descriptor> layers;
  for (const auto& f : spec.files) {
    EC_ASSIGN_OR_RETURN(Descriptor d, DescribeFile(f.path, f.media_type));
    d.annotations[std::string(kAnnotationTitle)] = f.path.filename().string();
    EC_RETURN_IF_ERROR(PushFile(dst, f.path, d));
    layers.push_back(std::move(d));
  }
  Descriptor config = EmptyDescriptor();
  if (spec.config) {
    EC_ASSIGN_OR_RETURN(config, DescribeFile(spec.config->path,
                                             spec.config->media_type.empty()
                                                 ? std::string(kOciConfig)
                                                 : spec.config->media_type));
    EC_RETURN_IF_ERROR(PushFile(dst, spec.config->path, config));
  } else {
    EC_RETURN_IF_ERROR(PushBytes(dst, config, kEmptyJson));
  }
  std::string artifact_type = spec.artifact_type;
  if (artifact_type.empty() && !spec.config) {
    // The image-spec requires artifactType when the config is the empty descriptor.
    artifact_type = "application/vnd.unknown.artifact.v1";
  }
  std::string bytes = BuildImageManifest(config, layers, artifact_type, spec.annotations, spec.subject);
  if (bytes.size() > kMaxManifestBytes) {
    return InvalidArgument(StrCat("push artifact: manifest of ", bytes.size(),
                                  " bytes is over the limit of ", kMaxManifestBytes));
  }
  Descriptor manifest = DescriptorOf(kOciManifest, bytes);
  manifest.artifact_type = artifact_type;
  EC_RETURN_IF_ERROR(PushBytes(dst, manifest, bytes));
  return manifest;
}

}  // namespace ec::oci
