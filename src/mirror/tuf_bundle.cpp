#include "mirror/tuf_bundle.h"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>

#include "oci/digest.h"
#include "oci/io.h"
#include "tuf/client.h"
#include "tuf/fetcher.h"
#include "tuf/key.h"

namespace ec::mirror {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxKeyBytes = 64 << 10;
constexpr std::size_t kMaxRootBytes = 1 << 20;
// mirror.json's bound serves the provenance too.
constexpr std::size_t kMaxSignedFileBytes = kMaxBundleManifestBytes;
// More keys than any role needs; keeps a typo from generating keys for ever.
constexpr std::int64_t kMaxRoleKeys = 64;

template <typename Keys>
auto& Signers(Keys& keys, std::string_view role) {
  if (role == "root") return keys.root;
  if (role == "targets") return keys.targets;
  if (role == "snapshot") return keys.snapshot;
  return keys.timestamp;
}

std::string CountKeys(std::int64_t n) { return StrCat(n, n == 1 ? " key" : " keys"); }

Status CheckRoleName(std::string_view role, std::string_view what) {
  if (std::find(kTufRoles.begin(), kTufRoles.end(), role) != kTufRoles.end()) return OkStatus();
  return InvalidArgument(
      StrCat(what, ": unknown role \"", role, "\"; want root, targets, snapshot or timestamp"));
}

// How many keys a role has and how many of them must sign.
struct RoleShape {
  std::int64_t keys = 1;
  std::int64_t threshold = 1;
};
using KeyringShape = std::map<std::string, RoleShape, std::less<>>;

KeyringShape DefaultShape() {
  KeyringShape shape;
  for (std::string_view role : kTufRoles) shape[std::string(role)] = RoleShape{};
  return shape;
}

KeyringShape ShapeOf(const tuf::Root& root) {
  KeyringShape shape;
  for (std::string_view role : kTufRoles) {
    const tuf::RoleKeys& keys = root.roles.at(std::string(role));
    shape[std::string(role)] =
        RoleShape{static_cast<std::int64_t>(keys.keyids.size()), keys.threshold};
  }
  return shape;
}

// `shape` with `counts` applied, checked; `what` names the operation ("tuf init DIR").
Result<KeyringShape> Apply(KeyringShape shape, const TufRoleCounts& counts, std::string_view what) {
  for (const auto& [role, n] : counts.keys) {
    EC_RETURN_IF_ERROR(CheckRoleName(role, what));
    shape[role].keys = n;
  }
  for (const auto& [role, t] : counts.thresholds) {
    EC_RETURN_IF_ERROR(CheckRoleName(role, what));
    shape[role].threshold = t;
  }
  for (const auto& [role, s] : shape) {
    if (s.threshold < 1) {
      return InvalidArgument(
          StrCat(what, ": role ", role, ": threshold ", s.threshold, " is less than 1"));
    }
    if (s.keys < s.threshold) {
      return InvalidArgument(StrCat(what, ": role ", role, ": threshold ", s.threshold,
                                    " needs at least ", CountKeys(s.threshold), ", got ", s.keys));
    }
    if (s.keys > kMaxRoleKeys) {
      return InvalidArgument(
          StrCat(what, ": role ", role, ": got ", CountKeys(s.keys), ", want at most ", kMaxRoleKeys));
    }
  }
  return shape;
}

// One "ROLE=N" value of `flag` (whose number `placeholder` names), into `out`.
Status ParseRoleValue(std::string_view flag, std::string_view placeholder, std::string_view value,
                      std::map<std::string, std::int64_t>& out) {
  const std::string what = StrCat(flag, " ", value);
  const std::size_t eq = value.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == value.size()) {
    return InvalidArgument(StrCat(flag, " \"", value, "\": want ROLE=", placeholder));
  }
  const std::string role(value.substr(0, eq));
  const std::string_view number = value.substr(eq + 1);
  EC_RETURN_IF_ERROR(CheckRoleName(role, what));
  std::int64_t n = 0;
  auto [ptr, err] = std::from_chars(number.data(), number.data() + number.size(), n);
  if (number.front() == '-' || err != std::errc() || ptr != number.data() + number.size()) {
    return InvalidArgument(StrCat(what, ": \"", number, "\" is not a whole number"));
  }
  if (!out.emplace(role, n).second) {
    return InvalidArgument(StrCat(what, ": role ", role, " given twice"));
  }
  return OkStatus();
}

