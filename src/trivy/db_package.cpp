#include "trivy/db_package.h"

#include "oci/artifact.h"
#include "oci/io.h"
#include "oci/media_types.h"
#include "oci/tar.h"
#include "oci/time_format.h"

namespace ec::trivy {

const DbFlavor& VulnerabilityDb() {
  static const DbFlavor flavor{"trivy:db", "trivy.db", "db.tar.gz",
                               "application/vnd.aquasec.trivy.db.layer.v1.tar+gzip", 2,
                               {"2", "latest"}, 24 * 3600};
  return flavor;
}

const DbFlavor& JavaDb() {
  static const DbFlavor flavor{"trivy:java-db", "trivy-java.db", "javadb.tar.gz",
                               "application/vnd.aquasec.trivy.javadb.layer.v1.tar+gzip", 1,
                               {"1"}, 72 * 3600};
  return flavor;
}

std::string FormatGoTime(std::int64_t unix_seconds) {
  return unix_seconds == 0 ? "0001-01-01T00:00:00Z" : oci::FormatRfc3339(unix_seconds);
}

std::string MetadataJson(int version, std::int64_t updated_at, std::int64_t next_update) {
  return StrCat("{\"Version\":", version, ",\"NextUpdate\":\"", FormatGoTime(next_update),
                "\",\"UpdatedAt\":\"", FormatGoTime(updated_at),
                "\",\"DownloadedAt\":\"0001-01-01T00:00:00Z\"}\n");
}

Result<oci::Descriptor> PublishDatabase(oci::Target& dst, const DbFlavor& flavor,
                                        const std::filesystem::path& db_file,
                                        const PublishOptions& options) {
  const std::int64_t next_update =
      options.next_update != 0 ? options.next_update : options.updated_at + flavor.next_update_seconds;
  std::error_code ec;
  std::filesystem::create_directories(options.work_dir, ec);
  if (ec) return Unavailable(StrCat("create ", options.work_dir.string(), ": ", ec.message()));
  auto size = std::filesystem::file_size(db_file, ec);
  if (ec) return NotFound(StrCat(flavor.profile, ": database ", db_file.string(), ": ", ec.message()));

  // The archive Trivy unpacks: the database and metadata.json at the top level.
  std::vector<oci::TarWriteEntry> entries;
  entries.push_back({flavor.db_file, std::nullopt, db_file, static_cast<std::int64_t>(size), -1});
  entries.push_back({"metadata.json",
                     MetadataJson(flavor.schema_version, options.updated_at, next_update), {}, 0, -1});
  const std::filesystem::path archive = options.work_dir / flavor.archive_name;
  EC_RETURN_IF_ERROR(oci::WriteDeterministicTar(archive, std::move(entries), oci::TarCompression::kGzip));

  // One layer titled with the archive's name (Trivy's file name), the empty config, Trivy's
  // artifactType, and a created time that comes from the inputs, not the clock.
  oci::ArtifactSpec spec;
  spec.files.push_back({archive, flavor.layer_media_type});
  spec.artifact_type = std::string(kTrivyArtifactType);
  spec.annotations[std::string(oci::kAnnotationCreated)] = FormatGoTime(options.updated_at);
  EC_ASSIGN_OR_RETURN(oci::Descriptor manifest, oci::PushArtifact(dst, spec));
  for (const std::string& tag : flavor.tags) EC_RETURN_IF_ERROR(dst.Tag(manifest, tag));
  return manifest;
}

}  // namespace ec::trivy
