#include "mirror/create.h"

#include "mirror/graph_targets.h"
#include "oci/io.h"
#include "oci/layout_target.h"
#include "oci/manifest.h"
#include "oci/media_types.h"

namespace ec::mirror {
namespace {

namespace fs = std::filesystem;

struct Totals {
  int roots = 0;
  int blobs_copied = 0;
  int blobs_skipped = 0;
  std::int64_t bytes = 0;
  void Add(const oci::CopyReport& r) {
    ++roots;
    blobs_copied += r.blobs_copied;
    blobs_skipped += r.blobs_skipped;
    bytes += r.bytes_copied;
  }
};

// Copies one root into the bundle; returns the descriptor the tag should name (the platform's
// manifest when one platform is asked for).
Result<oci::Descriptor> CopyRoot(oci::Target& src, CaptureTarget& dst, const oci::Descriptor& root,
                                 const RepositorySelection* sel, int concurrency, Totals& totals) {
  oci::CopyOptions copy;
  copy.concurrency = concurrency;
  copy.referrers = sel == nullptr || sel->referrers || sel->cosign_tags;
  // Narrowing an index to several platforms would need a new index (and break signatures):
  // one platform narrows the root, several keep the whole index.
  if (sel != nullptr && sel->platforms.size() == 1) copy.platform = sel->platforms[0];
  EC_ASSIGN_OR_RETURN(oci::CopyReport r, oci::CopyGraph(src, dst, root, copy));
  totals.Add(r);
  return r.root;
}

// Every descriptor reachable from `root` is in the bundle or in its base.
Status CheckClosure(oci::Target& layout, const std::set<std::string>& base, const oci::Descriptor& root,
                    std::set<std::string>& seen) {
  if (!seen.insert(root.digest.str()).second) return OkStatus();
  EC_ASSIGN_OR_RETURN(bool here, layout.Exists(root));
  if (!here) {
    if (base.count(root.digest.str())) return OkStatus();
    return FailedPrecondition(StrCat("closure: ", root.digest.str(), " is in neither the bundle nor its base"));
  }
  if (!oci::IsManifestType(root.media_type)) return OkStatus();
  EC_ASSIGN_OR_RETURN(oci::FetchedManifest m, oci::FetchManifest(layout, root));
  for (const oci::Descriptor& child : m.manifest.Successors()) {
    Status s = CheckClosure(layout, base, child, seen);
    if (!s.ok()) return s.WithPrefix(StrCat("under ", root.digest.str()));
  }
  return OkStatus();
}

Result<std::set<std::string>> ListContents(const fs::path& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (const char* alg : {"sha256", "sha512"}) {
    const fs::path blobs = dir / "blobs" / alg;
    if (!fs::exists(blobs, ec)) continue;
    for (const auto& entry : fs::directory_iterator(blobs, ec)) {
      if (entry.is_regular_file()) out.insert(StrCat(alg, ":", entry.path().filename().string()));
    }
    if (ec) return Unavailable(StrCat("list ", blobs.string(), ": ", ec.message()));
  }
  return out;
}

class DirectoryBundleStore final : public BundleStore {
 public:
  DirectoryBundleStore(fs::path dir, std::unique_ptr<oci::LayoutTarget> layout)
      : dir_(std::move(dir)), layout_(std::move(layout)) {}
  oci::Target& layout() override { return *layout_; }
  Status Finish() override { return layout_->Commit(); }
  Result<std::set<std::string>> Contents() override { return ListContents(dir_); }
  void KeepOpen(std::unique_ptr<oci::Target>) override {}  // every blob is in the directory

 private:
  fs::path dir_;
  std::unique_ptr<oci::LayoutTarget> layout_;
};

}  // namespace

Result<std::unique_ptr<BundleStore>> OpenDirectoryBundleStore(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return FailedPrecondition(StrCat("mirror create: ", dir.string(), " is not empty; give a new directory"));
  }
  EC_ASSIGN_OR_RETURN(auto layout, oci::LayoutTarget::Open(dir, {.create = true, .durable = false}));
  return std::unique_ptr<BundleStore>(new DirectoryBundleStore(dir, std::move(layout)));
}

Result<std::pair<BundleManifest, std::string>> ReadBundleManifest(const fs::path& path) {
  std::error_code ec;
  const fs::path file = fs::is_directory(path, ec) ? path / std::string(kBundleManifestName) : path;
  EC_ASSIGN_OR_RETURN(std::string bytes, oci::ReadSmallFile(file, kMaxBundleManifestBytes));
  EC_ASSIGN_OR_RETURN(BundleManifest m, BundleManifest::Parse(bytes, file.string()));
  return std::make_pair(std::move(m), oci::Digest::OfBytes(bytes).str());
}