// keys/<role>.key for a role's first key (as one-key keyrings always had it),
// keys/<role>.<n>.key for the n-th.
std::string KeyFileName(std::string_view role, std::size_t n) {
  return n == 1 ? StrCat(role, ".key") : StrCat(role, ".", n, ".key");
}

// The n of a key file name of `role` (KeyFileName), or 0 when `name` is none.
std::size_t KeyFileIndex(std::string_view name, std::string_view role) {
  if (!name.starts_with(role) || !name.ends_with(".key")) return 0;
  std::string_view middle = name.substr(role.size(), name.size() - role.size() - 4);
  if (middle.empty()) return 1;
  if (middle.size() < 2 || middle[0] != '.' || middle[1] == '0') return 0;
  middle.remove_prefix(1);
  std::size_t n = 0;
  auto [ptr, err] = std::from_chars(middle.data(), middle.data() + middle.size(), n);
  return err == std::errc() && ptr == middle.data() + middle.size() && n >= 2 ? n : 0;
}

// The key files of `role` in dir/keys, by n.
Result<std::map<std::size_t, fs::path>> KeyFiles(const fs::path& dir, std::string_view role) {
  const fs::path keys_dir = dir / "keys";
  std::map<std::size_t, fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(keys_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::size_t n = KeyFileIndex(it->path().filename().string(), role);
    if (n != 0) out[n] = it->path();
  }
  if (ec) return Unavailable(StrCat("list ", keys_dir.string(), ": ", ec.message()));
  return out;
}

Status WriteKey(const fs::path& file, const sign::PrivateKey& key) {
  EC_ASSIGN_OR_RETURN(oci::AtomicFile out, oci::AtomicFile::Create(file));
  if (::fchmod(out.fd(), 0600) != 0) return Unavailable(StrCat("chmod ", file.string()));
  EC_RETURN_IF_ERROR(out.Write(key.ToPem()));
  return out.Commit();
}

Result<tuf::RepositoryKeys> GenerateKeys(const KeyringShape& shape) {
  tuf::RepositoryKeys keys;
  for (const auto& [role, s] : shape) {
    tuf::RoleSigners& signers = Signers(keys, role);
    for (std::int64_t i = 0; i < s.keys; ++i) {
      EC_ASSIGN_OR_RETURN(sign::PrivateKey k, sign::GeneratePrivateKey(sign::KeyType::kEd25519));
      signers.keys.push_back(std::move(k));
    }
    signers.threshold = s.threshold;
  }
  return keys;
}

