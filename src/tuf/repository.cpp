#include "tuf/repository.h"

#include <algorithm>
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

std::string CountKeys(std::size_t n) { return StrCat(n, n == 1 ? " key" : " keys"); }

// Whether signatures by `keys` verify under `root`, which exists already: each targets,
// snapshot and timestamp key is one the root lists for its role, and there are as many as the
// role's threshold. Root keys sign nothing here, so they may be missing (kept offline).
Status CheckSigners(const Root& root, const RepositoryKeys& keys, bool consistent_snapshot,
                    std::string_view name) {
  if (root.consistent_snapshot != consistent_snapshot) {
    return FailedPrecondition(StrCat(name, ": consistent_snapshot ",
                                     root.consistent_snapshot ? "true" : "false", ", want ",
                                     consistent_snapshot ? "true" : "false"));
  }
  const std::pair<std::string_view, const RoleSigners*> roles[] = {
      {"targets", &keys.targets}, {"snapshot", &keys.snapshot}, {"timestamp", &keys.timestamp}};
  for (const auto& [role, signers] : roles) {
    const RoleKeys& listed = root.roles.at(std::string(role));
    std::set<std::string> keyids;
    for (const sign::PrivateKey& key : signers->keys) {
      EC_ASSIGN_OR_RETURN(Key tuf_key, KeyFromPublic(key.public_key()));
      const std::string keyid = KeyId(tuf_key);
      if (std::find(listed.keyids.begin(), listed.keyids.end(), keyid) == listed.keyids.end()) {
        return FailedPrecondition(StrCat(name, ": role ", role, " does not list key ", keyid,
                                         "; rotate the root to change keys"));
      }
      keyids.insert(keyid);
    }
    if (static_cast<std::int64_t>(keyids.size()) < listed.threshold) {
      return FailedPrecondition(StrCat(name, ": role ", role, ": got ", CountKeys(keyids.size()),
                                       ", want its threshold ", listed.threshold));
    }
  }
  return OkStatus();
}

// Where the repository lives: WriteRepository and WriteRepositoryFiles differ only here, so
// they give the same bytes. Paths are relative to the repository root, '/'-separated.
class Store {
 public:
  virtual ~Store() = default;
  // NotFound when there is no such file.
  virtual Result<std::string> Read(const std::string& path, std::size_t limit) = 0;
  // The file names directly in metadata/ (none when it does not exist).
  virtual Result<std::vector<std::string>> ListMetadata() = 0;
  virtual Status Write(const std::string& path, std::string_view bytes) = 0;
  // The TUF target paths to publish, sorted.
  virtual std::vector<std::string> TargetNames() const = 0;
  virtual Result<FileDigest> HashTarget(const std::string& name) = 0;
  // Puts target `name`'s bytes at `path`. An existing file there is kept (its name is
  // content-addressed) unless `replace`.
  virtual Status PlaceTarget(const std::string& name, const std::string& path,
                             const FileDigest& digest, bool replace) = 0;
};

class DirectoryStore final : public Store {
 public:
  DirectoryStore(fs::path dir, const std::map<std::string, fs::path>& targets, bool durable)
      : dir_(std::move(dir)), targets_(targets), durable_(durable) {}

  Result<std::string> Read(const std::string& path, std::size_t limit) override {
    const fs::path file = dir_ / path;
    std::error_code ec;
    if (!fs::exists(file, ec)) return NotFound(StrCat(file.string(), ": not found"));
    return oci::ReadSmallFile(file, limit);
  }

  Result<std::vector<std::string>> ListMetadata() override {
    const fs::path metadata = dir_ / "metadata";
    std::vector<std::string> names;
    std::error_code ec;
    if (!fs::exists(metadata, ec)) return names;
    for (fs::directory_iterator it(metadata, ec), end; !ec && it != end; it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    if (ec) return Unavailable(StrCat("list ", metadata.string(), ": ", ec.message()));
    return names;
  }

  Status Write(const std::string& path, std::string_view bytes) override {
    const fs::path file = dir_ / path;
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec) return Unavailable(StrCat("create ", file.parent_path().string(), ": ", ec.message()));
    EC_ASSIGN_OR_RETURN(oci::AtomicFile out, oci::AtomicFile::Create(file));
    EC_RETURN_IF_ERROR(out.Write(bytes));
    return out.Commit(durable_);
  }

  std::vector<std::string> TargetNames() const override {
    std::vector<std::string> names;
    for (const auto& [name, unused] : targets_) names.push_back(name);
    return names;
  }

  Result<FileDigest> HashTarget(const std::string& name) override {
    return HashFile(targets_.at(name), Hashes{{"sha256", ""}});
  }

  Status PlaceTarget(const std::string& name, const std::string& path, const FileDigest& digest,
                     bool replace) override {
    std::error_code ec;
    if (replace) fs::remove(dir_ / path, ec);
    return PlaceTargetFile(targets_.at(name), dir_ / path, digest);
  }

 private:
  fs::path dir_;
  const std::map<std::string, fs::path>& targets_;
  bool durable_;
};

