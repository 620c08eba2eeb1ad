// TUF for mirror bundles. A keyring directory (`export-center tuf init DIR`) holds the role
// keys (keys/<role>.key, PKCS#8 PEM, mode 0600) and the chain of root metadata
// (metadata/N.root.json; root.json is a copy of version 1, the file users carry out of band as
// --trusted-root). Signing a bundle writes a TUF repository into <bundle>/tuf whose one
// target is mirror.json (which lists every digest the bundle holds): the chain of roots, then
// targets, snapshot and timestamp versioned by the bundle's creation time, so that a later
// bundle always has higher versions (rollback protection across bundles). Verifying runs the
// TUF client workflow over <bundle>/tuf and checks mirror.json's length and hash.
#pragma once

#include <cstdint>
#include <filesystem>

#include "mirror/bundle_manifest.h"
#include "tuf/repository.h"
#include "tuf/trusted_state.h"

namespace ec::mirror {

inline constexpr std::string_view kTufDirName = "tuf";

struct TufKeyring {
  std::filesystem::path dir;
  tuf::RepositoryKeys keys;
  std::int64_t root_version = 1;
};

// Creates a keyring: one Ed25519 key per role (threshold 1) and 1.root.json expiring at
// `root_expires`. Refuses a directory that already holds one.
Status InitTufKeyring(const std::filesystem::path& dir, std::int64_t root_expires);
Result<TufKeyring> LoadTufKeyring(const std::filesystem::path& dir);
// New keys for every role; N+1.root.json signed by the old and the new root keys. Returns N+1.
Result<std::int64_t> RotateTufKeyring(const std::filesystem::path& dir, std::int64_t root_expires);

// Writes <bundle>/tuf. `created` (unix seconds) versions the metadata; `expires_after` sets
// how long targets, snapshot and timestamp stay valid.
Status SignBundle(const std::filesystem::path& bundle_dir, const TufKeyring& keyring, std::int64_t created,
                  std::int64_t expires_after);

// The TUF client over <bundle>/tuf with `trusted_root` (bytes of a root.json) at time `now`;
// then mirror.json is checked against the target TUF signed, and parsed. `state` carries
// versions trusted by earlier imports (rollback protection) and is updated on success.
Result<BundleManifest> VerifyBundle(const std::filesystem::path& bundle_dir, std::string_view trusted_root,
                                    std::int64_t now, tuf::TrustedState* state);

}  // namespace ec::mirror
