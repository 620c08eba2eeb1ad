// Client: trust bootstrap and the metadata half of the workflow (spec 5.2-5.6.6).
#include "tuf/client.h"

#include <set>

#include "tuf/delegation.h"
#include "tuf/target_files.h"
#include "tuf/time.h"

namespace ec::tuf {
namespace {

std::string At(std::int64_t unix_seconds) {
  Result<std::string> text = FormatExpires(unix_seconds);
  return text.ok() ? *text : StrCat("@", unix_seconds);
}

// encodeURIComponent, as tuf-js names delegated role files: role names are not paths.
std::string EncodeRoleName(std::string_view name) {
  static constexpr std::string_view kKeep =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()";
  std::string out;
  for (char c : name) {
    if (kKeep.find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      out += StrCat("%", "0123456789ABCDEF"[static_cast<unsigned char>(c) >> 4],
                    "0123456789ABCDEF"[static_cast<unsigned char>(c) & 0xf]);
    }
  }
  return out;
}

// Length and hashes of a metadata file against its listing in `lister` (spec 5.5.2, 5.6.2).
Status CheckListed(std::string_view bytes, const MetaFile& meta, std::string_view what,
                   std::string_view lister) {
  if (meta.length && static_cast<std::int64_t>(bytes.size()) != *meta.length) {
    return DataLoss(StrCat(what, ": got ", bytes.size(), " bytes, want ", *meta.length,
                           " as listed in ", lister));
  }
  if (meta.hashes.empty()) return OkStatus();
  Result<Hashes> got = HashBytes(bytes, meta.hashes);
  if (!got.ok()) return got.status().WithPrefix(what);
  for (const auto& [alg, want] : meta.hashes) {
    if (got->at(alg) != want) {
      return DataLoss(StrCat(what, ": got ", alg, " ", got->at(alg), ", want ", want,
                             " as listed in ", lister));
    }
  }
  return OkStatus();
}

std::set<std::string> KeyidSet(const Root& root, const std::string& role) {
  const std::vector<std::string>& keyids = root.roles.at(role).keyids;
  return {keyids.begin(), keyids.end()};
}

}  // namespace

Result<Client> Client::Create(Fetcher& fetcher, std::string_view trusted_root,
                              const ClientOptions& options, TrustedState state) {
  if (options.now <= 0) return InvalidArgument("TUF client: ClientOptions.now not set");
  EC_ASSIGN_OR_RETURN(Signed<Root> root, ParseRoot(trusted_root, "trusted root"));
  EC_RETURN_IF_ERROR(
      VerifySignatures(root, root.role.keys, root.role.roles.at("root"), "trusted root"));
  // Start from the newer of the two; the persisted one was verified along the rotation chain
  // by an earlier update.
  std::string root_bytes(trusted_root);
  if (!state.root.empty()) {
    EC_ASSIGN_OR_RETURN(Signed<Root> persisted, ParseRoot(state.root, "persisted root"));
    EC_RETURN_IF_ERROR(VerifySignatures(persisted, persisted.role.keys,
                                        persisted.role.roles.at("root"), "persisted root"));
    if (persisted.role.version > root.role.version) {
      root = std::move(persisted);
      root_bytes = state.root;
    }
  }
  state.root = std::move(root_bytes);
  return Client(fetcher, options, std::move(root), std::move(state));
}

Result<std::string> Client::FetchMetadata(const std::string& file, std::size_t limit,
                                          std::string_view what) {
  Result<std::string> bytes = fetcher_->Fetch("metadata/" + file, limit);
  if (!bytes.ok()) return bytes.status().WithPrefix(what);
  if (bytes->size() > limit) {
    return DataLoss(StrCat(what, ": ", bytes->size(), " bytes exceed the ", limit, "-byte limit"));
  }
  return bytes;
}

Status Client::CheckNotExpired(const Common& role, std::string_view what) const {
  if (options_.now >= role.expires) {
    return FailedPrecondition(StrCat(what, ": expired at ", At(role.expires)));
  }
  return OkStatus();
}

Status Client::Refresh() {
  refreshed_ = false;
  timestamp_.reset();
  snapshot_.reset();
  targets_.clear();
  EC_RETURN_IF_ERROR(UpdateRoot());
  EC_RETURN_IF_ERROR(UpdateTimestamp());
  EC_RETURN_IF_ERROR(UpdateSnapshot());
  EC_RETURN_IF_ERROR(LoadTargets("targets", "").status());
  refreshed_ = true;
  return OkStatus();
}

// Spec 5.3: walk N+1.root.json until NotFound, each signed by the old and the new threshold.
Status Client::UpdateRoot() {
  const std::set<std::string> timestamp_keys = KeyidSet(root_.role, "timestamp");
  const std::set<std::string> snapshot_keys = KeyidSet(root_.role, "snapshot");
  for (int i = 0; i < options_.max_root_rotations; ++i) {
    const std::int64_t next = root_.role.version + 1;
    const std::string name = StrCat(next, ".root.json");
    Result<std::string> bytes = FetchMetadata(name, options_.limits.root, name);
    if (!bytes.ok() && bytes.status().code() == Code::kNotFound) break;
    if (!bytes.ok()) return bytes.status();
    EC_ASSIGN_OR_RETURN(Signed<Root> candidate, ParseRoot(*bytes, name));
    EC_RETURN_IF_ERROR(VerifySignatures(
        candidate, root_.role.keys, root_.role.roles.at("root"),
        StrCat(name, " (by the keys of trusted root version ", root_.role.version, ")")));
    if (candidate.role.version != next) {
      return DataLoss(StrCat(name, ": version ", candidate.role.version, ", want exactly ", next));
    }
    EC_RETURN_IF_ERROR(VerifySignatures(candidate, candidate.role.keys,
                                        candidate.role.roles.at("root"),
                                        StrCat(name, " (by its own keys)")));
    root_ = std::move(candidate);
    state_.root = std::move(*bytes);
  }
  EC_RETURN_IF_ERROR(CheckNotExpired(root_.role, StrCat(root_.role.version, ".root.json")));
  // Spec 5.3.11: new timestamp or snapshot keys are how a repository recovers from a
  // fast-forward attack, so forget the versions the old keys vouched for.
  if (KeyidSet(root_.role, "timestamp") != timestamp_keys ||
      KeyidSet(root_.role, "snapshot") != snapshot_keys) {
    state_.timestamp_version = 0;
    state_.snapshot_version = 0;
    state_.meta_versions.clear();
  }
  return OkStatus();
}

// Spec 5.4.
Status Client::UpdateTimestamp() {
  constexpr std::string_view kWhat = "timestamp.json";
  EC_ASSIGN_OR_RETURN(std::string bytes,
                      FetchMetadata("timestamp.json", options_.limits.timestamp, kWhat));
  EC_ASSIGN_OR_RETURN(Signed<Timestamp> timestamp, ParseTimestamp(bytes, kWhat));
  EC_RETURN_IF_ERROR(
      VerifySignatures(timestamp, root_.role.keys, root_.role.roles.at("timestamp"), kWhat));
  const std::int64_t version = timestamp.role.version;
  if (version < state_.timestamp_version) {
    return FailedPrecondition(StrCat(kWhat, ": version ", version, " is older than trusted ",
                                     state_.timestamp_version, " (rollback)"));
  }
  const std::int64_t snapshot_version = timestamp.role.snapshot.version;
  if (snapshot_version < state_.snapshot_version) {
    return FailedPrecondition(StrCat("snapshot.json: version ", snapshot_version,
                                     " is older than trusted ", state_.snapshot_version,
                                     " (rollback)"));
  }
  EC_RETURN_IF_ERROR(CheckNotExpired(timestamp.role, kWhat));
  state_.timestamp_version = version;
  state_.snapshot_version = snapshot_version;
  timestamp_ = std::move(timestamp);
  return OkStatus();
}

// Spec 5.5.
Status Client::UpdateSnapshot() {
  constexpr std::string_view kWhat = "snapshot.json";
  const MetaFile& listed = timestamp_->role.snapshot;
  const std::string file = root_.role.consistent_snapshot ? StrCat(listed.version, ".snapshot.json")
                                                          : std::string("snapshot.json");
  const std::size_t limit =
      listed.length ? static_cast<std::size_t>(*listed.length) : options_.limits.snapshot;
  EC_ASSIGN_OR_RETURN(std::string bytes, FetchMetadata(file, limit, kWhat));
  EC_RETURN_IF_ERROR(CheckListed(bytes, listed, kWhat, "timestamp.json"));
  EC_ASSIGN_OR_RETURN(Signed<Snapshot> snapshot, ParseSnapshot(bytes, kWhat));
  EC_RETURN_IF_ERROR(
      VerifySignatures(snapshot, root_.role.keys, root_.role.roles.at("snapshot"), kWhat));
  if (snapshot.role.version != listed.version) {
    return DataLoss(StrCat(kWhat, ": version ", snapshot.role.version, " does not match ",
                           listed.version, " listed in timestamp.json (mix-and-match)"));
  }
  for (const auto& [name, trusted] : state_.meta_versions) {
    auto it = snapshot.role.meta.find(name);
    if (it == snapshot.role.meta.end()) {
      return FailedPrecondition(
          StrCat(kWhat, ": no longer lists ", name, ", which trusted metadata did (rollback)"));
    }
    if (it->second.version < trusted) {
      return FailedPrecondition(StrCat(name, ": version ", it->second.version,
                                       " is older than trusted ", trusted, " (rollback)"));
    }
  }
  EC_RETURN_IF_ERROR(CheckNotExpired(snapshot.role, kWhat));
  state_.meta_versions.clear();
  for (const auto& [name, meta] : snapshot.role.meta) state_.meta_versions[name] = meta.version;
  snapshot_ = std::move(snapshot);
  return OkStatus();
}

// Spec 5.6.1-5.6.6.
Result<const Signed<Targets>*> Client::LoadTargets(const std::string& role,
                                                   const std::string& delegator) {
  if (auto cached = targets_.find(role); cached != targets_.end()) return &cached->second;
  const std::string what = role + ".json";
  auto listed = snapshot_->role.meta.find(what);
  if (listed == snapshot_->role.meta.end()) {
    return DataLoss(StrCat(what, ": not listed in snapshot.json"));
  }
  const MetaFile& meta = listed->second;
  const std::string encoded = EncodeRoleName(role);
  const std::string file = root_.role.consistent_snapshot
                               ? StrCat(meta.version, ".", encoded, ".json")
                               : StrCat(encoded, ".json");
  const std::size_t limit =
      meta.length ? static_cast<std::size_t>(*meta.length) : options_.limits.targets;
  EC_ASSIGN_OR_RETURN(std::string bytes, FetchMetadata(file, limit, what));
  EC_RETURN_IF_ERROR(CheckListed(bytes, meta, what, "snapshot.json"));
  EC_ASSIGN_OR_RETURN(Signed<Targets> targets, ParseTargets(bytes, what));
  if (delegator.empty()) {
    EC_RETURN_IF_ERROR(
        VerifySignatures(targets, root_.role.keys, root_.role.roles.at("targets"), what));
  } else {
    // Signed by the keys its delegator names (spec 5.6.3), never by root's.
    const Signed<Targets>& parent = targets_.at(delegator);
    const RoleKeys* keys =
        parent.role.delegations ? DelegatedRoleKeys(*parent.role.delegations, role) : nullptr;
    if (keys == nullptr) {
      return DataLoss(StrCat(what, ": not delegated by ", delegator, ".json"));
    }
    EC_RETURN_IF_ERROR(VerifySignatures(targets, parent.role.delegations->keys, *keys, what));
  }
  if (targets.role.version != meta.version) {
    return DataLoss(StrCat(what, ": version ", targets.role.version, " does not match ",
                           meta.version, " listed in snapshot.json (mix-and-match)"));
  }
  EC_RETURN_IF_ERROR(CheckNotExpired(targets.role, what));
  auto [it, inserted] = targets_.emplace(role, std::move(targets));
  return &it->second;
}

}  // namespace ec::tuf
