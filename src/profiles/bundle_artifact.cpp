#include "profiles/bundle_artifact.h"

#include "json/canonical.h"
#include "oci/artifact.h"
#include "oci/io.h"
#include "oci/media_types.h"
#include "oci/tar.h"

namespace ec::profiles {
namespace {

Result<oci::ArtifactSpec> ImageSpec(const std::vector<ExportFile>& files, const BundleArtifactOptions& options) {
  oci::ArtifactSpec spec;
  json::Json diff_ids = json::Json::array();
  json::Json history = json::Json::array();
  const std::filesystem::path layers = options.work_dir / "layers";
  std::error_code ec;
  std::filesystem::create_directories(layers, ec);
  if (ec) return Unavailable(StrCat("create ", layers.string(), ": ", ec.message()));
  for (const ExportFile& f : files) {
    oci::TarWriteEntry entry;
    entry.name = StrCat(kImageExportDir, "/", f.path);
    entry.source = f.file;
    entry.size = f.bytes;
    const std::filesystem::path tar = layers / (f.path + ".tar");
    EC_RETURN_IF_ERROR(oci::WriteDeterministicTar(tar, {entry}, oci::TarCompression::kNone));
    EC_ASSIGN_OR_RETURN(oci::Descriptor d, oci::DescribeFile(tar, oci::kOciLayerTar));
    diff_ids.push_back(d.digest.str());  // uncompressed: the layer digest is the diff id
    history.push_back({{"created", options.created}, {"created_by", StrCat("export-center: add ", f.path)}});
    spec.files.push_back({tar, std::string(oci::kOciLayerTar)});
  }
  json::Json labels = json::Json::object();
  for (const auto& [k, v] : options.annotations) labels[k] = v;
  // No shell or program: the image is only a carrier, so Cmd names a file that explains it.
  json::Json config = {
      {"architecture", "amd64"},
      {"os", "linux"},
      {"created", options.created},
      {"config", {{"Labels", labels}, {"WorkingDir", StrCat("/", kImageExportDir)},
                  {"Cmd", {StrCat("/", kImageExportDir, "/manifest.json")}}}},
      {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
      {"history", history},
  };
  const std::filesystem::path config_file = options.work_dir / "image-config.json";
  EC_RETURN_IF_ERROR(oci::WriteFileAtomic(config_file, json::Canonical(config)));
  spec.config = oci::ArtifactFile{config_file, std::string(oci::kOciConfig)};
  return spec;
}

}  // namespace

Result<oci::Descriptor> PushBundle(oci::Target& dst, const std::vector<ExportFile>& files,
                                   const BundleArtifactOptions& options) {
  oci::ArtifactSpec spec;
  if (options.image_compatible) {
    EC_ASSIGN_OR_RETURN(spec, ImageSpec(files, options));
  } else {
    for (const ExportFile& f : files) spec.files.push_back({f.file, f.content_type});
    spec.artifact_type = options.artifact_type;
  }
  spec.annotations = options.annotations;
  spec.annotations[std::string(oci::kAnnotationCreated)] = options.created;
  return oci::PushArtifact(dst, spec);
}

}  // namespace ec::profiles
