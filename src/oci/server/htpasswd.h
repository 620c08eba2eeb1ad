// Htpasswd: the users of `serve`'s Basic authentication, read from an Apache htpasswd file
// whose entries are bcrypt hashes, as `htpasswd -B` writes them.
//
// Thread safety: Verify may be called concurrently (the verification cache is locked inside).
// The object is immutable otherwise; to pick up an edited file, Load a new one (which starts
// with an empty cache, so a removed user or changed password takes effect at once).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "status.h"

namespace ec::oci::server {

// Largest htpasswd file Load reads (about 50,000 bcrypt entries).
inline constexpr std::size_t kMaxHtpasswdBytes = 4u << 20;
// How long a successful verification is remembered, and how many are.
inline constexpr std::chrono::seconds kVerifyCacheTtl{300};
inline constexpr std::size_t kVerifyCacheMaxEntries = 1024;

class Htpasswd {
 public:
  // Reads and parses `path` (see Parse); a missing file is NotFound naming it.
  static Result<Htpasswd> Load(const std::filesystem::path& path);

  // Parses htpasswd text: one "user:hash" per line, split at the first ':'. Blank lines and
  // lines starting with '#' are skipped; a trailing '\r' is dropped. The hash must be bcrypt:
  // "$2y$", "$2a$" or "$2b$", a two-digit cost from 04 to 18 (the most Botan 2 verifies), '$',
  // then 53 characters of bcrypt's base64 alphabet [./A-Za-z0-9]. Other schemes (MD5 "$apr1$",
  // "{SHA}", SHA-crypt "$5$"/"$6$", DES crypt or plain text) are refused, as are empty user
  // names and users defined twice. Errors are InvalidArgument naming the source, line and user:
  // `htpasswd users.htpasswd line 3: user "bob": MD5 ($apr1$) hash not supported; want bcrypt
  // (htpasswd -B)`. Hashes are never quoted in errors.
  static Result<Htpasswd> Parse(std::string_view text, std::string_view source_name);

  Htpasswd(Htpasswd&&) noexcept;
  Htpasswd& operator=(Htpasswd&&) noexcept;
  ~Htpasswd();

  // True when `user` exists and `password` matches its hash. An unknown user costs one bcrypt
  // check against a dummy hash of the file's highest cost, so response time does not tell
  // which users exist (with mixed costs in one file it can still tell a cheaper user apart).
  // As in Apache, only the first 72 bytes of a password count (bcrypt's limit; htpasswd -B
  // accepts longer ones and truncates). A password holding a NUL byte never matches: Apache
  // would read it as a C string cut at the NUL.
  bool Verify(std::string_view user, std::string_view password) const;
  // Verify with an explicit clock reading, for tests of the cache expiry.
  bool VerifyAt(std::string_view user, std::string_view password,
                std::chrono::steady_clock::time_point now) const;

  std::size_t size() const { return hashes_.size(); }
  bool Contains(std::string_view user) const { return hashes_.find(user) != hashes_.end(); }
  // How many bcrypt checks Verify has run (cache misses and unknown users): for tests and
  // metrics.
  std::uint64_t bcrypt_checks() const;

 private:
  struct Cache;
  Htpasswd(std::map<std::string, std::string, std::less<>> hashes, std::string dummy_hash);

  std::map<std::string, std::string, std::less<>> hashes_;  // user -> bcrypt hash
  std::string dummy_hash_;  // checked for unknown users only to spend the time; result ignored
  // Remembers recent successes: a registry client sends Basic credentials on every request and
  // a bcrypt check costs 1 ms at cost 5 but 50 ms at cost 10 and 200 ms at 12, which would
  // make each blob HEAD that slow and let a few clients saturate the CPU. Keys are the user
  // and SHA-256 of a per-instance random salt + the password, never the password itself; the
  // salt keeps a memory dump from being checked against precomputed SHA-256 tables. Entries
  // expire after kVerifyCacheTtl so that the fast path (one SHA-256 instead of bcrypt) exists
  // only for credentials in active use, and the size bound (the soonest-expiring entry is
  // evicted) caps memory when many users log in. Failures are never cached: each costs a full
  // bcrypt check, which is what slows down password guessing.
  std::unique_ptr<Cache> cache_;
};

}  // namespace ec::oci::server
