// LayoutTarget: an OCI image layout directory (oci-layout, index.json, blobs/<alg>/<hex>).
// Blobs are written to .ec-partial/<alg>-<hex>, verified while streaming, fsynced and renamed
// into place, so a blob that is visible is correct; a push that breaks off keeps its partial
// file, and the next push of that blob (PartialSize/PushFrom) resumes from it. Tags and new root manifests are kept in memory
// and index.json is rewritten atomically, once, by Commit(). Entries other tools put in
// index.json are kept as they are.
// Thread safety: Fetch, Exists, Stat and Push may run concurrently; the rest from one thread.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "oci/layout_index.h"
#include "oci/manifest_set.h"
#include "oci/target.h"

namespace ec::oci {

struct LayoutOptions {
  bool create = false;   // create the layout on first write if the directory has none
  bool durable = true;   // fsync each blob and index.json before renaming it into place
};

class LayoutTarget final : public Target {
 public:
  static Result<std::unique_ptr<LayoutTarget>> Open(const std::filesystem::path& dir,
                                                    LayoutOptions options = {});

  std::string Name() const override { return "oci:" + dir_.string(); }
  Result<std::unique_ptr<Reader>> Fetch(const Descriptor& desc) override;
  Result<bool> Exists(const Descriptor& desc) override;
  Result<Descriptor> Stat(const Digest& digest) override;
  Status Push(const Descriptor& expected, Reader& content) override;
  Result<std::int64_t> PartialSize(const Descriptor& desc) override;
  Result<std::unique_ptr<Reader>> FetchFrom(const Descriptor& desc, std::int64_t offset) override;
  Status PushFrom(const Descriptor& expected, Reader& rest, std::int64_t offset) override;
  Result<Descriptor> Resolve(std::string_view reference) override;
  Status Tag(const Descriptor& desc, std::string_view tag) override;
  Result<std::vector<std::string>> ListTags() override;
  Result<std::vector<Descriptor>> Referrers(const Descriptor& subject,
                                            std::string_view artifact_type) override;
  Status Commit() override;

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path BlobPath(const Digest& digest) const;

 private:
  LayoutTarget(std::filesystem::path dir, LayoutOptions options)
      : dir_(std::move(dir)), options_(options) {}
  Status Load();
  Status EnsureWritable();
  Status PushBlob(const Descriptor& expected, Reader& rest, std::int64_t offset,
                  const std::string& what);
  // Where an interrupted blob push leaves its bytes for the next one to resume.
  std::filesystem::path PartialPath(const Digest& digest) const;

  std::filesystem::path dir_;
  LayoutOptions options_;
  std::mutex mu_;             // guards initialised_ and dirty_ during concurrent Push
  bool initialised_ = false;  // the directory holds a layout
  bool dirty_ = false;
  bool graph_loaded_ = false;
  LayoutIndex index_;
  ManifestSet pushed_;        // manifests pushed through this object
  ManifestSet known_;         // reachable from index.json, plus pushed_
};

// Describes a manifest known only by digest by reading it from `target` (media type from its
// content). Used by local targets' Resolve.
Result<Descriptor> DescribeManifest(Target& target, const Digest& digest);

}  // namespace ec::oci
