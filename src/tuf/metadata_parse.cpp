// Strict parsing of TUF metadata. Errors read "<file>: <JSON Pointer>: <why>".
#include <limits>
#include <set>

#include "oci/digest.h"
#include "tuf/canonical_json.h"
#include "tuf/metadata.h"
#include "tuf/time.h"

namespace ec::tuf {
namespace {

using json::Json;

// The file being parsed, for error messages.
struct Ctx {
  std::string_view what;
  Status Error(std::string_view pointer, std::string_view why) const {
    return InvalidArgument(StrCat(what, ": ", pointer, ": ", why));
  }
};


std::string Child(std::string_view pointer, std::string_view name) {
  return StrCat(pointer, "/", json::PointerToken(name));
}

Status Want(const Ctx& ctx, std::string_view pointer, const Json& value, std::string_view want) {
  return ctx.Error(pointer, StrCat("got ", value.type_name(), ", want ", want));
}

Result<const Json*> Member(const Ctx& ctx, const Json& object, std::string_view name,
                           std::string_view pointer) {
  auto it = object.find(name);
  if (it == object.end()) return ctx.Error(Child(pointer, name), "missing");
  return &*it;
}

Result<const Json*> ObjectMember(const Ctx& ctx, const Json& object, std::string_view name,
                                 std::string_view pointer) {
  EC_ASSIGN_OR_RETURN(const Json* value, Member(ctx, object, name, pointer));
  if (!value->is_object()) return Want(ctx, Child(pointer, name), *value, "object");
  return value;
}

Result<std::int64_t> Integer(const Ctx& ctx, const Json& value, std::string_view pointer,
                             std::int64_t min) {
  if (!value.is_number_integer()) return Want(ctx, pointer, value, "integer");
  if (value.is_number_unsigned() &&
      value.get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return ctx.Error(pointer, StrCat(value.dump(), " is too large"));
  }
  const auto n = value.get<std::int64_t>();
  if (n < min) return ctx.Error(pointer, StrCat(n, " is less than ", min));
  return n;
}

Result<std::int64_t> IntegerMember(const Ctx& ctx, const Json& object, std::string_view name,
                                   std::string_view pointer, std::int64_t min) {
  EC_ASSIGN_OR_RETURN(const Json* value, Member(ctx, object, name, pointer));
  return Integer(ctx, *value, Child(pointer, name), min);
}

Result<std::string> StringMember(const Ctx& ctx, const Json& object, std::string_view name,
                                 std::string_view pointer) {
  EC_ASSIGN_OR_RETURN(const Json* value, Member(ctx, object, name, pointer));
  if (!value->is_string()) return Want(ctx, Child(pointer, name), *value, "string");
  return value->get<std::string>();
}

Result<bool> BoolMember(const Ctx& ctx, const Json& object, std::string_view name,
                        std::string_view pointer) {
  EC_ASSIGN_OR_RETURN(const Json* value, Member(ctx, object, name, pointer));
  if (!value->is_boolean()) return Want(ctx, Child(pointer, name), *value, "boolean");
  return value->get<bool>();
}

Result<std::vector<std::string>> Strings(const Ctx& ctx, const Json& value,
                                         std::string_view pointer, bool unique) {
  if (!value.is_array()) return Want(ctx, pointer, value, "array of strings");
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Json& item = value[i];
    if (!item.is_string()) return Want(ctx, StrCat(pointer, "/", i), item, "string");
    if (unique && !seen.insert(item.get<std::string>()).second) {
      return ctx.Error(StrCat(pointer, "/", i),
                       StrCat("duplicate \"", item.get<std::string>(), "\""));
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

bool IsLowerHex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

Result<Hashes> ParseHashes(const Ctx& ctx, const Json& value, std::string_view pointer) {
  if (!value.is_object()) return Want(ctx, pointer, value, "object");
  if (value.empty()) return ctx.Error(pointer, "no hashes");
  Hashes out;
  for (const auto& [alg, hex] : value.items()) {
    if (!hex.is_string() || !IsLowerHex(hex.get<std::string>())) {
      return ctx.Error(Child(pointer, alg), "want a lower-case hex string");
    }
    out[alg] = hex.get<std::string>();
  }
  return out;
}

Result<Key> ParseKey(const Ctx& ctx, const std::string& keyid, const Json& value,
                     std::string_view pointer) {
  if (!value.is_object()) return Want(ctx, pointer, value, "object");
  Key key;
  EC_ASSIGN_OR_RETURN(key.keytype, StringMember(ctx, value, "keytype", pointer));
  EC_ASSIGN_OR_RETURN(key.scheme, StringMember(ctx, value, "scheme", pointer));
  EC_ASSIGN_OR_RETURN(const Json* keyval, ObjectMember(ctx, value, "keyval", pointer));
  EC_ASSIGN_OR_RETURN(key.public_value,
                      StringMember(ctx, *keyval, "public", Child(pointer, "keyval")));
  // The spec has clients recompute keyids. Old securesystemslib keys (Sigstore's root) carry
  // keyid_hash_algorithms, which went into their keyid: accept a hash of the key object as
  // written, too, and otherwise ignore the extra member.
  if (keyid != KeyId(key)) {
    Result<std::string> as_written = CanonicalJson(value, ctx.what);
    if (!as_written.ok() || keyid != oci::Digest::OfBytes(*as_written).hex()) {
      return ctx.Error(pointer, StrCat("keyid does not match the key; want ", KeyId(key)));
    }
  }
  return key;
}

Result<std::map<std::string, Key>> ParseKeys(const Ctx& ctx, const Json& value,
                                             std::string_view pointer) {
  if (!value.is_object()) return Want(ctx, pointer, value, "object");
  std::map<std::string, Key> keys;
  for (const auto& [keyid, key] : value.items()) {
    EC_ASSIGN_OR_RETURN(keys[keyid], ParseKey(ctx, keyid, key, Child(pointer, keyid)));
  }
  return keys;
}

Result<RoleKeys> ParseRoleKeys(const Ctx& ctx, const Json& value, std::string_view pointer) {
  if (!value.is_object()) return Want(ctx, pointer, value, "object");
  RoleKeys role;
  EC_ASSIGN_OR_RETURN(const Json* keyids, Member(ctx, value, "keyids", pointer));
  EC_ASSIGN_OR_RETURN(role.keyids, Strings(ctx, *keyids, Child(pointer, "keyids"), true));
  EC_ASSIGN_OR_RETURN(role.threshold, IntegerMember(ctx, value, "threshold", pointer, 1));
  if (role.threshold > static_cast<std::int64_t>(role.keyids.size())) {
    return ctx.Error(Child(pointer, "threshold"),
                     StrCat(role.threshold, " exceeds the ", role.keyids.size(), " keyids"));
  }
  return role;
}

Result<Common> ParseCommon(const Ctx& ctx, const Json& signed_value, std::string_view type) {
  EC_ASSIGN_OR_RETURN(std::string actual, StringMember(ctx, signed_value, "_type", "/signed"));
  if (actual != type) {
    return ctx.Error("/signed/_type", StrCat("\"", actual, "\", want \"", type, "\""));
  }
  Common common;
  EC_ASSIGN_OR_RETURN(common.spec_version,
                      StringMember(ctx, signed_value, "spec_version", "/signed"));
  // "1.x" or "1.x.y", numeric parts: the check python-tuf and tuf-js make.
  std::vector<std::string> parts(1);
  for (char c : common.spec_version) {
    if (c == '.') {
      parts.emplace_back();
    } else {
      parts.back().push_back(c);
    }
  }
  bool numeric = parts.size() == 2 || parts.size() == 3;
  for (const std::string& part : parts) {
    numeric = numeric && !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
  }
  if (!numeric || parts[0] != "1") {
    return ctx.Error("/signed/spec_version",
                     StrCat("\"", common.spec_version, "\" is not a supported version (want 1.x)"));
  }
  EC_ASSIGN_OR_RETURN(common.version, IntegerMember(ctx, signed_value, "version", "/signed", 1));
  EC_ASSIGN_OR_RETURN(std::string expires, StringMember(ctx, signed_value, "expires", "/signed"));
  EC_ASSIGN_OR_RETURN(common.expires, ParseExpires(expires, StrCat(ctx.what, ": /signed/expires")));
  return common;
}

Result<MetaFile> ParseMetaFile(const Ctx& ctx, const Json& value, std::string_view pointer) {
  if (!value.is_object()) return Want(ctx, pointer, value, "object");
  MetaFile file;
  EC_ASSIGN_OR_RETURN(file.version, IntegerMember(ctx, value, "version", pointer, 1));
  if (auto it = value.find("length"); it != value.end()) {
    EC_ASSIGN_OR_RETURN(file.length, Integer(ctx, *it, Child(pointer, "length"), 0));
  }
  if (auto it = value.find("hashes"); it != value.end()) {
    EC_ASSIGN_OR_RETURN(file.hashes, ParseHashes(ctx, *it, Child(pointer, "hashes")));
  }
  return file;
}

Result<DelegatedRole> ParseDelegatedRole(const Ctx& ctx, const Json& value,
                                         std::string_view pointer) {
  DelegatedRole role;
  EC_ASSIGN_OR_RETURN(role.keys, ParseRoleKeys(ctx, value, pointer));
  EC_ASSIGN_OR_RETURN(role.name, StringMember(ctx, value, "name", pointer));
  if (role.name.empty()) return ctx.Error(Child(pointer, "name"), "empty");
  for (std::string_view top : kTopLevelRoles) {
    if (role.name == top) {
      return ctx.Error(Child(pointer, "name"), StrCat("\"", top, "\" is a top-level role"));
    }
  }
  EC_ASSIGN_OR_RETURN(role.terminating, BoolMember(ctx, value, "terminating", pointer));
  auto paths = value.find("paths");
  auto prefixes = value.find("path_hash_prefixes");
  if ((paths == value.end()) == (prefixes == value.end())) {
    return ctx.Error(pointer, "want exactly one of paths and path_hash_prefixes");
  }
  if (paths != value.end()) {
    EC_ASSIGN_OR_RETURN(role.paths, Strings(ctx, *paths, Child(pointer, "paths"), false));
  } else {
    EC_ASSIGN_OR_RETURN(std::vector<std::string> hex,
                        Strings(ctx, *prefixes, Child(pointer, "path_hash_prefixes"), false));
    for (const std::string& prefix : hex) {
      if (!IsLowerHex(prefix)) {
        return ctx.Error(Child(pointer, "path_hash_prefixes"),
                         StrCat("\"", prefix, "\" is not lower-case hex"));
      }
    }
    role.path_hash_prefixes = std::move(hex);
  }
  return role;
}

Result<Delegations> ParseDelegations(const Ctx& ctx, const Json& value, std::string_view pointer) {
  if (!value.is_object()) return Want(ctx, pointer, value, "object");
  Delegations out;
  EC_ASSIGN_OR_RETURN(const Json* keys, Member(ctx, value, "keys", pointer));
  EC_ASSIGN_OR_RETURN(out.keys, ParseKeys(ctx, *keys, Child(pointer, "keys")));
  auto roles = value.find("roles");
  auto succinct = value.find("succinct_roles");
  if ((roles == value.end()) == (succinct == value.end())) {
    return ctx.Error(pointer, "want exactly one of roles and succinct_roles");
  }
  if (succinct != value.end()) {
    const std::string sp = Child(pointer, "succinct_roles");
    SuccinctRoles bins;
    EC_ASSIGN_OR_RETURN(bins.keys, ParseRoleKeys(ctx, *succinct, sp));
    EC_ASSIGN_OR_RETURN(std::int64_t bits, IntegerMember(ctx, *succinct, "bit_length", sp, 1));
    if (bits > 32) return ctx.Error(Child(sp, "bit_length"), StrCat(bits, " exceeds 32"));
    bins.bit_length = static_cast<int>(bits);
    EC_ASSIGN_OR_RETURN(bins.name_prefix, StringMember(ctx, *succinct, "name_prefix", sp));
    out.succinct_roles = std::move(bins);
    return out;
  }
  const std::string rp = Child(pointer, "roles");
  if (!roles->is_array()) return Want(ctx, rp, *roles, "array");
  std::set<std::string> names;
  for (std::size_t i = 0; i < roles->size(); ++i) {
    const std::string p = StrCat(rp, "/", i);
    if (!(*roles)[i].is_object()) return Want(ctx, p, (*roles)[i], "object");
    EC_ASSIGN_OR_RETURN(DelegatedRole role, ParseDelegatedRole(ctx, (*roles)[i], p));
    if (!names.insert(role.name).second) {
      return ctx.Error(Child(p, "name"), StrCat("duplicate role \"", role.name, "\""));
    }
    out.roles.push_back(std::move(role));
  }
  return out;
}

Result<Root> ParseRootValue(const Ctx& ctx, const Json& s, Common common) {
  Root root;
  static_cast<Common&>(root) = std::move(common);
  EC_ASSIGN_OR_RETURN(root.consistent_snapshot,
                      BoolMember(ctx, s, "consistent_snapshot", "/signed"));
  EC_ASSIGN_OR_RETURN(const Json* keys, Member(ctx, s, "keys", "/signed"));
  EC_ASSIGN_OR_RETURN(root.keys, ParseKeys(ctx, *keys, "/signed/keys"));
  EC_ASSIGN_OR_RETURN(const Json* roles, ObjectMember(ctx, s, "roles", "/signed"));
  for (const auto& [name, value] : roles->items()) {
    bool known = false;
    for (std::string_view top : kTopLevelRoles) known = known || name == top;
    if (!known) {
      return ctx.Error(Child("/signed/roles", name), "not a top-level role");
    }
    EC_ASSIGN_OR_RETURN(root.roles[name], ParseRoleKeys(ctx, value, Child("/signed/roles", name)));
  }
  for (std::string_view top : kTopLevelRoles) {
    if (!root.roles.contains(std::string(top))) {
      return ctx.Error(Child("/signed/roles", top), "missing");
    }
  }
  return root;
}

Result<Targets> ParseTargetsValue(const Ctx& ctx, const Json& s, Common common) {
  Targets targets;
  static_cast<Common&>(targets) = std::move(common);
  EC_ASSIGN_OR_RETURN(const Json* files, ObjectMember(ctx, s, "targets", "/signed"));
  for (const auto& [path, value] : files->items()) {
    const std::string p = Child("/signed/targets", path);
    if (!value.is_object()) return Want(ctx, p, value, "object");
    TargetFile file;
    EC_ASSIGN_OR_RETURN(file.length, IntegerMember(ctx, value, "length", p, 0));
    EC_ASSIGN_OR_RETURN(const Json* hashes, Member(ctx, value, "hashes", p));
    EC_ASSIGN_OR_RETURN(file.hashes, ParseHashes(ctx, *hashes, Child(p, "hashes")));
    if (auto custom = value.find("custom"); custom != value.end()) file.custom = *custom;
    targets.targets[path] = std::move(file);
  }
  if (auto it = s.find("delegations"); it != s.end()) {
    EC_ASSIGN_OR_RETURN(targets.delegations, ParseDelegations(ctx, *it, "/signed/delegations"));
  }
  return targets;
}

Result<Snapshot> ParseSnapshotValue(const Ctx& ctx, const Json& s, Common common) {
  Snapshot snapshot;
  static_cast<Common&>(snapshot) = std::move(common);
  EC_ASSIGN_OR_RETURN(const Json* meta, ObjectMember(ctx, s, "meta", "/signed"));
  for (const auto& [name, value] : meta->items()) {
    EC_ASSIGN_OR_RETURN(snapshot.meta[name],
                        ParseMetaFile(ctx, value, Child("/signed/meta", name)));
  }
  if (!snapshot.meta.contains("targets.json")) {
    return ctx.Error("/signed/meta/targets.json", "missing");
  }
  return snapshot;
}

Result<Timestamp> ParseTimestampValue(const Ctx& ctx, const Json& s, Common common) {
  Timestamp timestamp;
  static_cast<Common&>(timestamp) = std::move(common);
  EC_ASSIGN_OR_RETURN(const Json* meta, ObjectMember(ctx, s, "meta", "/signed"));
  for (const auto& [name, value] : meta->items()) {
    if (name != "snapshot.json") {
      return ctx.Error(Child("/signed/meta", name), "timestamp lists only snapshot.json");
    }
  }
  EC_ASSIGN_OR_RETURN(const Json* snapshot, Member(ctx, *meta, "snapshot.json", "/signed/meta"));
  EC_ASSIGN_OR_RETURN(timestamp.snapshot,
                      ParseMetaFile(ctx, *snapshot, "/signed/meta/snapshot.json"));
  return timestamp;
}

// The envelope: {"signatures": [{"keyid", "sig"}...], "signed": {...}}; other top-level
// members are allowed (they are not signed, as in every client).
template <typename T, typename ParseValue>
Result<Signed<T>> ParseEnvelope(std::string_view bytes, std::string_view what,
                                std::string_view type, ParseValue parse_value) {
  const Ctx ctx{what};
  EC_ASSIGN_OR_RETURN(Json doc, json::Parse(bytes, what));
  if (!doc.is_object()) return Want(ctx, "/", doc, "object");
  EC_ASSIGN_OR_RETURN(const Json* signed_value, ObjectMember(ctx, doc, "signed", ""));
  EC_ASSIGN_OR_RETURN(const Json* sigs, Member(ctx, doc, "signatures", ""));
  if (!sigs->is_array()) return Want(ctx, "/signatures", *sigs, "array");
  Signed<T> out;
  std::set<std::string> keyids;
  for (std::size_t i = 0; i < sigs->size(); ++i) {
    const std::string p = StrCat("/signatures/", i);
    const Json& sig = (*sigs)[i];
    if (!sig.is_object()) return Want(ctx, p, sig, "object");
    Signature signature;
    EC_ASSIGN_OR_RETURN(signature.keyid, StringMember(ctx, sig, "keyid", p));
    EC_ASSIGN_OR_RETURN(signature.sig, StringMember(ctx, sig, "sig", p));
    if (!keyids.insert(signature.keyid).second) {
      return ctx.Error(p, StrCat("second signature for keyid ", signature.keyid));
    }
    out.signatures.push_back(std::move(signature));
  }
  EC_ASSIGN_OR_RETURN(Common common, ParseCommon(ctx, *signed_value, type));
  EC_ASSIGN_OR_RETURN(out.role, parse_value(ctx, *signed_value, std::move(common)));
  EC_ASSIGN_OR_RETURN(out.canonical, CanonicalJson(*signed_value, what, "/signed"));
  return out;
}

}  // namespace

Result<Signed<Root>> ParseRoot(std::string_view bytes, std::string_view what) {
  return ParseEnvelope<Root>(bytes, what, "root", ParseRootValue);
}

Result<Signed<Targets>> ParseTargets(std::string_view bytes, std::string_view what) {
  return ParseEnvelope<Targets>(bytes, what, "targets", ParseTargetsValue);
}

Result<Signed<Snapshot>> ParseSnapshot(std::string_view bytes, std::string_view what) {
  return ParseEnvelope<Snapshot>(bytes, what, "snapshot", ParseSnapshotValue);
}

Result<Signed<Timestamp>> ParseTimestamp(std::string_view bytes, std::string_view what) {
  return ParseEnvelope<Timestamp>(bytes, what, "timestamp", ParseTimestampValue);
}

}  // namespace ec::tuf
