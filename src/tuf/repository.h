// The TUF producer: writes a repository that tuf-js 5, python-tuf and go-tuf accept, in the
// layout the reference describes:
//
//   <dir>/metadata/N.root.json          every root version, kept forever
//   <dir>/metadata/N.targets.json       N.<bin>.json for hash bins
//   <dir>/metadata/N.snapshot.json
//   <dir>/metadata/timestamp.json       always unprefixed
//   <dir>/targets/<dir>/<sha256>.<name> consistent snapshot target copies (hard links)
//
// Serve <dir>/metadata as the metadata base URL and <dir>/targets as the targets base URL.
// Nothing here reads a clock: versions and expiry times come from the caller (derive them
// from SOURCE_DATE_EPOCH), and signatures are deterministic, so the same inputs give the same
// bytes. Files are published in the order clients read them backwards: targets, bins,
// targets.json, snapshot, then timestamp last, each atomically.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "json/parse.h"
#include "sign/keys.h"
#include "status.h"

namespace ec::tuf {

// The keys of one role and how many of them must sign. We sign with all of them.
struct RoleSigners {
  std::vector<sign::PrivateKey> keys;
  std::int64_t threshold = 1;
};

struct RepositoryKeys {
  RoleSigners root;
  RoleSigners targets;
  RoleSigners snapshot;
  RoleSigners timestamp;
  // Signs the hash bins; when it has no keys, the targets keys do.
  RoleSigners bins;
};

struct WriteOptions {
  // Unix seconds; all required (no clock inside). root_expires is used only when this call
  // creates the root.
  std::int64_t root_expires = 0;
  std::int64_t targets_expires = 0;
  std::int64_t snapshot_expires = 0;
  std::int64_t timestamp_expires = 0;
  // root_version names the root to sign under: it must exist already (after RotateRoot) or
  // be 1. The others must grow on every publication that changes the role's content: an
  // existing N.<role>.json with other bytes is refused rather than overwritten.
  std::int64_t root_version = 1;
  std::int64_t targets_version = 1;  // also the version of every bin
  std::int64_t snapshot_version = 1;
  std::int64_t timestamp_version = 1;
  bool consistent_snapshot = true;
  // More targets than this go into 2^k hash bins delegated by targets.json (TAP 15), keeping
  // each metadata file small (tuf-js caps targets metadata at 5 MB when snapshot gives no
  // length).
  std::size_t hash_bin_threshold = 1024;
  std::uint32_t hash_bin_count = 256;  // a power of two, 2..65536
  std::string hash_bin_prefix = "bins";
  // List length and sha256 of each targets metadata file in snapshot (and so fetch them with
  // an exact size bound), not just its version.
  bool snapshot_lists_hashes = true;
  // Application data per target path, written as the target's "custom" member.
  std::map<std::string, json::Json> custom;
  // fsync every metadata file before the next one refers to it. Turn off only for a staging
  // directory that is packed (and synced) afterwards: with many bins the syncs dominate.
  bool durable = true;
};

// Writes (or extends) the repository in `dir` with `targets` (TUF target path -> local file).
// Creating the root needs every role's keys. Under an existing root, only the targets,
// snapshot and timestamp keys sign: each must be one the root lists for its role, as many as
// the root's threshold (RoleSigners::threshold is not consulted), and root keys may be
// missing (kept offline).
Status WriteRepository(const std::filesystem::path& dir, const RepositoryKeys& keys,
                       const std::map<std::string, std::filesystem::path>& targets,
                       const WriteOptions& options);

// A repository in memory: paths relative to its root, exactly as WriteRepository lays them
// out ("metadata/1.root.json", "metadata/timestamp.json", "targets/<sha256>.mirror.json"),
// to their bytes.
using RepositoryFiles = std::map<std::string, std::string>;

// WriteRepository into `files`, with `targets` mapping TUF target paths to their bytes: reads
// the metadata `files` holds already (say the chain of N.root.json) and adds what
// WriteRepository would write, byte for byte, with the same checks (`durable` is moot). On
// failure `files` may hold part of the output, as the directory would.
Status WriteRepositoryFiles(RepositoryFiles& files, const RepositoryKeys& keys,
                            const std::map<std::string, std::string>& targets,
                            const WriteOptions& options);

// Writes (N+1).root.json after the newest N.root.json in <dir>/metadata, listing `new_keys`,
// signed by `old_root` (which must meet version N's root threshold) and by new_keys.root
// (meeting the new threshold). Returns N+1. Then publish with WriteRepository(root_version =
// N+1) and bumped versions; rotating the timestamp or snapshot keys also recovers clients
// from a fast-forward attack (spec 5.3.11).
Result<std::int64_t> RotateRoot(const std::filesystem::path& dir, const RoleSigners& old_root,
                                const RepositoryKeys& new_keys, std::int64_t expires);

}  // namespace ec::tuf
