// Every bundle is an OCI artifact. By default each file is one layer, titled with its name
// (org.opencontainers.image.title), so `oras pull` or `export-center pull -o DIR` yields the
// files. With image_compatible, each file is wrapped in a one-entry tar layer
// (export/<name>, titled "<name>.tar") under a real image config, so that `docker pull` /
// `podman pull` accept it and `create` + `cp <id>:/export DIR` get the files out.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "oci/descriptor.h"
#include "oci/target.h"
#include "profiles/jsonl_shards.h"

namespace ec::profiles {

inline constexpr std::string_view kEvidenceArtifactType = "application/vnd.export-center.evidence.v1";
inline constexpr std::string_view kDevportalArtifactType = "application/vnd.export-center.devportal.v1";
// The folder image-compatible bundles put their files in.
inline constexpr std::string_view kImageExportDir = "export";

// Manifest annotations every bundle carries.
inline constexpr std::string_view kAnnotationProfile = "dev.export-center.profile";
inline constexpr std::string_view kAnnotationTenant = "dev.export-center.tenant";
inline constexpr std::string_view kAnnotationExportId = "dev.export-center.export-id";
inline constexpr std::string_view kAnnotationRerunHash = "dev.export-center.rerun-hash";

struct BundleArtifactOptions {
  std::string artifact_type;
  oci::Annotations annotations;  // on the manifest
  std::string created;           // RFC 3339: the image config's created time
  bool image_compatible = false;
  std::filesystem::path work_dir;  // scratch space for the tar layers and config
};

// Pushes the files and the manifest into `dst` (no tag); returns the manifest's descriptor.
Result<oci::Descriptor> PushBundle(oci::Target& dst, const std::vector<ExportFile>& files,
                                   const BundleArtifactOptions& options);

}  // namespace ec::profiles
