#include "mirror/tuf_bundle.h"

#include <sys/stat.h>

#include <array>

#include "oci/io.h"
#include "tuf/client.h"
#include "tuf/fetcher.h"

namespace ec::mirror {
namespace {

namespace fs = std::filesystem;

constexpr std::array<const char*, 4> kRoles = {"root", "targets", "snapshot", "timestamp"};
constexpr std::size_t kMaxKeyBytes = 64 << 10;

template <typename Keys>
auto& Signers(Keys& keys, std::string_view role) {
  if (role == "root") return keys.root;
  if (role == "targets") return keys.targets;
  if (role == "snapshot") return keys.snapshot;
  return keys.timestamp;
}

Status WriteKey(const fs::path& file, const sign::PrivateKey& key) {
  EC_ASSIGN_OR_RETURN(oci::AtomicFile out, oci::AtomicFile::Create(file));
  if (::fchmod(out.fd(), 0600) != 0) return Unavailable(StrCat("chmod ", file.string()));
  EC_RETURN_IF_ERROR(out.Write(key.ToPem()));
  return out.Commit();
}

Result<tuf::RepositoryKeys> GenerateKeys() {
  tuf::RepositoryKeys keys;
  for (const char* role : kRoles) {
    EC_ASSIGN_OR_RETURN(sign::PrivateKey k, sign::GeneratePrivateKey(sign::KeyType::kEd25519));
    Signers(keys, role).keys.push_back(std::move(k));
  }
  return keys;
}

Status SaveKeys(const fs::path& dir, const tuf::RepositoryKeys& keys) {
  std::error_code ec;
  fs::create_directories(dir / "keys", ec);
  if (ec) return Unavailable(StrCat("create ", (dir / "keys").string(), ": ", ec.message()));
  for (const char* role : kRoles) {
    EC_RETURN_IF_ERROR(WriteKey(dir / "keys" / StrCat(role, ".key"), Signers(keys, role).keys.at(0)));
  }
  return OkStatus();
}

// The root versions in dir/metadata, 1..N, all present.
Result<std::int64_t> LatestRoot(const fs::path& metadata) {
  std::int64_t n = 0;
  std::error_code ec;
  while (fs::exists(metadata / StrCat(n + 1, ".root.json"), ec)) ++n;
  if (n == 0) return NotFound(StrCat(metadata.string(), ": no 1.root.json; run `export-center tuf init` first"));
  return n;
}

}  // namespace

Status InitTufKeyring(const fs::path& dir, std::int64_t root_expires) {
  std::error_code ec;
  if (fs::exists(dir / "keys", ec) || fs::exists(dir / "metadata", ec)) {
    return AlreadyExists(StrCat("tuf init ", dir.string(), ": already holds a keyring; use `export-center tuf rotate`"));
  }
  EC_ASSIGN_OR_RETURN(tuf::RepositoryKeys keys, GenerateKeys());
  // The writer makes 1.root.json along with empty top-level roles; keep only the root.
  const fs::path staging = dir / ".init";
  fs::remove_all(staging, ec);
  tuf::WriteOptions o;
  o.root_expires = o.targets_expires = o.snapshot_expires = o.timestamp_expires = root_expires;
  EC_RETURN_IF_ERROR(tuf::WriteRepository(staging, keys, {}, o));
  fs::create_directories(dir / "metadata", ec);
  EC_ASSIGN_OR_RETURN(std::string root, oci::ReadSmallFile(staging / "metadata" / "1.root.json", 1 << 20));
  EC_RETURN_IF_ERROR(oci::WriteFileAtomic(dir / "metadata" / "1.root.json", root));
  EC_RETURN_IF_ERROR(oci::WriteFileAtomic(dir / "root.json", root));
  fs::remove_all(staging, ec);
  return SaveKeys(dir, keys);
}

Result<TufKeyring> LoadTufKeyring(const fs::path& dir) {
  TufKeyring ring;
  ring.dir = dir;
  for (const char* role : kRoles) {
    const fs::path file = dir / "keys" / StrCat(role, ".key");
    EC_ASSIGN_OR_RETURN(std::string pem, oci::ReadSmallFile(file, kMaxKeyBytes));
    EC_ASSIGN_OR_RETURN(sign::PrivateKey key, sign::LoadPrivateKeyPem(pem, file.string()));
    Signers(ring.keys, role).keys.push_back(std::move(key));
  }
  EC_ASSIGN_OR_RETURN(ring.root_version, LatestRoot(dir / "metadata"));
  return ring;
}

Result<std::int64_t> RotateTufKeyring(const fs::path& dir, std::int64_t root_expires) {
  EC_ASSIGN_OR_RETURN(TufKeyring old, LoadTufKeyring(dir));
  EC_ASSIGN_OR_RETURN(tuf::RepositoryKeys fresh, GenerateKeys());
  EC_ASSIGN_OR_RETURN(std::int64_t version, tuf::RotateRoot(dir, old.keys.root, fresh, root_expires));
  EC_RETURN_IF_ERROR(SaveKeys(dir, fresh));
  return version;
}

Status SignBundle(const fs::path& bundle_dir, const TufKeyring& keyring, std::int64_t created, std::int64_t expires_after) {
  const fs::path tuf_dir = bundle_dir / std::string(kTufDirName);
  std::error_code ec;
  fs::create_directories(tuf_dir / "metadata", ec);
  if (ec) return Unavailable(StrCat("create ", tuf_dir.string(), ": ", ec.message()));
  // Every root version travels with the bundle, so a client trusting an older root can
  // walk the rotations.
  for (std::int64_t v = 1; v <= keyring.root_version; ++v) {
    const std::string name = StrCat(v, ".root.json");
    EC_ASSIGN_OR_RETURN(std::string root, oci::ReadSmallFile(keyring.dir / "metadata" / name, 1 << 20));
    EC_RETURN_IF_ERROR(oci::WriteFileAtomic(tuf_dir / "metadata" / name, root));
  }
  tuf::WriteOptions o;
  o.root_version = keyring.root_version;
  o.root_expires = created + expires_after;  // unused: the root exists
  o.targets_expires = o.snapshot_expires = o.timestamp_expires = created + expires_after;
  // Versions grow with creation time: a later bundle never rolls back an earlier one.
  o.targets_version = o.snapshot_version = o.timestamp_version = std::max<std::int64_t>(1, created);
  o.durable = false;  // the bundle is synced as a whole when it is packed or finished
  return tuf::WriteRepository(tuf_dir, keyring.keys, {{std::string(kBundleManifestName), bundle_dir / std::string(kBundleManifestName)}}, o);
}

Result<BundleManifest> VerifyBundle(const fs::path& bundle_dir, std::string_view trusted_root, std::int64_t now,
                                    tuf::TrustedState* state) {
  const fs::path tuf_dir = bundle_dir / std::string(kTufDirName);
  std::error_code ec;
  if (!fs::is_directory(tuf_dir, ec)) {
    return FailedPrecondition(StrCat(bundle_dir.string(), ": the bundle carries no TUF metadata (made without --tuf-keys)"));
  }
  tuf::DirectoryFetcher fetcher(tuf_dir);
  tuf::ClientOptions options;
  options.now = now;
  EC_ASSIGN_OR_RETURN(tuf::Client client, tuf::Client::Create(fetcher, trusted_root, options, state ? *state : tuf::TrustedState{}));
  EC_RETURN_IF_ERROR(client.Refresh());
  // The verified bytes themselves (the repository's copy of the target), not a second read of
  // a file that could change in between.
  EC_ASSIGN_OR_RETURN(std::string bytes, client.DownloadTarget(std::string(kBundleManifestName)));
  // The bundle's own mirror.json must be that file too: a bundle that says one thing at its
  // top and signed another is refused rather than quietly preferred.
  EC_ASSIGN_OR_RETURN(std::string top, oci::ReadSmallFile(bundle_dir / std::string(kBundleManifestName), kMaxBundleManifestBytes));
  if (top != bytes) {
    return DataLoss(StrCat(bundle_dir.string(), "/", kBundleManifestName, ": got sha256 ", oci::Digest::OfBytes(top).hex(),
                           ", want ", oci::Digest::OfBytes(bytes).hex(), " (the mirror.json TUF signed)"));
  }
  if (state != nullptr) *state = client.state();
  return BundleManifest::Parse(bytes, StrCat(tuf_dir.string(), ": ", kBundleManifestName));
}

}  // namespace ec::mirror