// Writes every key, then removes the key files of earlier keys beyond the new counts (a
// keyring loads every key file it finds).
Status SaveKeys(const fs::path& dir, const tuf::RepositoryKeys& keys) {
  std::error_code ec;
  fs::create_directories(dir / "keys", ec);
  if (ec) return Unavailable(StrCat("create ", (dir / "keys").string(), ": ", ec.message()));
  for (std::string_view role : kTufRoles) {
    const std::vector<sign::PrivateKey>& role_keys = Signers(keys, role).keys;
    for (std::size_t i = 0; i < role_keys.size(); ++i) {
      EC_RETURN_IF_ERROR(WriteKey(dir / "keys" / KeyFileName(role, i + 1), role_keys[i]));
    }
    EC_ASSIGN_OR_RETURN(auto files, KeyFiles(dir, role));
    for (const auto& [n, file] : files) {
      if (n > role_keys.size() && !fs::remove(file, ec) && ec) {
        return Unavailable(StrCat("remove ", file.string(), ": ", ec.message()));
      }
    }
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

Result<std::string> KeyIdOf(const sign::PrivateKey& key) {
  EC_ASSIGN_OR_RETURN(tuf::Key tuf_key, tuf::KeyFromPublic(key.public_key()));
  return tuf::KeyId(tuf_key);
}

// Loads `role`'s key files into `ring`, each one a distinct key `ring.root` lists for the role.
Status LoadRoleKeys(TufKeyring& ring, std::string_view role) {
  const tuf::RoleKeys& listed = ring.root.roles.at(std::string(role));
  tuf::RoleSigners& signers = Signers(ring.keys, role);
  signers.threshold = listed.threshold;
  EC_ASSIGN_OR_RETURN(auto files, KeyFiles(ring.dir, role));
  std::map<std::string, std::string> seen;  // keyid -> file name
  for (const auto& [n, file] : files) {
    const std::string name = StrCat("keys/", file.filename().string());
    EC_ASSIGN_OR_RETURN(std::string pem, oci::ReadSmallFile(file, kMaxKeyBytes));
    EC_ASSIGN_OR_RETURN(sign::PrivateKey key, sign::LoadPrivateKeyPem(pem, file.string()));
    EC_ASSIGN_OR_RETURN(std::string keyid, KeyIdOf(key));
    if (std::find(listed.keyids.begin(), listed.keyids.end(), keyid) == listed.keyids.end()) {
      return FailedPrecondition(StrCat("tuf keyring ", ring.dir.string(), ": ", name, " is not a ",
                                       role, " key of ", ring.root_version, ".root.json"));
    }
    if (auto [it, fresh] = seen.emplace(keyid, name); !fresh) {
      return FailedPrecondition(StrCat("tuf keyring ", ring.dir.string(), ": ", name,
                                       " holds the same key as ", it->second));
    }
    signers.keys.push_back(std::move(key));
  }
  return OkStatus();
}

// Signing needs the roles that sign a bundle's metadata at their thresholds; root keys may
// be offline.
Status CheckSigningKeys(const TufKeyring& ring) {
  for (std::string_view role : {"targets", "snapshot", "timestamp"}) {
    const tuf::RoleSigners& signers = Signers(ring.keys, role);
    const auto present = static_cast<std::int64_t>(signers.keys.size());
    if (present < signers.threshold) {
      return FailedPrecondition(StrCat("tuf keyring ", ring.dir.string(), ": role ", role, " has ",
                                       CountKeys(present), " here, threshold ", signers.threshold));
    }
  }
  return OkStatus();
}

Status CheckBundleTargets(const std::map<std::string, std::string>& targets) {
  if (!targets.contains(std::string(kBundleManifestName))) {
    return InvalidArgument(StrCat("bundle TUF targets: no ", kBundleManifestName, "; every bundle has one"));
  }
  for (const auto& [name, unused] : targets) {
    if (std::find(kSignedBundleFiles.begin(), kSignedBundleFiles.end(), name) == kSignedBundleFiles.end()) {
      // VerifyBundle checks only these; anything else would be signed and never checked.
      return InvalidArgument(StrCat("bundle TUF target \"", name, "\": want one of mirror.json, provenance.dsse.json"));
    }
  }
  return OkStatus();
}

// The kSignedBundleFiles at the top of the bundle; mirror.json must be there.
Result<std::map<std::string, std::string>> ReadSignedFiles(const fs::path& bundle_dir) {
  std::map<std::string, std::string> out;
  for (std::string_view name : kSignedBundleFiles) {
    const fs::path file = bundle_dir / std::string(name);
    std::error_code ec;
    if (name != kBundleManifestName && !fs::exists(file, ec)) continue;
    EC_ASSIGN_OR_RETURN(out[std::string(name)], oci::ReadSmallFile(file, kMaxSignedFileBytes));
  }
  return out;
}

// Not synced: the bundle is synced as a whole when it is packed or finished.
Status WriteBundleFile(const fs::path& file, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) return Unavailable(StrCat("create ", file.parent_path().string(), ": ", ec.message()));
  EC_ASSIGN_OR_RETURN(oci::AtomicFile out, oci::AtomicFile::Create(file));
  EC_RETURN_IF_ERROR(out.Write(bytes));
  return out.Commit(/*durable=*/false);
}

// One of kSignedBundleFiles: TUF must sign it exactly when the bundle carries it, and the
// bundle's copy must be the bytes TUF signed. Those bytes; nullopt when neither has it.
Result<std::optional<std::string>> VerifySignedFile(tuf::Client& client, const fs::path& bundle_dir,
                                                    std::string_view name) {
  const std::string target(name);
  const std::string shown = StrCat(bundle_dir.string(), "/", name);
  const Result<tuf::Target> listed = client.GetTarget(target);
  if (!listed.ok() && listed.status().code() != Code::kNotFound) return listed.status();
  std::error_code ec;
  const bool carried = fs::exists(bundle_dir / target, ec);
  if (!listed.ok() && !carried) return std::optional<std::string>();
  if (!carried) return DataLoss(StrCat(shown, ": TUF signs it but the bundle does not carry it"));
  if (!listed.ok()) return DataLoss(StrCat(shown, ": the bundle carries it but TUF does not sign it"));
  // The verified bytes themselves (the repository's copy of the target), not a second read of
  // a file that could change in between.
  EC_ASSIGN_OR_RETURN(std::string bytes, client.DownloadTarget(target));
  // The bundle's own copy must be that file too: a bundle that says one thing at its top and
  // signed another is refused rather than quietly preferred.
  EC_ASSIGN_OR_RETURN(std::string top, oci::ReadSmallFile(bundle_dir / target, kMaxSignedFileBytes));
  if (top != bytes) {
    return DataLoss(StrCat(shown, ": got sha256 ", oci::Digest::OfBytes(top).hex(), ", want ",
                           oci::Digest::OfBytes(bytes).hex(), " (the ", name, " TUF signed)"));
  }
  return std::optional<std::string>(std::move(bytes));
}

}  // namespace

