#include "tuf/repository.h"

#include <charconv>
#include <set>
#include <system_error>

#include "oci/digest.h"
#include "oci/io.h"
#include "tuf/delegation.h"
#include "tuf/metadata.h"
#include "tuf/target_files.h"

namespace ec::tuf {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kRootReadLimit = 512 * 1024;

std::vector<const sign::PrivateKey*> Pointers(const RoleSigners& signers) {
  std::vector<const sign::PrivateKey*> out;
  for (const sign::PrivateKey& key : signers.keys) out.push_back(&key);
  return out;
}

// A role's entry in root (or a delegation) and the public keys it names.
struct Described {
  std::map<std::string, Key> keys;
  RoleKeys role;
};

Result<Described> Describe(const RoleSigners& signers, std::string_view name) {
  Described out;
  std::set<std::string> keyids;
  for (const sign::PrivateKey& key : signers.keys) {
    EC_ASSIGN_OR_RETURN(Key tuf_key, KeyFromPublic(key.public_key()));
    const std::string keyid = KeyId(tuf_key);
    if (keyids.insert(keyid).second) out.role.keyids.push_back(keyid);
    out.keys[keyid] = std::move(tuf_key);
  }
  if (keyids.empty()) return InvalidArgument(StrCat(name, " role: no signing keys"));
  out.role.threshold = signers.threshold;
  if (signers.threshold < 1 || signers.threshold > static_cast<std::int64_t>(keyids.size())) {
    return InvalidArgument(StrCat(name, " role: threshold ", signers.threshold,
                                  " is not between 1 and its ", keyids.size(), " distinct keys"));
  }
  return out;
}

Result<Root> BuildRoot(const RepositoryKeys& keys, std::int64_t version, std::int64_t expires,
                       bool consistent_snapshot) {
  Root root;
  root.version = version;
  root.expires = expires;
  root.consistent_snapshot = consistent_snapshot;
  const std::pair<std::string_view, const RoleSigners*> roles[] = {{"root", &keys.root},
                                                                   {"targets", &keys.targets},
                                                                   {"snapshot", &keys.snapshot},
                                                                   {"timestamp", &keys.timestamp}};
  for (const auto& [name, signers] : roles) {
    EC_ASSIGN_OR_RETURN(Described described, Describe(*signers, name));
    root.keys.merge(described.keys);
    root.roles[std::string(name)] = std::move(described.role);
  }
  return root;
}

// Same keys, thresholds and consistent_snapshot: what decides whether our signatures verify.
bool SameTrust(const Root& a, const Root& b) {
  if (a.keys != b.keys || a.consistent_snapshot != b.consistent_snapshot) return false;
  for (std::string_view name : kTopLevelRoles) {
    const RoleKeys& ra = a.roles.at(std::string(name));
    const RoleKeys& rb = b.roles.at(std::string(name));
    if (ra.threshold != rb.threshold || std::set(ra.keyids.begin(), ra.keyids.end()) !=
                                            std::set(rb.keyids.begin(), rb.keyids.end())) {
      return false;
    }
  }
  return true;
}

// The highest N with N.root.json in `metadata_dir`; 0 when there is none.
Result<std::int64_t> NewestRootVersion(const fs::path& metadata_dir) {
  std::int64_t newest = 0;
  std::error_code ec;
  for (fs::directory_iterator it(metadata_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    constexpr std::string_view kSuffix = ".root.json";
    if (!name.ends_with(kSuffix) || name.size() == kSuffix.size() || name[0] == '0') continue;
    std::int64_t version = 0;
    const char* end_digits = name.data() + name.size() - kSuffix.size();
    auto [ptr, err] = std::from_chars(name.data(), end_digits, version);
    if (err == std::errc() && ptr == end_digits) newest = std::max(newest, version);
  }
  if (ec) return Unavailable(StrCat("list ", metadata_dir.string(), ": ", ec.message()));
  return newest;
}

Status WriteAtomic(const fs::path& path, std::string_view bytes, bool durable) {
  EC_ASSIGN_OR_RETURN(oci::AtomicFile file, oci::AtomicFile::Create(path));
  EC_RETURN_IF_ERROR(file.Write(bytes));
  return file.Commit(durable);
}

// Writes a metadata file. A versioned name promises its content forever (consistent
// snapshots, kept roots), so other existing bytes are refused rather than replaced; an
// unversioned one is replaced.
Status Publish(const fs::path& path, std::string_view bytes, bool versioned, std::string_view bump,
               bool durable) {
  std::error_code ec;
  if (versioned && fs::exists(path, ec)) {
    Result<std::string> existing = oci::ReadSmallFile(path, bytes.size() + 1);
    if (existing.ok() && *existing == bytes) return OkStatus();
    return FailedPrecondition(
        StrCat(path.filename().string(), " already exists with other content; raise ", bump));
  }
  return WriteAtomic(path, bytes, durable);
}

std::string FileName(std::int64_t version, std::string_view role, bool versioned) {
  return versioned ? StrCat(version, ".", role, ".json") : StrCat(role, ".json");
}

// A metadata file as snapshot / timestamp list it.
MetaFile Listed(std::int64_t version, std::string_view bytes, bool with_hashes) {
  MetaFile file;
  file.version = version;
  if (with_hashes) {
    file.length = static_cast<std::int64_t>(bytes.size());
    file.hashes["sha256"] = oci::Digest::OfBytes(bytes).hex();
  }
  return file;
}

Status CheckOptions(const WriteOptions& o) {
  const std::pair<std::string_view, std::int64_t> expires[] = {
      {"root_expires", o.root_expires},
      {"targets_expires", o.targets_expires},
      {"snapshot_expires", o.snapshot_expires},
      {"timestamp_expires", o.timestamp_expires}};
  for (const auto& [name, value] : expires) {
    if (value <= 0) return InvalidArgument(StrCat("TUF write options: ", name, " not set"));
  }
  const std::pair<std::string_view, std::int64_t> versions[] = {
      {"root_version", o.root_version},
      {"targets_version", o.targets_version},
      {"snapshot_version", o.snapshot_version},
      {"timestamp_version", o.timestamp_version}};
  for (const auto& [name, value] : versions) {
    if (value < 1) return InvalidArgument(StrCat("TUF write options: ", name, " must be >= 1"));
  }
  const std::uint32_t n = o.hash_bin_count;
  if (n < 2 || n > 65536 || (n & (n - 1)) != 0) {
    return InvalidArgument(
        StrCat("TUF write options: hash_bin_count ", n, " is not a power of two in 2..65536"));
  }
  // Role names become file names and URL path segments.
  const std::string& prefix = o.hash_bin_prefix;
  if (prefix.empty() ||
      prefix.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
          std::string::npos ||
      prefix.front() == '.') {
    return InvalidArgument(StrCat("TUF write options: hash_bin_prefix \"", prefix,
                                  "\" must be [A-Za-z0-9._-]+ not starting with '.'"));
  }
  return OkStatus();
}

// Checks the root `options` signs under, creating version 1 when the repository is new.
Status EnsureRoot(const fs::path& metadata_dir, const RepositoryKeys& keys,
                  const WriteOptions& options) {
  EC_ASSIGN_OR_RETURN(Root want, BuildRoot(keys, options.root_version, options.root_expires,
                                           options.consistent_snapshot));
  EC_ASSIGN_OR_RETURN(std::int64_t newest, NewestRootVersion(metadata_dir));
  const std::string name = FileName(options.root_version, "root", true);
  if (newest > options.root_version) {
    return FailedPrecondition(StrCat(newest, ".root.json is newer than root_version ",
                                     options.root_version, "; sign under the newest root"));
  }
  if (newest == options.root_version) {
    EC_ASSIGN_OR_RETURN(std::string bytes, oci::ReadSmallFile(metadata_dir / name, kRootReadLimit));
    EC_ASSIGN_OR_RETURN(Signed<Root> existing, ParseRoot(bytes, name));
    if (!SameTrust(existing.role, want)) {
      return FailedPrecondition(StrCat(name,
                                       " lists other keys, thresholds or "
                                       "consistent_snapshot than the ones given"));
    }
    return OkStatus();
  }
  if (options.root_version != 1) {
    return FailedPrecondition(
        StrCat(name, " does not exist; create root versions after 1 with RotateRoot"));
  }
  EC_ASSIGN_OR_RETURN(json::Json value, ToJson(want));
  EC_ASSIGN_OR_RETURN(std::string bytes, SignMetadata(value, Pointers(keys.root), name));
  return Publish(metadata_dir / name, bytes, true, "root_version", options.durable);
}

}  // namespace

Status WriteRepository(const fs::path& dir, const RepositoryKeys& keys,
                       const std::map<std::string, fs::path>& targets,
                       const WriteOptions& options) {
  EC_RETURN_IF_ERROR(CheckOptions(options));
  for (const auto& [name, unused] : targets) EC_RETURN_IF_ERROR(ValidateTargetPath(name));
  for (const auto& [name, unused] : options.custom) {
    if (!targets.contains(name)) {
      return InvalidArgument(StrCat("custom data for \"", name, "\", which is not a target"));
    }
  }
  const fs::path metadata_dir = dir / "metadata";
  const fs::path targets_dir = dir / "targets";
  std::error_code ec;
  fs::create_directories(metadata_dir, ec);
  if (ec) return Unavailable(StrCat("create ", metadata_dir.string(), ": ", ec.message()));
  EC_RETURN_IF_ERROR(EnsureRoot(metadata_dir, keys, options));
  const bool versioned = options.consistent_snapshot;

  // 1. Target files, content-addressed.
  std::map<std::string, TargetFile> files;
  for (const auto& [name, source] : targets) {
    EC_ASSIGN_OR_RETURN(FileDigest digest, HashFile(source, Hashes{{"sha256", ""}}));
    const std::string sha256 = digest.hashes.at("sha256");
    const fs::path dest = targets_dir / (versioned ? ConsistentTargetPath(name, sha256) : name);
    if (!versioned) fs::remove(dest, ec);  // unversioned names are replaced
    EC_RETURN_IF_ERROR(PlaceTargetFile(source, dest, digest));
    TargetFile file{digest.length, digest.hashes, nullptr};
    if (auto custom = options.custom.find(name); custom != options.custom.end()) {
      file.custom = custom->second;
    }
    files[name] = std::move(file);
  }

  // 2. Targets metadata: directly, or spread over hash bins.
  Snapshot snapshot;
  snapshot.version = options.snapshot_version;
  snapshot.expires = options.snapshot_expires;
  Targets top;
  top.version = options.targets_version;
  top.expires = options.targets_expires;
  if (files.size() > options.hash_bin_threshold) {
    const RoleSigners& bin_signers = keys.bins.keys.empty() ? keys.targets : keys.bins;
    EC_ASSIGN_OR_RETURN(Described described, Describe(bin_signers, "bins"));
    SuccinctRoles succinct;
    succinct.keys = described.role;
    succinct.name_prefix = options.hash_bin_prefix;
    while ((std::uint64_t{1} << succinct.bit_length) < options.hash_bin_count) {
      ++succinct.bit_length;
    }
    std::vector<Targets> bins(options.hash_bin_count);
    for (Targets& bin : bins) {
      bin.version = options.targets_version;
      bin.expires = options.targets_expires;
    }
    for (auto& [name, file] : files) {
      bins[BinIndex(succinct.bit_length, name)].targets[name] = std::move(file);
    }
    for (std::uint32_t i = 0; i < options.hash_bin_count; ++i) {
      const std::string role = BinName(succinct, i);
      const std::string name = FileName(options.targets_version, role, versioned);
      EC_ASSIGN_OR_RETURN(json::Json value, ToJson(bins[i]));
      EC_ASSIGN_OR_RETURN(std::string bytes, SignMetadata(value, Pointers(bin_signers), name));
      EC_RETURN_IF_ERROR(
          Publish(metadata_dir / name, bytes, versioned, "targets_version", options.durable));
      snapshot.meta[role + ".json"] =
          Listed(options.targets_version, bytes, options.snapshot_lists_hashes);
    }
    top.delegations = Delegations{std::move(described.keys), {}, std::move(succinct)};
  } else {
    top.targets = std::move(files);
  }
  {
    const std::string name = FileName(options.targets_version, "targets", versioned);
    EC_ASSIGN_OR_RETURN(json::Json value, ToJson(top));
    EC_ASSIGN_OR_RETURN(std::string bytes, SignMetadata(value, Pointers(keys.targets), name));
    EC_RETURN_IF_ERROR(
        Publish(metadata_dir / name, bytes, versioned, "targets_version", options.durable));
    snapshot.meta["targets.json"] =
        Listed(options.targets_version, bytes, options.snapshot_lists_hashes);
  }

  // 3. Snapshot, then 4. timestamp: the file that makes the new state visible.
  Timestamp timestamp;
  timestamp.version = options.timestamp_version;
  timestamp.expires = options.timestamp_expires;
  {
    const std::string name = FileName(options.snapshot_version, "snapshot", versioned);
    EC_ASSIGN_OR_RETURN(json::Json value, ToJson(snapshot));
    EC_ASSIGN_OR_RETURN(std::string bytes, SignMetadata(value, Pointers(keys.snapshot), name));
    EC_RETURN_IF_ERROR(
        Publish(metadata_dir / name, bytes, versioned, "snapshot_version", options.durable));
    timestamp.snapshot = Listed(options.snapshot_version, bytes, true);
  }
  EC_ASSIGN_OR_RETURN(json::Json value, ToJson(timestamp));
  EC_ASSIGN_OR_RETURN(std::string bytes,
                      SignMetadata(value, Pointers(keys.timestamp), "timestamp.json"));
  return WriteAtomic(metadata_dir / "timestamp.json", bytes, options.durable);
}

Result<std::int64_t> RotateRoot(const fs::path& dir, const RoleSigners& old_root,
                                const RepositoryKeys& new_keys, std::int64_t expires) {
  const fs::path metadata_dir = dir / "metadata";
  EC_ASSIGN_OR_RETURN(std::int64_t newest, NewestRootVersion(metadata_dir));
  if (newest == 0) return NotFound(StrCat("no N.root.json in ", metadata_dir.string()));
  const std::string old_name = FileName(newest, "root", true);
  EC_ASSIGN_OR_RETURN(std::string old_bytes,
                      oci::ReadSmallFile(metadata_dir / old_name, kRootReadLimit));
  EC_ASSIGN_OR_RETURN(Signed<Root> old, ParseRoot(old_bytes, old_name));
  if (expires <= 0) return InvalidArgument("RotateRoot: expires not set");

  EC_ASSIGN_OR_RETURN(Root root,
                      BuildRoot(new_keys, newest + 1, expires, old.role.consistent_snapshot));
  const std::string name = FileName(newest + 1, "root", true);
  std::vector<const sign::PrivateKey*> signers = Pointers(old_root);
  for (const sign::PrivateKey* key : Pointers(new_keys.root)) signers.push_back(key);
  EC_ASSIGN_OR_RETURN(json::Json value, ToJson(root));
  EC_ASSIGN_OR_RETURN(std::string bytes, SignMetadata(value, signers, name));

  // Check what a client will check (spec 5.3.4) before publishing: the old root's threshold
  // (so `old_root` really holds enough of version N's root keys) and the new one's.
  EC_ASSIGN_OR_RETURN(Signed<Root> rotated, ParseRoot(bytes, name));
  EC_RETURN_IF_ERROR(VerifySignatures(rotated, old.role.keys, old.role.roles.at("root"),
                                      StrCat(name, " (by the keys of ", old_name, ")")));
  EC_RETURN_IF_ERROR(VerifySignatures(rotated, rotated.role.keys, rotated.role.roles.at("root"),
                                      StrCat(name, " (by its own keys)")));
  EC_RETURN_IF_ERROR(Publish(metadata_dir / name, bytes, true, "the root version", true));
  return newest + 1;
}

}  // namespace ec::tuf
