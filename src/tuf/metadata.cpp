#include "tuf/metadata.h"

#include <algorithm>
#include <exception>
#include <set>

#include "tuf/canonical_json.h"
#include "tuf/hex.h"
#include "tuf/time.h"

namespace ec::tuf {
namespace {

using json::Json;

Result<Json> CommonJson(const Common& common, std::string_view type) {
  EC_ASSIGN_OR_RETURN(std::string expires, FormatExpires(common.expires));
  return Json{{"_type", type},
              {"spec_version", common.spec_version},
              {"version", common.version},
              {"expires", expires}};
}

Json KeysJson(const std::map<std::string, Key>& keys) {
  Json out = Json::object();
  for (const auto& [keyid, key] : keys) out[keyid] = KeyToJson(key);
  return out;
}

Json RoleKeysJson(const RoleKeys& role) {
  return Json{{"keyids", role.keyids}, {"threshold", role.threshold}};
}

Json HashesJson(const Hashes& hashes) {
  Json out = Json::object();
  for (const auto& [alg, hex] : hashes) out[alg] = hex;
  return out;
}

Json MetaFileJson(const MetaFile& file) {
  Json out{{"version", file.version}};
  if (file.length) out["length"] = *file.length;
  if (!file.hashes.empty()) out["hashes"] = HashesJson(file.hashes);
  return out;
}

Json DelegationsJson(const Delegations& delegations) {
  Json out{{"keys", KeysJson(delegations.keys)}};
  if (delegations.succinct_roles) {
    const SuccinctRoles& bins = *delegations.succinct_roles;
    Json succinct = RoleKeysJson(bins.keys);
    succinct["bit_length"] = bins.bit_length;
    succinct["name_prefix"] = bins.name_prefix;
    out["succinct_roles"] = std::move(succinct);
    return out;
  }
  Json roles = Json::array();
  for (const DelegatedRole& role : delegations.roles) {
    Json entry = RoleKeysJson(role.keys);
    entry["name"] = role.name;
    entry["terminating"] = role.terminating;
    if (role.paths) entry["paths"] = *role.paths;
    if (role.path_hash_prefixes) entry["path_hash_prefixes"] = *role.path_hash_prefixes;
    roles.push_back(std::move(entry));
  }
  out["roles"] = std::move(roles);
  return out;
}

}  // namespace

Result<Json> ToJson(const Root& root) {
  EC_ASSIGN_OR_RETURN(Json out, CommonJson(root, "root"));
  out["consistent_snapshot"] = root.consistent_snapshot;
  out["keys"] = KeysJson(root.keys);
  Json roles = Json::object();
  for (const auto& [name, role] : root.roles) roles[name] = RoleKeysJson(role);
  out["roles"] = std::move(roles);
  return out;
}

Result<Json> ToJson(const Targets& targets) {
  EC_ASSIGN_OR_RETURN(Json out, CommonJson(targets, "targets"));
  Json files = Json::object();
  for (const auto& [path, file] : targets.targets) {
    Json entry{{"length", file.length}, {"hashes", HashesJson(file.hashes)}};
    if (!file.custom.is_null()) entry["custom"] = file.custom;
    files[path] = std::move(entry);
  }
  out["targets"] = std::move(files);
  if (targets.delegations) out["delegations"] = DelegationsJson(*targets.delegations);
  return out;
}

Result<Json> ToJson(const Snapshot& snapshot) {
  EC_ASSIGN_OR_RETURN(Json out, CommonJson(snapshot, "snapshot"));
  Json meta = Json::object();
  for (const auto& [name, file] : snapshot.meta) meta[name] = MetaFileJson(file);
  out["meta"] = std::move(meta);
  return out;
}

Result<Json> ToJson(const Timestamp& timestamp) {
  EC_ASSIGN_OR_RETURN(Json out, CommonJson(timestamp, "timestamp"));
  out["meta"] = Json{{"snapshot.json", MetaFileJson(timestamp.snapshot)}};
  return out;
}

Result<std::string> SignMetadata(const Json& signed_value,
                                 const std::vector<const sign::PrivateKey*>& keys,
                                 std::string_view what) {
  if (keys.empty()) return InvalidArgument(StrCat(what, ": no signing keys"));
  EC_ASSIGN_OR_RETURN(std::string canonical, CanonicalJson(signed_value, what));
  std::map<std::string, std::string> sigs;  // keyid -> hex; sorted, one per keyid
  for (const sign::PrivateKey* key : keys) {
    EC_ASSIGN_OR_RETURN(Key tuf_key, KeyFromPublic(key->public_key()));
    const std::string keyid = KeyId(tuf_key);
    if (sigs.contains(keyid)) continue;
    EC_ASSIGN_OR_RETURN(std::string sig, key->Sign(canonical));
    sigs[keyid] = HexEncode(sig);
  }
  Json signatures = Json::array();
  for (const auto& [keyid, sig] : sigs) signatures.push_back(Json{{"keyid", keyid}, {"sig", sig}});
  const Json envelope{{"signatures", std::move(signatures)}, {"signed", signed_value}};
  try {
    // Indent 1, members sorted: python-tuf's layout, readable inside a bundle, and stable.
    return envelope.dump(1, ' ', false, Json::error_handler_t::strict) + "\n";
  } catch (const std::exception& e) {
    return InvalidArgument(StrCat(what, ": cannot serialise: ", e.what()));
  }
}

Status VerifySignatures(std::string_view canonical, const std::vector<Signature>& signatures,
                        const std::map<std::string, Key>& keys, const RoleKeys& role,
                        std::string_view what) {
  std::set<std::string> counted_keyids;
  std::set<std::pair<std::string, std::string>> counted_keys;  // (keytype, public)
  for (const std::string& keyid : role.keyids) {
    if (counted_keyids.contains(keyid)) continue;
    auto key = keys.find(keyid);
    if (key == keys.end()) continue;
    auto sig = std::find_if(signatures.begin(), signatures.end(),
                            [&](const Signature& s) { return s.keyid == keyid; });
    if (sig == signatures.end()) continue;
    std::optional<std::string> raw = HexDecode(sig->sig);
    if (!raw || !VerifyWithKey(key->second, canonical, *raw).ok()) continue;
    // Two keyids for the same key material still count once (go-tuf does the same).
    if (!counted_keys.emplace(key->second.keytype, key->second.public_value).second) continue;
    counted_keyids.insert(keyid);
  }
  const auto valid = static_cast<std::int64_t>(counted_keyids.size());
  if (valid >= role.threshold) return OkStatus();
  return DataLoss(
      StrCat(what, ": signatures by ", valid, " of ", role.threshold, " required keys"));
}

}  // namespace ec::tuf
