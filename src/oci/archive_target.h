// ArchiveTarget: an OCI archive, i.e. a tar of an OCI image layout (skopeo's "oci-archive:"),
// plain or zstd-compressed. Reading indexes the tar once and serves blobs in place (a zstd
// archive is first decompressed into a work directory). Writing: a new uncompressed archive
// whose content was announced by Prepare() (as CopyGraph does) is written in one pass: the
// sorted entries' headers are laid out ahead in a temporary file and each push lands in its
// slot. Otherwise new blobs are staged in a layout in a work directory beside the archive. In
// both cases Commit() produces the same deterministic tar (sorted entries, mtime 0, uid/gid 0,
// fixed modes), fsynced and renamed over the archive. Archive entry names are checked before anything is read: "..", absolute names and
// links are refused.
// Thread safety: as Target.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "oci/layout_index.h"
#include "oci/layout_target.h"
#include "oci/manifest_set.h"
#include "oci/tar.h"
#include "oci/target.h"

namespace ec::oci {

struct ArchiveOptions {
  bool create = false;  // create the archive on Commit() if it does not exist
  // For a new archive: zstd when the name ends in ".zst"; an existing archive keeps its own.
  std::optional<TarCompression> compression;
};

class ArchiveTarget final : public Target {
 public:
  static Result<std::unique_ptr<ArchiveTarget>> Open(const std::filesystem::path& file,
                                                     ArchiveOptions options = {});
  ~ArchiveTarget() override;

  std::string Name() const override { return "oci-archive:" + file_.string(); }
  Result<std::unique_ptr<Reader>> Fetch(const Descriptor& desc) override;
  Result<bool> Exists(const Descriptor& desc) override;
  Result<Descriptor> Stat(const Digest& digest) override;
  Status Push(const Descriptor& expected, Reader& content) override;
  Result<Descriptor> Resolve(std::string_view reference) override;
  Status Tag(const Descriptor& desc, std::string_view tag) override;
  Result<std::vector<std::string>> ListTags() override;
  Result<std::vector<Descriptor>> Referrers(const Descriptor& subject,
                                            std::string_view artifact_type) override;
  Status Prepare(const std::vector<Descriptor>& incoming) override;
  Status Commit() override;

  TarCompression compression() const { return compression_; }

 private:
  ArchiveTarget(std::filesystem::path file, ArchiveOptions options)
      : file_(std::move(file)), options_(options) {}
  Status Load();
  Result<std::filesystem::path> WorkDir();
  Status EnsureStaging();
  std::optional<TarEntryLocation> FindBlob(const Digest& digest) const;
  void Reset();
  Status PushDirect(const Descriptor& expected, Reader& content, std::int64_t offset);
  Status CommitDirect();
  // Where a blob's bytes can be read: staged or written in place this session.
  struct Slot {
    std::int64_t offset = 0;
    std::int64_t size = 0;
    bool written = false;
  };
  const Slot* WrittenSlot(const Digest& digest);

  std::filesystem::path file_;
  ArchiveOptions options_;
  TarCompression compression_ = TarCompression::kNone;
  std::filesystem::path work_dir_;          // created on demand, removed by the destructor
  std::filesystem::path base_tar_;          // the uncompressed tar being read, if any
  std::optional<TarIndex> base_;
  std::unique_ptr<LayoutTarget> staging_;   // new blobs, until Commit()
  bool is_new_ = false;                     // the file did not exist when opened
  // One-pass mode (after Prepare): the archive being written, and its blob slots by name.
  std::optional<AtomicFile> direct_file_;
  std::map<std::string, Slot> direct_slots_;
  std::int64_t direct_end_ = 0;             // where index.json's header goes
  std::mutex mu_;                           // guards staging_ creation and dirty_
  bool dirty_ = false;
  bool graph_loaded_ = false;
  LayoutIndex index_;
  ManifestSet pushed_;
  ManifestSet known_;
};

}  // namespace ec::oci
