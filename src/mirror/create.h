// mirror create: copies what a spec selects into a bundle directory (an OCI image layout
// holding every blob once, whatever the repository, plus mirror.json), leaving out what a
// base bundle already holds when making a delta. The bundle's graph is checked for closure
// (every reference in the bundle or its base) before mirror.json is written.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "mirror/bundle_manifest.h"
#include "mirror/spec.h"
#include "oci/copy.h"
#include "oci/target.h"

namespace ec::mirror {

// Opens a source: a registry repository ("host/repo") or an export reference (any target
// argument with a tag or digest).
using SourceOpener = std::function<Result<std::unique_ptr<oci::Target>>(const std::string& ref)>;

struct CreateOptions {
  std::string name;          // default: the spec's metadata.name
  std::string generated_at;  // RFC 3339, written into mirror.json
  // For mirror:delta: the base's manifest and the digest of its mirror.json bytes.
  std::optional<BundleManifest> base;
  std::string base_manifest_digest;
  SourceOpener open_source;
  int concurrency = 3;
};

struct CreateReport {
  BundleManifest manifest;
  std::string manifest_bytes;  // mirror.json as written
  int roots = 0;               // tags and digests copied
  int blobs_copied = 0;
  int blobs_skipped = 0;       // in the base (delta) or shared with an earlier root
  std::int64_t bytes_copied = 0;
};

// `dir` must be empty or absent.
Result<CreateReport> CreateBundle(const MirrorSpec& spec, const std::filesystem::path& dir,
                                  const CreateOptions& options);

// Reads a bundle directory's mirror.json (the base of a delta may be given as the directory
// or as its mirror.json); returns the manifest and the digest of its bytes.
Result<std::pair<BundleManifest, std::string>> ReadBundleManifest(const std::filesystem::path& path);

}  // namespace ec::mirror