Result<TufRoleCounts> ParseTufRoleCounts(const std::vector<std::string>& keys,
                                         const std::vector<std::string>& thresholds) {
  TufRoleCounts counts;
  for (const std::string& value : keys) EC_RETURN_IF_ERROR(ParseRoleValue("--keys", "N", value, counts.keys));
  for (const std::string& value : thresholds) {
    EC_RETURN_IF_ERROR(ParseRoleValue("--threshold", "T", value, counts.thresholds));
  }
  return counts;
}

Status InitTufKeyring(const fs::path& dir, std::int64_t root_expires, const TufRoleCounts& counts) {
  const std::string what = StrCat("tuf init ", dir.string());
  std::error_code ec;
  if (fs::exists(dir / "keys", ec) || fs::exists(dir / "metadata", ec)) {
    return AlreadyExists(StrCat(what, ": already holds a keyring; use `export-center tuf rotate`"));
  }
  EC_ASSIGN_OR_RETURN(KeyringShape shape, Apply(DefaultShape(), counts, what));
  EC_ASSIGN_OR_RETURN(tuf::RepositoryKeys keys, GenerateKeys(shape));
  // The writer makes 1.root.json along with empty top-level roles; keep only the root.
  tuf::RepositoryFiles files;
  tuf::WriteOptions o;
  o.root_expires = o.targets_expires = o.snapshot_expires = o.timestamp_expires = root_expires;
  EC_RETURN_IF_ERROR(tuf::WriteRepositoryFiles(files, keys, {}, o));
  const std::string& root = files.at("metadata/1.root.json");
  fs::create_directories(dir / "metadata", ec);
  if (ec) return Unavailable(StrCat("create ", (dir / "metadata").string(), ": ", ec.message()));
  EC_RETURN_IF_ERROR(oci::WriteFileAtomic(dir / "metadata" / "1.root.json", root));
  EC_RETURN_IF_ERROR(oci::WriteFileAtomic(dir / "root.json", root));
  return SaveKeys(dir, keys);
}

Result<TufKeyring> LoadTufKeyring(const fs::path& dir) {
  TufKeyring ring;
  ring.dir = dir;
  EC_ASSIGN_OR_RETURN(ring.root_version, LatestRoot(dir / "metadata"));
  const std::string name = StrCat(ring.root_version, ".root.json");
  EC_ASSIGN_OR_RETURN(std::string bytes, oci::ReadSmallFile(dir / "metadata" / name, kMaxRootBytes));
  EC_ASSIGN_OR_RETURN(tuf::Signed<tuf::Root> root, tuf::ParseRoot(bytes, name));
  ring.root = std::move(root.role);
  std::error_code ec;
  if (!fs::is_directory(dir / "keys", ec)) {
    return NotFound(StrCat("tuf keyring ", dir.string(), ": no keys directory"));
  }
  for (std::string_view role : kTufRoles) EC_RETURN_IF_ERROR(LoadRoleKeys(ring, role));
  return ring;
}

