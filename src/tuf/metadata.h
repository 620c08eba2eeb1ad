// The four TUF roles (spec 1.0.x) as structs, the signed envelope around them, strict parsing
// of untrusted metadata and serialisation of our own.
//
// Signatures are checked over the canonical JSON of the `signed` value exactly as received
// (unknown members included), never over a re-serialisation of the structs: that is what
// every client does, and it keeps fields we do not model covered by the signature.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/parse.h"
#include "sign/keys.h"
#include "status.h"
#include "tuf/key.h"

namespace ec::tuf {

// What we write; parsing accepts any "1.x" or "1.x.y".
inline constexpr std::string_view kSpecVersion = "1.0.31";

inline constexpr std::string_view kTopLevelRoles[] = {"root", "targets", "snapshot", "timestamp"};

// Who may sign a role: `threshold` distinct keys out of `keyids`.
struct RoleKeys {
  std::vector<std::string> keyids;
  std::int64_t threshold = 1;
};

// Members every role's `signed` object carries.
struct Common {
  std::string spec_version{kSpecVersion};
  std::int64_t version = 1;
  std::int64_t expires = 0;  // Unix seconds
};

struct Root : Common {
  bool consistent_snapshot = true;
  std::map<std::string, Key> keys;        // by keyid
  std::map<std::string, RoleKeys> roles;  // exactly the four top-level roles
};

using Hashes = std::map<std::string, std::string>;  // algorithm ("sha256") -> lower-case hex

struct TargetFile {
  std::int64_t length = 0;
  Hashes hashes;      // at least one
  json::Json custom;  // null when absent; opaque to TUF, handed to the application
};

struct DelegatedRole {
  std::string name;
  RoleKeys keys;
  bool terminating = false;
  // Exactly one of the two is set.
  std::optional<std::vector<std::string>> paths;               // shell globs per '/' segment
  std::optional<std::vector<std::string>> path_hash_prefixes;  // of hex(sha256(target path))
};

// TAP 15 hash bins: 2^bit_length terminating roles "<name_prefix>-<hex>" sharing one key set.
struct SuccinctRoles {
  RoleKeys keys;
  int bit_length = 1;  // 1..32
  std::string name_prefix;
};

struct Delegations {
  std::map<std::string, Key> keys;  // by keyid
  // Exactly one of the two forms: an ordered list (earlier wins) or hash bins.
  std::vector<DelegatedRole> roles;
  std::optional<SuccinctRoles> succinct_roles;
};

struct Targets : Common {
  std::map<std::string, TargetFile> targets;  // by target path
  std::optional<Delegations> delegations;
};

// A metadata file as listed in snapshot (targets roles) and timestamp (snapshot.json).
struct MetaFile {
  std::int64_t version = 1;
  std::optional<std::int64_t> length;
  Hashes hashes;  // empty when not listed
};

struct Snapshot : Common {
  std::map<std::string, MetaFile> meta;  // "targets.json", "<role>.json"
};

struct Timestamp : Common {
  MetaFile snapshot;  // meta["snapshot.json"], the only entry
};

struct Signature {
  std::string keyid;
  std::string sig;  // hex, as written
};

// A parsed metadata file: the role, the bytes its signatures cover, and the signatures (at
// most one per keyid).
template <typename T>
struct Signed {
  T role;
  std::string canonical;  // OLPC canonical JSON of the `signed` value as received
  std::vector<Signature> signatures;
};

// The `signed` value of each role, members as the spec names them.
Result<json::Json> ToJson(const Root& root);
Result<json::Json> ToJson(const Targets& targets);
Result<json::Json> ToJson(const Snapshot& snapshot);
Result<json::Json> ToJson(const Timestamp& timestamp);

// Parse a whole metadata file: envelope, `_type`, spec_version "1.x", version >= 1, expires
// (RFC 3339), keys (with their keyids recomputed), role thresholds >= 1 and <= the number of
// keyids, hashes (lower-case hex), lengths >= 0, delegations. Signatures are not checked
// here. `what` names the file in errors ("timestamp.json").
Result<Signed<Root>> ParseRoot(std::string_view bytes, std::string_view what);
Result<Signed<Targets>> ParseTargets(std::string_view bytes, std::string_view what);
Result<Signed<Snapshot>> ParseSnapshot(std::string_view bytes, std::string_view what);
Result<Signed<Timestamp>> ParseTimestamp(std::string_view bytes, std::string_view what);

// The file bytes of {"signatures": [...], "signed": signed_value}, signed by every key in
// `keys` over the canonical JSON of `signed_value`. Signatures sorted by keyid, one per keyid,
// so the same value and keys give the same bytes.
Result<std::string> SignMetadata(const json::Json& signed_value,
                                 const std::vector<const sign::PrivateKey*>& keys,
                                 std::string_view what);

// OK when at least role.threshold of role.keyids, each counted once (and each underlying
// public key once), have a valid signature over `canonical`. Otherwise DataLoss:
// "<what>: signatures by 1 of 2 required keys".
Status VerifySignatures(std::string_view canonical, const std::vector<Signature>& signatures,
                        const std::map<std::string, Key>& keys, const RoleKeys& role,
                        std::string_view what);

template <typename T>
Status VerifySignatures(const Signed<T>& metadata, const std::map<std::string, Key>& keys,
                        const RoleKeys& role, std::string_view what) {
  return VerifySignatures(metadata.canonical, metadata.signatures, keys, role, what);
}

}  // namespace ec::tuf
