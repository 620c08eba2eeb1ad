// CopyGraph: copies a root manifest or index and everything it references from one Target to
// another: the walk fetches and verifies every manifest first, then blobs are copied by a
// bounded pool of workers (each through the destination's verifying Push), then manifests are
// pushed children before parents, so the destination never holds a manifest whose content is
// missing. Whatever the concurrency, the destination ends up with the same bytes.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

#include "oci/platform.h"
#include "oci/target.h"

namespace ec::oci {

struct CopyOptions {
  int concurrency = 3;                  // blobs copied at once (oras and containerd use 3)
  bool referrers = false;               // also copy referrers of every copied manifest (and
                                        // cosign's sha256-<hex>.sig/.att/.sbom tags), recursively
  std::optional<Platform> platform;     // narrow an index root to the one matching manifest
  // Called once, after the walk, with the bytes of the blobs to copy.
  std::function<void(std::int64_t total)> on_total;
  // Called from worker threads as bytes of a blob are written; must be thread-safe.
  std::function<void(std::int64_t bytes)> on_bytes;
};

struct CopyReport {
  Descriptor root;                      // what was copied (the platform's manifest if narrowed)
  int blobs_copied = 0;
  int blobs_skipped = 0;                // already in the destination
  int manifests_copied = 0;
  int manifests_skipped = 0;
  std::int64_t bytes_copied = 0;
  std::int64_t bytes_total = 0;         // of the blobs the walk found missing
  int tags_copied = 0;                  // cosign digest tags carried with --referrers
};

Result<CopyReport> CopyGraph(Target& src, Target& dst, const Descriptor& root,
                             const CopyOptions& options = {});

// Picks the manifest for `platform` out of an index; errors list the platforms there are.
Result<Descriptor> SelectPlatform(Target& src, const Descriptor& index, const Platform& platform);

}  // namespace ec::oci
