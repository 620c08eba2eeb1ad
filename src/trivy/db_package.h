// Packaging a Trivy database as the OCI artifact Trivy pulls (`trivy --db-repository`,
// `--java-db-repository`): metadata.json, a deterministic db.tar.gz (or javadb.tar.gz), and a
// single-layer image manifest with the empty config, Trivy's artifactType, the layer title
// Trivy uses as the file name, and the tags Trivy asks for ("2" and "latest"; Java "1").
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "oci/descriptor.h"
#include "oci/target.h"
#include "status.h"

namespace ec::trivy {

inline constexpr std::string_view kTrivyArtifactType = "application/vnd.aquasec.trivy.config.v1+json";

// What differs between the vulnerability DB and the Java DB.
struct DbFlavor {
  std::string profile;            // "trivy:db"
  std::string db_file;            // name inside the archive: "trivy.db"
  std::string archive_name;       // layer title: "db.tar.gz"
  std::string layer_media_type;   // checked by Trivy, exactly
  int schema_version = 0;         // metadata.json Version
  std::vector<std::string> tags;  // what Trivy pulls
  std::int64_t next_update_seconds = 0;  // default UpdatedAt → NextUpdate interval
};
const DbFlavor& VulnerabilityDb();
const DbFlavor& JavaDb();

// Go's RFC 3339 form of a UTC time: "2024-10-02T04:43:04Z"; the zero time is
// "0001-01-01T00:00:00Z".
std::string FormatGoTime(std::int64_t unix_seconds);
// metadata.json as trivy-db writes it (json.Encoder: keys in struct order, trailing newline);
// DownloadedAt is the zero time, as the builder leaves it.
std::string MetadataJson(int version, std::int64_t updated_at, std::int64_t next_update);

struct PublishOptions {
  std::int64_t updated_at = 0;          // also the manifest's created annotation
  std::int64_t next_update = 0;         // 0: updated_at + the flavor's interval
  std::filesystem::path work_dir;       // scratch space for metadata.json and the archive
};

// Writes metadata.json and the archive next to each other in `work_dir`, pushes the artifact
// into `dst` and tags it with the flavor's tags; the caller commits (after signing, say).
// Returns the manifest descriptor.
Result<oci::Descriptor> PublishDatabase(oci::Target& dst, const DbFlavor& flavor,
                                        const std::filesystem::path& db_file,
                                        const PublishOptions& options);

}  // namespace ec::trivy
