// In-toto/SLSA provenance for mirror bundles: a DSSE envelope (provenance.dsse.json) over an
// in-toto Statement v1 whose subjects are mirror.json and every root the bundle carries
// ("<repo>:<tag>" and "<repo>@sha256:<hex>", by manifest digest), so that tools which match
// images by digest (cosign, slsa-verifier) find them, and whose predicate records the spec,
// the kind of bundle (full, or delta over which base) and where each repository came from.
// TUF says which mirror.json to trust; this says how it was made. The envelope is
// deterministic: canonical JSON, signed with Ed25519 or RFC 6979 ECDSA.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mirror/bundle_manifest.h"
#include "sign/keys.h"
#include "status.h"

namespace ec::mirror {

inline constexpr std::string_view kBundleProvenanceName = "provenance.dsse.json";
inline constexpr std::string_view kBundleBuildType = "https://export-center.dev/build/mirror/v1";
// The value of profiles::kBuilderId; mirror may not include profiles (layering).
inline constexpr std::string_view kBundleBuilderId = "https://export-center.dev/builder/v1";
// Far above what 10000 subjects (sign::kMaxSubjects) need, far below sign::kMaxEnvelopeBytes.
inline constexpr std::size_t kMaxBundleProvenanceBytes = 16u << 20;

struct BundleProvenanceInputs {
  const BundleManifest& manifest;  // a delta's base digest and name come from manifest.base
  std::string manifest_bytes;      // mirror.json as written
  std::string spec_digest;         // "sha256:<hex>" of the spec file's bytes
  std::string spec_name;
  std::string started_on, finished_on;  // RFC 3339 UTC, optional
  std::string version;                  // Export Center's, for the builder version; optional
};

// The envelope's JSON bytes. Refuses a root whose digest is not sha256 (in-toto subjects here
// carry sha256), a malformed spec digest or timestamp, and a bundle with more roots than
// verifiers read back (sign::kMaxSubjects).
Result<std::string> MakeBundleProvenance(const BundleProvenanceInputs& inputs,
                                         const sign::PrivateKey& key);

struct VerifiedBundleProvenance {
  std::vector<std::string> key_ids;  // hints of the given keys that verified, in their order
  std::size_t subjects = 0;          // subjects checked: mirror.json and every root
};

// Checks the envelope's signature against `keys` (any one suffices), its payload type,
// statement type, predicate type and build type, then that every root of `manifest` and
// mirror.json (`manifest_bytes`, of which `manifest` is the parse) are subjects with the
// right sha256. Subjects the manifest does not name are ignored: mirror.json's digest already
// pins the whole bundle.
Result<VerifiedBundleProvenance> VerifyBundleProvenance(std::string_view envelope_bytes,
                                                        const std::vector<sign::PublicKey>& keys,
                                                        std::string_view manifest_bytes,
                                                        const BundleManifest& manifest);

}  // namespace ec::mirror