Result<CreateReport> CreateBundle(const MirrorSpec& spec, BundleStore& store, const CreateOptions& options) {
  oci::Target* layout = &store.layout();
  const std::set<std::string> empty;
  const std::set<std::string>& base_contents = options.base ? options.base->contents : empty;

  BundleManifest manifest;
  manifest.name = !options.name.empty() ? options.name : spec.name;
  manifest.generated_at = options.generated_at;
  Totals totals;
  std::vector<oci::Descriptor> roots;

  for (std::size_t i = 0; i < spec.repositories.size(); ++i) {
    const RepositorySelection& sel = spec.repositories[i];
    const std::string where = StrCat("repositories[", i, "] (", sel.source, ")");
    EC_ASSIGN_OR_RETURN(auto src, options.open_source(sel.source));
    auto tags = src->ListTags();
    if (!tags.ok()) return tags.status().WithPrefix(StrCat(where, ": list tags"));
    auto selected = SelectTags(sel, *tags);
    if (!selected.ok()) return selected.status().WithPrefix(where);
    CaptureTarget capture(*layout, base_contents);
    BundleRepository& repo = manifest.repositories[sel.target];
    repo.source = sel.source;
    for (const std::string& tag : *selected) {
      auto desc = src->Resolve(tag);
      if (!desc.ok()) return desc.status().WithPrefix(StrCat(where, ": tag ", tag));
      auto root = CopyRoot(*src, capture, *desc, &sel, options.concurrency, totals);
      if (!root.ok()) return root.status().WithPrefix(StrCat(where, ": tag ", tag));
      repo.tags[tag] = root->digest.str();
      roots.push_back(*root);
    }
    for (const std::string& d : sel.digests) {
      auto desc = src->Resolve(d);
      if (!desc.ok()) return desc.status().WithPrefix(StrCat(where, ": digest ", d));
      auto root = CopyRoot(*src, capture, *desc, &sel, options.concurrency, totals);
      if (!root.ok()) return root.status().WithPrefix(StrCat(where, ": digest ", d));
      repo.digests.insert(root->digest.str());
      roots.push_back(*root);
    }
    // Companion tags CopyGraph carried (cosign's sha256-<hex>.sig/.att/.sbom).
    for (const auto& [tag, desc] : capture.tags()) {
      if (!sel.cosign_tags || repo.tags.count(tag)) continue;
      repo.tags[tag] = desc.digest.str();
      roots.push_back(desc);
    }
    store.KeepOpen(std::move(src));
  }
  for (std::size_t i = 0; i < spec.exports.size(); ++i) {
    const ExportSelection& e = spec.exports[i];
    const std::string where = StrCat("exports[", i, "] (", e.ref, ")");
    EC_ASSIGN_OR_RETURN(auto src, options.open_source(e.ref));
    auto split = SplitExportReference(e);
    if (!split.ok()) return split.status().WithPrefix(where);
    const std::string& reference = split->reference;
    const bool by_digest = split->by_digest;
    auto desc = src->Resolve(reference);
    if (!desc.ok()) return desc.status().WithPrefix(where);
    CaptureTarget capture(*layout, base_contents);
    auto root = CopyRoot(*src, capture, *desc, nullptr, options.concurrency, totals);
    if (!root.ok()) return root.status().WithPrefix(where);
    BundleRepository& repo = manifest.repositories[e.target];
    repo.source = e.ref;
    if (by_digest) repo.digests.insert(root->digest.str()); else repo.tags[reference] = root->digest.str();
    roots.push_back(*root);
    for (const auto& [tag, d] : capture.tags()) {
      if (!repo.tags.count(tag)) {
        repo.tags[tag] = d.digest.str();
        roots.push_back(d);
      }
    }
    store.KeepOpen(std::move(src));
  }
  EC_RETURN_IF_ERROR(store.Finish());

  std::set<std::string> seen;
  for (const oci::Descriptor& root : roots) EC_RETURN_IF_ERROR(CheckClosure(*layout, base_contents, root, seen));
  EC_ASSIGN_OR_RETURN(manifest.contents, store.Contents());
  // Cumulative, so that a delta of a delta still leaves out everything already delivered.
  manifest.contents.insert(base_contents.begin(), base_contents.end());
  if (options.base) {
    BundleBase base;
    base.manifest_digest = options.base_manifest_digest;
    base.name = options.base->name;
    for (const auto& [path, r] : options.base->repositories) {
      base.tags[path] = r.tags;
      for (const auto& [tag, digest] : r.tags) {
        auto now = manifest.repositories.find(path);
        if (now == manifest.repositories.end() || !now->second.tags.count(tag)) manifest.removed_tags[path].push_back(tag);
      }
    }
    manifest.base = std::move(base);
  }
  CreateReport report;
  report.manifest_bytes = manifest.Serialize();
  report.manifest = std::move(manifest);
  report.roots = totals.roots;
  report.blobs_copied = totals.blobs_copied;
  report.blobs_skipped = totals.blobs_skipped;
  report.bytes_copied = totals.bytes;
  return report;
}

}  // namespace ec::mirror
