// TUF public keys as they appear in root and delegation metadata, their keyids, and signature
// verification with them. Export Center writes ed25519 keys (keyval.public = 64 hex chars) and
// ECDSA P-256 keys ("ecdsa" / "ecdsa-sha2-nistp256", PEM SubjectPublicKeyInfo); both are
// accepted when verifying, as is a PEM ed25519 key (tuf-js reads that too). Other key types
// (rsa) parse but never verify, so a threshold can still be met by the keys we know.
#pragma once

#include <string>
#include <string_view>

#include "json/parse.h"
#include "sign/keys.h"
#include "status.h"

namespace ec::tuf {

struct Key {
  std::string keytype;       // "ed25519", "ecdsa", "ecdsa-sha2-nistp256", ...
  std::string scheme;        // "ed25519", "ecdsa-sha2-nistp256", ...
  std::string public_value;  // keyval.public

  friend bool operator==(const Key&, const Key&) = default;
};

// The TUF form of a signing key's public half.
Result<Key> KeyFromPublic(const sign::PublicKey& key);

// {"keytype", "keyval": {"public"}, "scheme"}: no other members, so the keyid below is the
// one securesystemslib and tough recompute.
json::Json KeyToJson(const Key& key);

// hex(sha256(canonical JSON of KeyToJson(key))).
std::string KeyId(const Key& key);

// OK when `signature` (raw bytes) over `message` verifies with `key`; DataLoss otherwise,
// NotSupported for a key type or scheme we cannot verify.
Status VerifyWithKey(const Key& key, std::string_view message, std::string_view signature);

}  // namespace ec::tuf
