// Target: a content-addressed store of blobs and manifests plus mutable tags. Every move of
// data in Export Center (push, pull, export, mirror, import, sync) is CopyGraph between two
// Targets. Implementations: MemoryTarget (tests), LayoutTarget (OCI image layout directory),
// ArchiveTarget (tar of a layout); the registry target implements the same interface.
// Thread safety: Fetch, Exists and Push may be called concurrently; Tag, Resolve, ListTags,
// Referrers and Commit are called from one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "oci/descriptor.h"
#include "oci/fetched_manifest.h"
#include "oci/io.h"
#include "status.h"

namespace ec::oci {

class Target {
 public:
  virtual ~Target() = default;

  // Names the target in messages: "oci:DIR", "oci-archive:FILE", "registry.example/repo".
  virtual std::string Name() const = 0;

  // A reader for the blob or manifest. Implementations need not verify; FetchVerified and
  // CopyGraph do.
  virtual Result<std::unique_ptr<Reader>> Fetch(const Descriptor& desc) = 0;
  virtual Result<bool> Exists(const Descriptor& desc) = 0;
  // Size of a blob known only by digest (media type application/octet-stream); kNotFound when
  // absent.
  virtual Result<Descriptor> Stat(const Digest& digest) = 0;
  // Consumes `content` to its end. Stores nothing and returns kDataLoss unless the bytes match
  // `expected` (size, then digest, then no trailing bytes). Pushing what exists is a no-op
  // and may leave `content` unread.
  virtual Status Push(const Descriptor& expected, Reader& content) = 0;
  // Resolves a tag, or a digest string, to the descriptor of a manifest or index.
  virtual Result<Descriptor> Resolve(std::string_view reference) = 0;
  // Points `tag` at `desc`, which must already be in the target.
  virtual Status Tag(const Descriptor& desc, std::string_view tag) = 0;

  // Resuming interrupted pushes. PartialSize: bytes of `desc` an earlier, interrupted push
  // left behind (0 when none, or for targets that keep nothing). FetchFrom: the blob from
  // byte `offset` on. PushFrom: completes a push from `offset`, `rest` holding the bytes after
  // it; the whole blob is still verified. The defaults keep nothing and skip bytes.
  virtual Result<std::int64_t> PartialSize(const Descriptor& desc) {
    (void)desc;
    return std::int64_t{0};
  }
  virtual Result<std::unique_ptr<Reader>> FetchFrom(const Descriptor& desc, std::int64_t offset);
  virtual Status PushFrom(const Descriptor& expected, Reader& rest, std::int64_t offset) {
    if (offset != 0) return NotSupported(StrCat("resume a push to ", Name()));
    return Push(expected, rest);
  }

  // Optional capabilities: kNotSupported unless the target has them.
  virtual Result<std::vector<std::string>> ListTags() { return NotSupported("list tags"); }
  // Manifests whose subject is `subject`, optionally only those of `artifact_type`; sorted by
  // digest so that callers see the same order everywhere.
  virtual Result<std::vector<Descriptor>> Referrers(const Descriptor& subject,
                                                    std::string_view artifact_type) {
    (void)subject;
    (void)artifact_type;
    return NotSupported(StrCat("referrers of ", Name()));
  }
  // Makes `desc`, held by `source`, available here without copying its bytes (a registry's
  // cross-repository mount). False when this target cannot: the caller copies the bytes.
  virtual Result<bool> Mount(const Descriptor& desc, Target& source) {
    (void)desc;
    (void)source;
    return false;
  }
  // Where a registry target lives: {host, repository}; empty for local targets.
  virtual std::pair<std::string, std::string> RegistryLocation() const { return {}; }
  // A hint before a copy: these blobs and manifests are about to be pushed. A target that
  // lays data out ahead (an archive writing a sorted tar in one pass) uses it; the others
  // ignore it. Pushes of other content still work.
  virtual Status Prepare(const std::vector<Descriptor>& incoming) {
    (void)incoming;
    return OkStatus();
  }
  // Makes everything pushed and tagged so far durable and visible to other processes (a
  // layout writes index.json, an archive writes its tar). Once per operation.
  virtual Status Commit() { return OkStatus(); }
};

// Fetches a blob or manifest whole, verified against `desc`, refusing more than `limit` bytes.
Result<std::string> FetchVerified(Target& target, const Descriptor& desc, std::size_t limit);
// Fetches and parses a manifest or index (bounded by kMaxManifestBytes, verified).
Result<FetchedManifest> FetchManifest(Target& target, const Descriptor& desc);
// Reads a manifest pushed as `expected` whole: refuses more than kMaxManifestBytes, then
// verifies size and digest. `what` names the push in errors.
Result<std::string> ReadVerifiedManifest(Reader& content, const Descriptor& expected,
                                         std::string_view what);
// Pushes in-memory bytes as `desc`.
Status PushBytes(Target& target, const Descriptor& desc, std::string_view bytes);
// Pushes `desc` with content from `open`, opening it afresh and retrying (with a short
// backoff) while the push fails with kUnavailable: a dropped connection, a registry asking to
// wait, or one that refused an upload method and wants it sent another way.
inline constexpr int kPushAttempts = 5;
// `open(offset)` returns the content from byte `offset` on: each attempt resumes from what
// the target kept of the previous one (PartialSize).
Status PushWithRetry(Target& target, const Descriptor& desc,
                     const std::function<Result<std::unique_ptr<Reader>>(std::int64_t offset)>& open);

}  // namespace ec::oci
