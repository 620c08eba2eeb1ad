// Profile devportal:offline: packages a developer-portal source tree (static site, OpenAPI
// specs, SDKs, changelogs) as one deterministic `devportal-offline-bundle.tgz` that can be
// checked on an air-gapped machine with coreutils, sed, grep and openssl only.
//
// Source layout: `source/` may hold only the category folders
//   portal/**          static site            specs/**       OpenAPI documents
//   sdks/<name>/**     one folder per SDK     changelog/**   release notes
// Every other top-level name, symlinks, fifos, sockets, device nodes, names with ".." or
// characters outside [A-Za-z0-9._/-] (so that no name needs quoting in checksums.txt or the
// shell), an empty source, and trees above the file-count or byte limits are refused with an
// error naming the offending path.
//
// Archive layout: one top folder, so extraction never spills into the current directory:
//   devportal-offline/
//     changelog/** portal/** sdks/<name>/** specs/**   the inputs, byte for byte
//     manifest.json              compact JSON, keys sorted, entries sorted by path
//     manifest.dsse.json         DSSE envelope over manifest.json (only when signed)
//     keys/signing.pub           the public key, when the caller ships one
//     checksums.txt              "<sha256>  <path>" for every other file, sorted
//     instructions-portable.txt  how to verify and use the bundle
//     verify-offline.sh          sha256sum -c, manifest cross-check, DSSE signature check
// Paths in manifest.json and checksums.txt are relative to devportal-offline/, so
// `sha256sum -c checksums.txt` passes when run inside the extracted folder.
//
// Determinism: the tgz goes through oci::WriteDeterministicTar (sorted names, parent
// directories first, mtime 0, uid/gid 0, modes 0644/0755, gzip header mtime 0). The only time
// in the bundle is `generated_at`, written into manifest.json; tar mtimes stay 0 (the
// determinism rules' `--mtime=@0`). The same inputs and options give the same bytes.
//
// Thread safety: WriteDevportalBundle shares no state; concurrent calls must use different
// destinations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "oci/digest.h"
#include "status.h"

namespace ec::profiles {

// Limits on what one bundle may hold (before anything is hashed or written).
inline constexpr std::size_t kMaxDevportalFiles = 100'000;
inline constexpr std::int64_t kMaxDevportalTotalBytes = std::int64_t{8} << 30;  // 8 GiB
// Folder nesting below the source directory.
inline constexpr int kMaxDevportalDepth = 32;

inline constexpr std::string_view kDevportalBundleRoot = "devportal-offline";
inline constexpr std::string_view kDevportalManifestVersion = "devportal-offline/v1";
// The bundle's file name, also its layer title when pushed as an OCI artifact.
inline constexpr std::string_view kDevportalBundleFile = "devportal-offline-bundle.tgz";
inline constexpr std::string_view kDevportalBundleMediaType = "application/vnd.export-center.devportal.bundle.v1.tar+gzip";
// Files every bundle has at the top of its folder.
inline constexpr std::string_view kDevportalManifestName = "manifest.json";
inline constexpr std::string_view kDevportalEnvelopeName = "manifest.dsse.json";
inline constexpr std::string_view kDevportalChecksumsName = "checksums.txt";
// payloadType of manifest.dsse.json.
inline constexpr std::string_view kDevportalPayloadType =
    "application/vnd.export-center.devportal.manifest+json";

struct DevportalOptions {
  std::filesystem::path source;
  std::string bundle_id;        // required
  std::string release_version;  // required; manifest metadata.releaseVersion
  // RFC 3339 UTC ("2025-01-01T00:00:00Z"); the caller derives it from SOURCE_DATE_EPOCH.
  std::string generated_at;
  // Signs the manifest: gets kDevportalPayloadType and the exact manifest.json bytes, returns
  // the DSSE envelope JSON ({"payload","payloadType","signatures":[{"keyid"?,"sig"}]}, standard
  // or URL-safe base64, exactly one signature). The writer checks the envelope carries these
  // bytes and type, then stores it re-serialised in the compact form verify-offline.sh reads.
  // Empty: no manifest.dsse.json, and the manifest says "unsigned".
  std::function<Result<std::string>(std::string_view payload_type, std::string_view payload)>
      sign;
  // PEM public key (Ed25519 or ECDSA P-256) shipped as keys/signing.pub, the script's default
  // key. Requires `sign`. Users should still pass a key they trust to verify-offline.sh.
  std::string public_key_pem;
  std::size_t max_files = kMaxDevportalFiles;
  std::int64_t max_total_bytes = kMaxDevportalTotalBytes;
};

struct DevportalResult {
  oci::Digest bundle_digest;     // sha256 of the tgz as written
  std::int64_t bundle_bytes = 0;
  std::string manifest_json;     // the exact bytes of manifest.json (the DSSE payload)
  std::size_t entry_count = 0;   // input files
  std::int64_t total_bytes = 0;  // their total size
};

// Scans, hashes (streaming) and packages `options.source` into `dest_tgz`, atomically: the
// file appears complete or not at all. The destination must not lie inside the source. The
// source must not change while this runs (a changed size is reported as DataLoss).
Result<DevportalResult> WriteDevportalBundle(const DevportalOptions& options,
                                             const std::filesystem::path& dest_tgz);

// The content type recorded for `path`, by its (case-insensitive) extension.
std::string_view DevportalContentType(std::string_view path);

}  // namespace ec::profiles
