// Digest: a validated "algorithm:hex" content address (sha256 or sha512), and Hasher, the
// streaming OpenSSL hash that computes one.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "status.h"

struct evp_md_ctx_st;

namespace ec::oci {

enum class DigestAlgorithm { kSha256, kSha512 };

class Digest {
 public:
  // Accepts "sha256:<64 lower-case hex>" and "sha512:<128 lower-case hex>" only.
  static Result<Digest> Parse(std::string_view text);
  static Digest OfBytes(std::string_view bytes, DigestAlgorithm alg = DigestAlgorithm::kSha256);

  DigestAlgorithm algorithm() const { return algorithm_; }
  std::string_view algorithm_name() const;
  const std::string& hex() const { return hex_; }
  std::string str() const;

  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest& a, const Digest& b) { return a.str() <=> b.str(); }

 private:
  friend class Hasher;
  Digest(DigestAlgorithm alg, std::string hex) : algorithm_(alg), hex_(std::move(hex)) {}
  DigestAlgorithm algorithm_ = DigestAlgorithm::kSha256;
  std::string hex_;
};

// Streaming hash. Not thread-safe; one per stream.
class Hasher {
 public:
  explicit Hasher(DigestAlgorithm alg = DigestAlgorithm::kSha256);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void Update(std::span<const char> bytes);
  void Update(std::string_view bytes) { Update(std::span<const char>(bytes.data(), bytes.size())); }
  // Finishes the hash; the Hasher must not be updated afterwards.
  Digest Finish();

 private:
  DigestAlgorithm alg_;
  evp_md_ctx_st* ctx_;
};

}  // namespace ec::oci
