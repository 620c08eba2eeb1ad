#include "mirror/import.h"

#include "mirror/graph_targets.h"
#include "oci/copy.h"
#include "oci/layout_target.h"

namespace ec::mirror {
namespace {

void Add(ApplyReport& report, const oci::CopyReport& r) {
  ++report.roots;
  report.blobs_copied += r.blobs_copied;
  report.blobs_skipped += r.blobs_skipped;
  report.bytes_copied += r.bytes_copied;
}

// The destination must hold every root of the base before a delta is applied over it.
Status CheckBase(oci::Target& dst, const std::string& repository, const BundleBase& base) {
  auto tags = base.tags.find(repository);
  if (tags == base.tags.end()) return OkStatus();
  for (const auto& [tag, digest] : tags->second) {
    auto have = dst.Resolve(digest);
    if (!have.ok()) {
      return FailedPrecondition(StrCat("the destination lacks the base of this delta: ", dst.Name(), "@", digest,
                                       " (tag ", tag, " of base ", base.name.empty() ? base.manifest_digest : base.name,
                                       ") is missing; import the base bundle first"));
    }
  }
  return OkStatus();
}

}  // namespace

Result<ApplyReport> ImportBundle(const std::filesystem::path& bundle_dir, const BundleManifest& manifest,
                                 const DestinationOpener& open_destination, int concurrency) {
  EC_ASSIGN_OR_RETURN(auto layout, oci::LayoutTarget::Open(bundle_dir));
  ApplyReport report;
  // Check every repository's base first: nothing is written when the base is missing.
  std::map<std::string, std::unique_ptr<oci::Target>> destinations;
  for (const auto& [path, repo] : manifest.repositories) {
    EC_ASSIGN_OR_RETURN(destinations[path], open_destination(path));
    if (manifest.base) EC_RETURN_IF_ERROR(CheckBase(*destinations[path], path, *manifest.base));
  }
  oci::CopyOptions copy;
  copy.concurrency = concurrency;
  copy.referrers = true;
  for (const auto& [path, repo] : manifest.repositories) {
    oci::Target& dst = *destinations[path];
    OverlayTarget src(*layout, dst);
    auto apply = [&](const std::string& digest, const std::string* tag) -> Status {
      EC_ASSIGN_OR_RETURN(oci::Descriptor root, src.Resolve(digest));
      EC_ASSIGN_OR_RETURN(oci::CopyReport r, oci::CopyGraph(src, dst, root, copy));
      Add(report, r);
      if (tag != nullptr) {
        EC_RETURN_IF_ERROR(dst.Tag(root, *tag));
        ++report.tags;
      }
      return OkStatus();
    };
    for (const auto& [tag, digest] : repo.tags) {
      Status s = apply(digest, &tag);
      if (!s.ok()) return s.WithPrefix(StrCat("import ", path, ":", tag));
    }
    for (const std::string& digest : repo.digests) {
      Status s = apply(digest, nullptr);
      if (!s.ok()) return s.WithPrefix(StrCat("import ", path, "@", digest));
    }
    EC_RETURN_IF_ERROR(dst.Commit());
  }
  for (const auto& [path, tags] : manifest.removed_tags) {
    for (const std::string& t : tags) report.removed_tags.push_back(StrCat(path, ":", t));
  }
  return report;
}

Result<ApplyReport> SyncSpec(const MirrorSpec& spec, const SourceOpener& open_source,
                             const DestinationOpener& open_destination, int concurrency) {
  ApplyReport report;
  for (std::size_t i = 0; i < spec.repositories.size(); ++i) {
    const RepositorySelection& sel = spec.repositories[i];
    const std::string where = StrCat("repositories[", i, "] (", sel.source, ")");
    EC_ASSIGN_OR_RETURN(auto src, open_source(sel.source));
    EC_ASSIGN_OR_RETURN(auto dst, open_destination(sel.target));
    auto tags = src->ListTags();
    if (!tags.ok()) return tags.status().WithPrefix(StrCat(where, ": list tags"));
    auto selected = SelectTags(sel, *tags);
    if (!selected.ok()) return selected.status().WithPrefix(where);
    oci::CopyOptions copy;
    copy.concurrency = concurrency;
    copy.referrers = sel.referrers || sel.cosign_tags;
    if (sel.platforms.size() == 1) copy.platform = sel.platforms[0];
    auto apply = [&](const std::string& reference, bool tag) -> Status {
      EC_ASSIGN_OR_RETURN(oci::Descriptor desc, src->Resolve(reference));
      EC_ASSIGN_OR_RETURN(oci::CopyReport r, oci::CopyGraph(*src, *dst, desc, copy));
      Add(report, r);
      if (tag) {
        EC_RETURN_IF_ERROR(dst->Tag(r.root, reference));
        ++report.tags;
      }
      return OkStatus();
    };
    for (const std::string& t : *selected) {
      Status s = apply(t, true);
      if (!s.ok()) return s.WithPrefix(StrCat(where, ": tag ", t));
    }
    for (const std::string& d : sel.digests) {
      Status s = apply(d, false);
      if (!s.ok()) return s.WithPrefix(StrCat(where, ": digest ", d));
    }
    EC_RETURN_IF_ERROR(dst->Commit());
  }
  for (std::size_t i = 0; i < spec.exports.size(); ++i) {
    const ExportSelection& e = spec.exports[i];
    const std::string where = StrCat("exports[", i, "] (", e.ref, ")");
    EC_ASSIGN_OR_RETURN(auto src, open_source(e.ref));
    EC_ASSIGN_OR_RETURN(auto dst, open_destination(e.target));
    auto split = SplitExportReference(e);
    if (!split.ok()) return split.status().WithPrefix(where);
    const std::string& reference = split->reference;
    const bool by_digest = split->by_digest;
    auto desc = src->Resolve(reference);
    if (!desc.ok()) return desc.status().WithPrefix(where);
    oci::CopyOptions copy;
    copy.concurrency = concurrency;
    copy.referrers = true;
    auto r = oci::CopyGraph(*src, *dst, *desc, copy);
    if (!r.ok()) return r.status().WithPrefix(where);
    Add(report, *r);
    if (!by_digest) {
      EC_RETURN_IF_ERROR(dst->Tag(*desc, reference));
      ++report.tags;
    }
    EC_RETURN_IF_ERROR(dst->Commit());
  }
  return report;
}

}  // namespace ec::mirror
