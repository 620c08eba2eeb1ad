#include "oci/server/htpasswd.h"

#include <botan/bcrypt.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>

#include "oci/io.h"

namespace ec::oci::server {
namespace {

constexpr std::size_t kBcryptLength = 60;  // "$2y$" + "05" + "$" + 22 salt + 31 hash
constexpr int kMinCost = 4;
constexpr int kMaxCost = 18;     // Botan 2.19 refuses larger work factors
constexpr int kDefaultCost = 5;  // htpasswd -B's default
// Salt and hash of a real bcrypt line; with the cost swapped in, Botan runs the full check.
constexpr std::string_view kDummyTail = "KaI2u9jvozKN9785H3q8y.0yepCssI9GnL3G83oS9AfzvrKuwd/gS";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsBcryptBase64(char c) {
  return c == '.' || c == '/' || IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Names a non-bcrypt scheme for the error message.
std::string_view SchemeName(std::string_view hash) {
  if (hash.empty()) return "empty hash";
  if (hash.starts_with("$apr1$")) return "MD5 ($apr1$) hash";
  if (hash.starts_with("{SHA}")) return "SHA-1 ({SHA}) hash";
  if (hash.starts_with("$1$")) return "MD5-crypt ($1$) hash";
  if (hash.starts_with("$5$")) return "SHA-256-crypt ($5$) hash";
  if (hash.starts_with("$6$")) return "SHA-512-crypt ($6$) hash";
  if (hash.starts_with("$2")) return "bcrypt variant other than $2y$, $2a$ or $2b$";
  if (hash.starts_with("$")) return "unknown $-scheme hash";
  return "DES crypt or plain-text password";
}

bool IsSupportedPrefix(std::string_view hash) {
  return hash.starts_with("$2y$") || hash.starts_with("$2a$") || hash.starts_with("$2b$");
}

// Returns the cost of a well-formed bcrypt hash, or why it is malformed.
Result<int> BcryptCost(std::string_view hash) {
  if (hash.size() != kBcryptLength) {
    return InvalidArgument(
        StrCat("malformed bcrypt hash: want ", kBcryptLength, " characters, got ", hash.size()));
  }
  if (!IsDigit(hash[4]) || !IsDigit(hash[5]) || hash[6] != '$') {
    return InvalidArgument("malformed bcrypt hash: cost is not two digits followed by '$'");
  }
  int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < kMinCost || cost > kMaxCost) {
    return InvalidArgument(StrCat("bcrypt cost ", cost, " out of range; want ", kMinCost, " to ",
                                  kMaxCost, " (the most Botan 2 verifies)"));
  }
  for (std::size_t i = 7; i < hash.size(); ++i) {
    if (!IsBcryptBase64(hash[i])) {
      return InvalidArgument(StrCat("malformed bcrypt hash: character ", i + 1,
                                    " is not in bcrypt's base64 alphabet"));
    }
  }
  return cost;
}

std::string DummyHash(int cost) {
  return StrCat("$2y$", cost < 10 ? "0" : "", cost, "$", kDummyTail);
}

// Botan reports malformed hashes by throwing; Parse has ruled those out, but no exception may
// escape, and a throw must not read as a match.
bool CheckBcrypt(std::string_view password, const std::string& hash) {
  try {
    return Botan::check_bcrypt(std::string(password), hash);
  } catch (const std::exception&) {
    return false;
  }
}

std::array<unsigned char, 32> Sha256(std::string_view a, std::string_view b) {
  std::array<unsigned char, 32> out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned int len = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx, b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), &len) != 1) {
    std::abort();  // only on allocation failure; no sensible recovery
  }
  EVP_MD_CTX_free(ctx);
  return out;
}

}  // namespace

struct Htpasswd::Cache {
  std::string salt;  // random per instance
  std::mutex mutex;
  std::map<std::string, std::chrono::steady_clock::time_point> expiry;  // guarded by mutex
  std::atomic<std::uint64_t> bcrypt_checks{0};