class MemoryStore final : public Store {
 public:
  MemoryStore(RepositoryFiles& files, const std::map<std::string, std::string>& targets)
      : files_(files), targets_(targets) {}

  Result<std::string> Read(const std::string& path, std::size_t limit) override {
    auto it = files_.find(path);
    if (it == files_.end()) return NotFound(StrCat(path, ": not found"));
    // The same failure a file on disk gives (oci::ReadAll).
    if (it->second.size() > limit) {
      return InvalidArgument(StrCat(path, ": larger than the limit of ", limit, " bytes"));
    }
    return it->second;
  }

  Result<std::vector<std::string>> ListMetadata() override {
    constexpr std::string_view kPrefix = "metadata/";
    std::vector<std::string> names;
    for (auto it = files_.lower_bound(std::string(kPrefix));
         it != files_.end() && it->first.starts_with(kPrefix); ++it) {
      const std::string_view name = std::string_view(it->first).substr(kPrefix.size());
      if (!name.empty() && name.find('/') == std::string_view::npos) names.emplace_back(name);
    }
    return names;
  }

  Status Write(const std::string& path, std::string_view bytes) override {
    files_[path] = std::string(bytes);
    return OkStatus();
  }

  std::vector<std::string> TargetNames() const override {
    std::vector<std::string> names;
    for (const auto& [name, unused] : targets_) names.push_back(name);
    return names;
  }

  Result<FileDigest> HashTarget(const std::string& name) override {
    const std::string& bytes = targets_.at(name);
    EC_ASSIGN_OR_RETURN(Hashes hashes, HashBytes(bytes, Hashes{{"sha256", ""}}));
    return FileDigest{static_cast<std::int64_t>(bytes.size()), std::move(hashes)};
  }

  Status PlaceTarget(const std::string& name, const std::string& path, const FileDigest&,
                     bool replace) override {
    if (replace || !files_.contains(path)) files_[path] = targets_.at(name);
    return OkStatus();
  }

 private:
  RepositoryFiles& files_;
  const std::map<std::string, std::string>& targets_;
};

std::string MetadataPath(std::string_view name) { return StrCat("metadata/", name); }

// The highest N with metadata/N.root.json; 0 when there is none.
Result<std::int64_t> NewestRootVersion(Store& store) {
  EC_ASSIGN_OR_RETURN(std::vector<std::string> names, store.ListMetadata());
  std::int64_t newest = 0;
  for (const std::string& name : names) {
    constexpr std::string_view kSuffix = ".root.json";
    if (!name.ends_with(kSuffix) || name.size() == kSuffix.size() || name[0] == '0') continue;
    std::int64_t version = 0;
    const char* end_digits = name.data() + name.size() - kSuffix.size();
    auto [ptr, err] = std::from_chars(name.data(), end_digits, version);
    if (err == std::errc() && ptr == end_digits) newest = std::max(newest, version);
  }
  return newest;
}

// Writes metadata/<name>. A versioned name promises its content forever (consistent
// snapshots, kept roots), so other existing bytes are refused rather than replaced; an
// unversioned one is replaced.
Status Publish(Store& store, const std::string& name, std::string_view bytes, bool versioned,
               std::string_view bump) {
  const std::string path = MetadataPath(name);
  if (versioned) {
    Result<std::string> existing = store.Read(path, bytes.size() + 1);
    if (existing.ok() && *existing == bytes) return OkStatus();
    if (existing.status().code() != Code::kNotFound) {
      return FailedPrecondition(StrCat(name, " already exists with other content; raise ", bump));
    }
  }
  return store.Write(path, bytes);
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
Status EnsureRoot(Store& store, const RepositoryKeys& keys, const WriteOptions& options) {
  EC_ASSIGN_OR_RETURN(std::int64_t newest, NewestRootVersion(store));
  const std::string name = FileName(options.root_version, "root", true);
  if (newest > options.root_version) {
    return FailedPrecondition(StrCat(newest, ".root.json is newer than root_version ",
                                     options.root_version, "; sign under the newest root"));
  }
  if (newest == options.root_version) {
    EC_ASSIGN_OR_RETURN(std::string bytes, store.Read(MetadataPath(name), kRootReadLimit));
    EC_ASSIGN_OR_RETURN(Signed<Root> existing, ParseRoot(bytes, name));
    return CheckSigners(existing.role, keys, options.consistent_snapshot, name);
  }
  if (options.root_version != 1) {
    return FailedPrecondition(
        StrCat(name, " does not exist; create root versions after 1 with RotateRoot"));
  }
  EC_ASSIGN_OR_RETURN(Root root, BuildRoot(keys, options.root_version, options.root_expires,
                                           options.consistent_snapshot));
  EC_ASSIGN_OR_RETURN(json::Json value, ToJson(root));
  EC_ASSIGN_OR_RETURN(std::string bytes, SignMetadata(value, Pointers(keys.root), name));
  return Publish(store, name, bytes, true, "root_version");
}

// Target files, content-addressed, and their entries in targets metadata.
Result<std::map<std::string, TargetFile>> PlaceTargets(Store& store, const WriteOptions& options) {
  const bool versioned = options.consistent_snapshot;
  std::map<std::string, TargetFile> files;
  for (const std::string& name : store.TargetNames()) {
    EC_ASSIGN_OR_RETURN(FileDigest digest, store.HashTarget(name));
    const std::string sha256 = digest.hashes.at("sha256");
    const std::string path =
        StrCat("targets/", versioned ? ConsistentTargetPath(name, sha256) : name);
    // Unversioned names are replaced.
    EC_RETURN_IF_ERROR(store.PlaceTarget(name, path, digest, !versioned));
    TargetFile file{digest.length, std::move(digest.hashes), nullptr};
    if (auto custom = options.custom.find(name); custom != options.custom.end()) {
      file.custom = custom->second;
    }
    files[name] = std::move(file);
  }
  return files;
}

// Spreads `files` over hash bins, publishes the bins and lists them in `snapshot`; returns
// the delegation targets.json makes to them.
Result<Delegations> PublishBins(Store& store, const RepositoryKeys& keys,
                                std::map<std::string, TargetFile> files,
                                const WriteOptions& options, Snapshot& snapshot) {
  const bool versioned = options.consistent_snapshot;
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
    EC_RETURN_IF_ERROR(Publish(store, name, bytes, versioned, "targets_version"));
    snapshot.meta[role + ".json"] =
        Listed(options.targets_version, bytes, options.snapshot_lists_hashes);
  }
  return Delegations{std::move(described.keys), {}, std::move(succinct)};
}

