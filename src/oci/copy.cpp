#include "oci/copy.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "oci/limits.h"
#include "oci/media_types.h"

namespace ec::oci {
namespace {

// Counts bytes as they pass, for progress.
class CountingReader final : public Reader {
 public:
  CountingReader(std::unique_ptr<Reader> inner, const std::function<void(std::int64_t)>& on_bytes)
      : inner_(std::move(inner)), on_bytes_(on_bytes) {}
  Result<std::size_t> Read(std::span<char> buf) override {
    EC_ASSIGN_OR_RETURN(std::size_t n, inner_->Read(buf));
    if (n > 0 && on_bytes_) on_bytes_(static_cast<std::int64_t>(n));
    return n;
  }

 private:
  std::unique_ptr<Reader> inner_;
  const std::function<void(std::int64_t)>& on_bytes_;
};

class GraphCopier {
 public:
  GraphCopier(Target& src, Target& dst, const CopyOptions& options)
      : src_(src), dst_(dst), options_(options) {}

  Result<CopyReport> Run(const Descriptor& root) {
    report_.root = root;
    EC_RETURN_IF_ERROR(Walk(root, 0));
    std::vector<Descriptor> incoming = blobs_;
    for (const auto& fm : manifests_in_order_) incoming.push_back(fm.desc);
    EC_RETURN_IF_ERROR(dst_.Prepare(incoming).WithPrefix(StrCat("prepare ", dst_.Name())));
    EC_RETURN_IF_ERROR(CopyBlobs());
    for (const auto& fm : manifests_in_order_) {
      Status s = PushBytes(dst_, fm.desc, fm.bytes);
      if (!s.ok()) return s.WithPrefix(StrCat("copy manifest ", fm.desc.digest.str(), " to ", dst_.Name()));
      ++report_.manifests_copied;
    }
    for (const auto& [tag, desc] : tags_) {
      EC_RETURN_IF_ERROR(dst_.Tag(desc, tag).WithPrefix(StrCat("copy tag ", tag)));
      ++report_.tags_copied;
    }
    return report_;
  }

 private:
  Status Walk(const Descriptor& desc, int depth) {
    if (depth > kMaxGraphDepth) {
      return InvalidArgument(StrCat("copy ", desc.digest.str(), " from ", src_.Name(),
                                    ": graph deeper than ", kMaxGraphDepth, " levels"));
    }
    if (!visited_.insert(desc.digest.str()).second) return OkStatus();
    if (!IsManifestType(desc.media_type)) {
      blobs_.push_back(desc);
      return OkStatus();
    }
    EC_ASSIGN_OR_RETURN(bool present, dst_.Exists(desc));
    if (present) {
      ++report_.manifests_skipped;  // and its whole sub-graph
    } else {
      auto fetched = FetchManifest(src_, desc);
      if (!fetched.ok()) return fetched.status().WithPrefix(StrCat("copy from ", src_.Name()));
      for (const auto& child : fetched->manifest.Successors()) {
        EC_RETURN_IF_ERROR(Walk(child, depth + 1));
      }
      manifests_in_order_.push_back(std::move(fetched).value());
    }
    if (options_.referrers) {
      // cosign keeps signatures, attestations and SBOMs under digest tags, not as referrers.
      for (const char* suffix : {".sig", ".att", ".sbom"}) {
        std::string tag = StrCat(desc.digest.algorithm_name(), "-", desc.digest.hex(), suffix);
        auto tagged = src_.Resolve(tag);
        if (!tagged.ok()) {
          if (tagged.status().code() == Code::kNotFound) continue;
          return tagged.status().WithPrefix(StrCat("look for cosign tag ", tag));
        }
        EC_RETURN_IF_ERROR(Walk(*tagged, depth + 1));
        tags_.emplace_back(tag, *tagged);
      }
      auto referrers = src_.Referrers(desc, "");
      if (!referrers.ok()) {
        return referrers.status().WithPrefix(StrCat("list referrers of ", desc.digest.str()));
      }
      for (const auto& r : *referrers) EC_RETURN_IF_ERROR(Walk(r, depth + 1));
    }
    return OkStatus();
  }