  std::string Key(std::string_view user, std::string_view password) const {
    auto digest = Sha256(salt, password);
    return StrCat(user, std::string_view("\0", 1),
                  std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  }

  bool Hit(const std::string& key, std::chrono::steady_clock::time_point now) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = expiry.find(key);
    if (it == expiry.end()) return false;
    if (now < it->second) return true;
    expiry.erase(it);
    return false;
  }

  void Remember(std::string key, std::chrono::steady_clock::time_point now) {
    std::lock_guard<std::mutex> lock(mutex);
    if (expiry.size() >= kVerifyCacheMaxEntries) {
      std::erase_if(expiry, [&](const auto& entry) { return entry.second <= now; });
    }
    if (expiry.size() >= kVerifyCacheMaxEntries) {
      expiry.erase(std::min_element(expiry.begin(), expiry.end(), [](const auto& a, const auto& b) {
        return a.second < b.second;
      }));
    }
    expiry[std::move(key)] = now + kVerifyCacheTtl;
  }
};

Htpasswd::Htpasswd(std::map<std::string, std::string, std::less<>> hashes, std::string dummy_hash)
    : hashes_(std::move(hashes)),
      dummy_hash_(std::move(dummy_hash)),
      cache_(std::make_unique<Cache>()) {}
Htpasswd::Htpasswd(Htpasswd&&) noexcept = default;
Htpasswd& Htpasswd::operator=(Htpasswd&&) noexcept = default;
Htpasswd::~Htpasswd() = default;

Result<Htpasswd> Htpasswd::Load(const std::filesystem::path& path) {
  auto text = ReadSmallFile(path, kMaxHtpasswdBytes);
  if (!text.ok()) return text.status().WithPrefix("htpasswd");
  return Parse(*text, path.string());
}

Result<Htpasswd> Htpasswd::Parse(std::string_view text, std::string_view source_name) {
  std::map<std::string, std::string, std::less<>> hashes;
  std::map<std::string, int, std::less<>> defined_on;
  int max_cost = 0;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;

    auto error = [&](std::string_view why) {
      return InvalidArgument(StrCat("htpasswd ", source_name, " line ", line_number, ": ", why));
    };
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return error("missing ':' between user and hash");
    std::string_view user = line.substr(0, colon);
    std::string_view hash = line.substr(colon + 1);
    if (user.empty()) return error("empty user name");
    std::string who = StrCat("user \"", user, "\": ");
    if (auto it = defined_on.find(user); it != defined_on.end()) {
      return error(StrCat(who, "already defined on line ", it->second));
    }
    if (!IsSupportedPrefix(hash)) {
      return error(StrCat(who, SchemeName(hash), " not supported; want bcrypt (htpasswd -B)"));
    }
    auto cost = BcryptCost(hash);
    if (!cost.ok()) return error(who + cost.status().message());
    max_cost = std::max(max_cost, *cost);
    defined_on.emplace(user, line_number);
    hashes.emplace(user, hash);
  }

  Htpasswd result(std::move(hashes), DummyHash(max_cost > 0 ? max_cost : kDefaultCost));
  result.cache_->salt.resize(16);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(result.cache_->salt.data()), 16) != 1) {
    return Internal("htpasswd: no random bytes for the verification cache salt");
  }
  return result;
}

bool Htpasswd::Verify(std::string_view user, std::string_view password) const {
  return VerifyAt(user, password, std::chrono::steady_clock::now());
}

bool Htpasswd::VerifyAt(std::string_view user, std::string_view password,
                        std::chrono::steady_clock::time_point now) const {
  auto it = hashes_.find(user);
  bool usable = it != hashes_.end() && password.find('\0') == std::string_view::npos;
  std::string key;
  if (usable) {
    key = cache_->Key(user, password);
    if (cache_->Hit(key, now)) return true;
  }
  // Unknown users and unusable passwords pay the same bcrypt cost as a real mismatch.
  ++cache_->bcrypt_checks;
  bool match = CheckBcrypt(password, usable ? it->second : dummy_hash_);
  if (!usable || !match) return false;
  cache_->Remember(std::move(key), now);
  return true;
}

std::uint64_t Htpasswd::bcrypt_checks() const { return cache_->bcrypt_checks.load(); }

}  // namespace ec::oci::server
