// mirror create: copies what a spec selects into a bundle (an OCI image layout holding every
// blob once, whatever the repository, plus mirror.json), leaving out what a base bundle
// already holds when making a delta. The bundle's graph is checked for closure (every
// reference in the bundle or its base) before mirror.json is made. The layout is a directory
// (DirectoryBundleStore) or, for an archive, a plan whose blobs are read from their sources
// when the archive is written (ArchiveBundleStore): see planned_layout.h.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "mirror/bundle_manifest.h"
#include "mirror/planned_layout.h"
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

// Where a bundle's blobs and manifests go while it is made.
class BundleStore {
 public:
  virtual ~BundleStore() = default;
  virtual oci::Target& layout() = 0;
  // Called once every root is copied (a directory writes index.json).
  virtual Status Finish() = 0;
  // Every digest the bundle holds.
  virtual Result<std::set<std::string>> Contents() = 0;
  // Sources a bundle still reads from after the copy (an archive's blobs) are kept open here.
  virtual void KeepOpen(std::unique_ptr<oci::Target> source) = 0;
};

// A bundle directory; `dir` must be empty or absent.
Result<std::unique_ptr<BundleStore>> OpenDirectoryBundleStore(const std::filesystem::path& dir);

class ArchiveBundleStore final : public BundleStore {
 public:
  oci::Target& layout() override { return plan_; }
  Status Finish() override { return OkStatus(); }
  Result<std::set<std::string>> Contents() override { return plan_.Contents(); }
  void KeepOpen(std::unique_ptr<oci::Target> source) override { plan_.KeepOpen(std::move(source)); }
  const PlannedLayout& plan() const { return plan_; }

 private:
  PlannedLayout plan_;
};

struct CreateReport {
  BundleManifest manifest;
  std::string manifest_bytes;  // mirror.json's bytes; the caller writes the file
  int roots = 0;               // tags and digests copied
  int blobs_copied = 0;
  int blobs_skipped = 0;       // in the base (delta) or shared with an earlier root
  std::int64_t bytes_copied = 0;
};

Result<CreateReport> CreateBundle(const MirrorSpec& spec, BundleStore& store, const CreateOptions& options);

// Reads a bundle directory's mirror.json (the base of a delta may be given as the directory
// or as its mirror.json); returns the manifest and the digest of its bytes.
Result<std::pair<BundleManifest, std::string>> ReadBundleManifest(const std::filesystem::path& path);

}  // namespace ec::mirror
