// TUF for mirror bundles. A keyring directory (`export-center tuf init DIR`) holds the role
// keys (keys/<role>.key for a role's first key, keys/<role>.2.key, keys/<role>.3.key … for the
// others; PKCS#8 PEM, mode 0600) and the chain of root metadata (metadata/N.root.json;
// root.json is a copy of version 1, the file users carry out of band as --trusted-root). The
// newest root says which keys each role has and how many must sign; the keyring may hold
// fewer root keys than it lists (operators keep root keys offline and bring back enough of
// them to rotate). Signing a bundle writes a TUF repository into <bundle>/tuf whose targets
// are the kSignedBundleFiles the bundle holds: the chain of roots, then targets, snapshot and
// timestamp versioned by the bundle's creation time, so that a later bundle always has higher
// versions (rollback protection across bundles). Verifying runs the TUF client workflow over
// <bundle>/tuf and checks each signed file's length and hash.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mirror/bundle_manifest.h"
#include "mirror/bundle_provenance.h"
#include "tuf/metadata.h"
#include "tuf/repository.h"
#include "tuf/trusted_state.h"

namespace ec::mirror {

inline constexpr std::string_view kTufDirName = "tuf";

// The bundle files TUF signs, at the bundle's top: mirror.json always; provenance.dsse.json
// when the bundle was made with a signing key.
inline constexpr std::array<std::string_view, 2> kSignedBundleFiles = {"mirror.json",
                                                                       "provenance.dsse.json"};
static_assert(kSignedBundleFiles[0] == kBundleManifestName);
static_assert(kSignedBundleFiles[1] == kBundleProvenanceName);

// The top-level roles, in the order keyrings list them.
inline constexpr std::array<std::string_view, 4> kTufRoles = {"root", "targets", "snapshot",
                                                              "timestamp"};

struct TufKeyring {
  std::filesystem::path dir;
  // The keys present, by role; each role's threshold is the newest root's.
  tuf::RepositoryKeys keys;
  std::int64_t root_version = 1;
  // The newest root: every key each role has, present here or kept offline.
  tuf::Root root;
};

// Key counts and thresholds by role, as --keys ROLE=N and --threshold ROLE=T give them. A role
// not named keeps its default: 1 key and threshold 1 for a new keyring, the newest root's
// when rotating.
struct TufRoleCounts {
  std::map<std::string, std::int64_t> keys;
  std::map<std::string, std::int64_t> thresholds;
};

// Parses the values of the repeatable --keys and --threshold flags ("root=3").
Result<TufRoleCounts> ParseTufRoleCounts(const std::vector<std::string>& keys,
                                         const std::vector<std::string>& thresholds);

// Creates a keyring: Ed25519 keys per role (`counts`) and 1.root.json expiring at
// `root_expires`. Refuses a directory that already holds one.
Status InitTufKeyring(const std::filesystem::path& dir, std::int64_t root_expires,
                      const TufRoleCounts& counts = {});

// Loads every key file of every role and the thresholds of the newest root; a key the newest
// root does not list for its role is refused.
Result<TufKeyring> LoadTufKeyring(const std::filesystem::path& dir);

// New keys for every role, as many as the newest root lists and with its thresholds unless
// `counts` says otherwise; N+1.root.json is signed by the old root keys present (meeting
// version N's threshold) and by the new ones. Returns N+1.
Result<std::int64_t> RotateTufKeyring(const std::filesystem::path& dir, std::int64_t root_expires,
                                      const TufRoleCounts& counts = {});

// The TUF repository of a bundle: bundle-relative paths ("tuf/metadata/1.root.json", …) to
// bytes, carrying every root version of the keyring. `targets` maps names from
// kSignedBundleFiles (mirror.json required) to their bytes. `created` (unix seconds)
// versions the metadata; `expires_after` sets how long targets, snapshot and timestamp stay
// valid. Needs the targets, snapshot and timestamp keys up to their thresholds; root keys
// may be offline.
Result<std::map<std::string, std::string>> BundleTufFiles(
    const TufKeyring& keyring, const std::map<std::string, std::string>& targets,
    std::int64_t created, std::int64_t expires_after);

// Replaces <bundle>/tuf with BundleTufFiles over the kSignedBundleFiles the bundle holds.
Status SignBundle(const std::filesystem::path& bundle_dir, const TufKeyring& keyring,
                  std::int64_t created, std::int64_t expires_after);

struct VerifiedBundle {
  BundleManifest manifest;
  std::string manifest_bytes;  // mirror.json as TUF signed it (manifest is its parse)
  // provenance.dsse.json as TUF signed it, when the bundle carries one.
  std::optional<std::string> provenance;
};

// The TUF client over <bundle>/tuf with `trusted_root` (bytes of a root.json) at time `now`;
// then each of kSignedBundleFiles must be signed by TUF exactly when the bundle carries it,
// with the bytes TUF signed, and mirror.json is parsed. `state` carries versions trusted by
// earlier imports (rollback protection) and is updated on success.
Result<VerifiedBundle> VerifyBundle(const std::filesystem::path& bundle_dir,
                                    std::string_view trusted_root, std::int64_t now,
                                    tuf::TrustedState* state);

}  // namespace ec::mirror