// WriteRepository and WriteRepositoryFiles, wherever `store` keeps the files.
Status WriteTo(Store& store, const RepositoryKeys& keys, const WriteOptions& options) {
  EC_RETURN_IF_ERROR(CheckOptions(options));
  const std::vector<std::string> names = store.TargetNames();
  for (const std::string& name : names) EC_RETURN_IF_ERROR(ValidateTargetPath(name));
  for (const auto& [name, unused] : options.custom) {
    if (!std::binary_search(names.begin(), names.end(), name)) {
      return InvalidArgument(StrCat("custom data for \"", name, "\", which is not a target"));
    }
  }
  EC_RETURN_IF_ERROR(EnsureRoot(store, keys, options));
  const bool versioned = options.consistent_snapshot;

  // 1. Target files, content-addressed.
  EC_ASSIGN_OR_RETURN(auto files, PlaceTargets(store, options));

  // 2. Targets metadata: directly, or spread over hash bins.
  Snapshot snapshot;
  snapshot.version = options.snapshot_version;
  snapshot.expires = options.snapshot_expires;
  Targets top;
  top.version = options.targets_version;
  top.expires = options.targets_expires;
  if (files.size() > options.hash_bin_threshold) {
    EC_ASSIGN_OR_RETURN(top.delegations,
                        PublishBins(store, keys, std::move(files), options, snapshot));
  } else {
    top.targets = std::move(files);
  }
  {
    const std::string name = FileName(options.targets_version, "targets", versioned);
    EC_ASSIGN_OR_RETURN(json::Json value, ToJson(top));
    EC_ASSIGN_OR_RETURN(std::string bytes, SignMetadata(value, Pointers(keys.targets), name));
    EC_RETURN_IF_ERROR(Publish(store, name, bytes, versioned, "targets_version"));
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
    EC_RETURN_IF_ERROR(Publish(store, name, bytes, versioned, "snapshot_version"));
    timestamp.snapshot = Listed(options.snapshot_version, bytes, true);
  }
  EC_ASSIGN_OR_RETURN(json::Json value, ToJson(timestamp));
  EC_ASSIGN_OR_RETURN(std::string bytes,
                      SignMetadata(value, Pointers(keys.timestamp), "timestamp.json"));
  return store.Write(MetadataPath("timestamp.json"), bytes);
}

}  // namespace

Status WriteRepository(const fs::path& dir, const RepositoryKeys& keys,
                       const std::map<std::string, fs::path>& targets,
                       const WriteOptions& options) {
  DirectoryStore store(dir, targets, options.durable);
  return WriteTo(store, keys, options);
}

Status WriteRepositoryFiles(RepositoryFiles& files, const RepositoryKeys& keys,
                            const std::map<std::string, std::string>& targets,
                            const WriteOptions& options) {
  MemoryStore store(files, targets);
  return WriteTo(store, keys, options);
}

Result<std::int64_t> RotateRoot(const fs::path& dir, const RoleSigners& old_root,
                                const RepositoryKeys& new_keys, std::int64_t expires) {
  const std::map<std::string, fs::path> no_targets;
  DirectoryStore store(dir, no_targets, /*durable=*/true);
  EC_ASSIGN_OR_RETURN(std::int64_t newest, NewestRootVersion(store));
  if (newest == 0) return NotFound(StrCat("no N.root.json in ", (dir / "metadata").string()));
  const std::string old_name = FileName(newest, "root", true);
  EC_ASSIGN_OR_RETURN(std::string old_bytes, store.Read(MetadataPath(old_name), kRootReadLimit));
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
  EC_RETURN_IF_ERROR(Publish(store, name, bytes, true, "the root version"));
  return newest + 1;
}

}  // namespace ec::tuf