  Status CopyOne(const Descriptor& blob) {
    EC_ASSIGN_OR_RETURN(bool present, dst_.Exists(blob));
    if (present) {
      std::lock_guard lock(mu_);
      ++report_.blobs_skipped;
      return OkStatus();
    }
    // Same registry: let it link the blob instead of moving the bytes.
    EC_ASSIGN_OR_RETURN(bool mounted, dst_.Mount(blob, src_));
    if (!mounted) {
      // Transient failures start over from a fresh read of the source.
      Status s = PushWithRetry(dst_, blob, [&](std::int64_t offset) -> Result<std::unique_ptr<Reader>> {
        auto reader = src_.FetchFrom(blob, offset);
        if (!reader.ok()) return reader.status().WithPrefix(StrCat("copy from ", src_.Name()));
        return std::unique_ptr<Reader>(new CountingReader(std::move(reader).value(), options_.on_bytes));
      });
      EC_RETURN_IF_ERROR(s);
    }
    std::lock_guard lock(mu_);
    ++report_.blobs_copied;
    report_.bytes_copied += mounted ? 0 : blob.size;
    return OkStatus();
  }



  Status CopyBlobs() {
    std::sort(blobs_.begin(), blobs_.end(),
              [](const Descriptor& a, const Descriptor& b) { return a.digest < b.digest; });
    for (const auto& b : blobs_) report_.bytes_total += b.size;
    if (options_.on_total) options_.on_total(report_.bytes_total);
    std::vector<Status> results(blobs_.size());
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    auto worker = [&] {
      while (!failed.load()) {
        std::size_t i = next.fetch_add(1);
        if (i >= blobs_.size()) return;
        results[i] = CopyOne(blobs_[i]);
        if (!results[i].ok()) failed.store(true);
      }
    };
    int n = std::clamp(options_.concurrency, 1, 64);
    n = std::min<int>(n, static_cast<int>(std::max<std::size_t>(blobs_.size(), 1)));
    std::vector<std::thread> threads;
    for (int i = 1; i < n; ++i) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    // The first failure in digest order, so the message does not depend on scheduling.
    for (auto& s : results) {
      if (!s.ok()) return s;
    }
    return OkStatus();
  }

  Target& src_;
  Target& dst_;
  const CopyOptions& options_;
  CopyReport report_;
  std::set<std::string> visited_;
  std::vector<Descriptor> blobs_;
  std::vector<FetchedManifest> manifests_in_order_;  // children before parents
  std::vector<std::pair<std::string, Descriptor>> tags_;  // cosign digest tags to carry
  std::mutex mu_;
};

}  // namespace

Result<Descriptor> SelectPlatform(Target& src, const Descriptor& index, const Platform& platform) {
  EC_ASSIGN_OR_RETURN(FetchedManifest fm, FetchManifest(src, index));
  if (!fm.manifest.is_index) {
    return InvalidArgument(StrCat("select platform ", platform.str(), ": ", index.digest.str(),
                                  " is a manifest, not an index"));
  }
  std::vector<std::string> available;
  for (const auto& m : fm.manifest.manifests) {
    if (m.platform && platform.Matches(*m.platform)) return m;
    if (m.platform) available.push_back(m.platform->str());
  }
  std::string list;
  for (const auto& a : available) list += (list.empty() ? "" : ", ") + a;
  return NotFound(StrCat("select platform ", platform.str(), ": no manifest for it in index ",
                         index.digest.str(), "; available: ", list.empty() ? "none" : list));
}

Result<CopyReport> CopyGraph(Target& src, Target& dst, const Descriptor& root,
                             const CopyOptions& options) {
  Descriptor start = root;
  if (options.platform && IsIndexType(root.media_type)) {
    EC_ASSIGN_OR_RETURN(start, SelectPlatform(src, root, *options.platform));
  }
  GraphCopier copier(src, dst, options);
  return copier.Run(start);
}

}  // namespace ec::oci