Result<std::int64_t> RotateTufKeyring(const fs::path& dir, std::int64_t root_expires,
                                      const TufRoleCounts& counts) {
  const std::string what = StrCat("tuf rotate ", dir.string());
  EC_ASSIGN_OR_RETURN(TufKeyring old, LoadTufKeyring(dir));
  EC_ASSIGN_OR_RETURN(KeyringShape shape, Apply(ShapeOf(old.root), counts, what));
  EC_ASSIGN_OR_RETURN(tuf::RepositoryKeys fresh, GenerateKeys(shape));
  // RotateRoot checks that the root keys present meet the old threshold.
  Result<std::int64_t> version = tuf::RotateRoot(dir, old.keys.root, fresh, root_expires);
  if (!version.ok()) return version.status().WithPrefix(what);
  EC_RETURN_IF_ERROR(SaveKeys(dir, fresh));
  return *version;
}

Result<std::map<std::string, std::string>> BundleTufFiles(const TufKeyring& keyring,
                                                          const std::map<std::string, std::string>& targets,
                                                          std::int64_t created, std::int64_t expires_after) {
  EC_RETURN_IF_ERROR(CheckBundleTargets(targets));
  EC_RETURN_IF_ERROR(CheckSigningKeys(keyring));
  tuf::RepositoryFiles files;
  // Every root version travels with the bundle, so a client trusting an older root can
  // walk the rotations.
  for (std::int64_t v = 1; v <= keyring.root_version; ++v) {
    const std::string name = StrCat(v, ".root.json");
    EC_ASSIGN_OR_RETURN(files[StrCat("metadata/", name)],
                        oci::ReadSmallFile(keyring.dir / "metadata" / name, kMaxRootBytes));
  }
  tuf::WriteOptions o;
  o.root_version = keyring.root_version;
  o.root_expires = created + expires_after;  // unused: the root exists
  o.targets_expires = o.snapshot_expires = o.timestamp_expires = created + expires_after;
  // Versions grow with creation time: a later bundle never rolls back an earlier one.
  o.targets_version = o.snapshot_version = o.timestamp_version = std::max<std::int64_t>(1, created);
  EC_RETURN_IF_ERROR(tuf::WriteRepositoryFiles(files, keyring.keys, targets, o));
  std::map<std::string, std::string> out;
  for (auto& [path, bytes] : files) out.emplace(StrCat(kTufDirName, "/", path), std::move(bytes));
  return out;
}

Status SignBundle(const fs::path& bundle_dir, const TufKeyring& keyring, std::int64_t created,
                  std::int64_t expires_after) {
  EC_ASSIGN_OR_RETURN(auto targets, ReadSignedFiles(bundle_dir));
  EC_ASSIGN_OR_RETURN(auto files, BundleTufFiles(keyring, targets, created, expires_after));
  // <bundle>/tuf holds exactly these files: nothing left from an earlier signing.
  const fs::path tuf_dir = bundle_dir / std::string(kTufDirName);
  std::error_code ec;
  fs::remove_all(tuf_dir, ec);
  if (ec) return Unavailable(StrCat("remove ", tuf_dir.string(), ": ", ec.message()));
  for (const auto& [path, bytes] : files) EC_RETURN_IF_ERROR(WriteBundleFile(bundle_dir / path, bytes));
  return OkStatus();
}

Result<VerifiedBundle> VerifyBundle(const fs::path& bundle_dir, std::string_view trusted_root, std::int64_t now,
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
  std::map<std::string, std::string, std::less<>> verified;
  for (std::string_view name : kSignedBundleFiles) {
    EC_ASSIGN_OR_RETURN(std::optional<std::string> bytes, VerifySignedFile(client, bundle_dir, name));
    if (bytes) verified.emplace(name, std::move(*bytes));
  }
  auto manifest = verified.find(kBundleManifestName);
  if (manifest == verified.end()) {
    return DataLoss(StrCat(bundle_dir.string(), "/", kBundleManifestName,
                           ": the bundle does not carry it and TUF does not sign it"));
  }
  VerifiedBundle out;
  EC_ASSIGN_OR_RETURN(out.manifest,
                      BundleManifest::Parse(manifest->second, StrCat(tuf_dir.string(), ": ", kBundleManifestName)));
  out.manifest_bytes = std::move(manifest->second);
  if (auto provenance = verified.find(kSignedBundleFiles[1]); provenance != verified.end()) {
    out.provenance = std::move(provenance->second);
  }
  if (state != nullptr) *state = client.state();
  return out;
}

}  // namespace ec::mirror
