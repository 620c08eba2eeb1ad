#include "oci/digest.h"

#include <openssl/evp.h>

#include <array>
#include <cstdlib>

namespace ec::oci {
namespace {

std::size_t HexLength(DigestAlgorithm alg) { return alg == DigestAlgorithm::kSha256 ? 64 : 128; }

const EVP_MD* Md(DigestAlgorithm alg) {
  return alg == DigestAlgorithm::kSha256 ? EVP_sha256() : EVP_sha512();
}

}  // namespace

Result<Digest> Digest::Parse(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return InvalidArgument(StrCat("invalid digest \"", text, "\": want ALGORITHM:HEX"));
  }
  std::string_view alg_name = text.substr(0, colon);
  std::string_view hex = text.substr(colon + 1);
  DigestAlgorithm alg;
  if (alg_name == "sha256") {
    alg = DigestAlgorithm::kSha256;
  } else if (alg_name == "sha512") {
    alg = DigestAlgorithm::kSha512;
  } else {
    return InvalidArgument(StrCat("invalid digest \"", text, "\": unsupported algorithm \"",
                                  alg_name, "\"; want sha256 or sha512"));
  }
  if (hex.size() != HexLength(alg)) {
    return InvalidArgument(StrCat("invalid digest \"", text, "\": got ", hex.size(),
                                  " hex characters, want ", HexLength(alg)));
  }
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return InvalidArgument(
          StrCat("invalid digest \"", text, "\": want lower-case hex after \"", alg_name, ":\""));
    }
  }
  return Digest(alg, std::string(hex));
}

Digest Digest::OfBytes(std::string_view bytes, DigestAlgorithm alg) {
  Hasher h(alg);
  h.Update(bytes);
  return h.Finish();
}

std::string_view Digest::algorithm_name() const {
  return algorithm_ == DigestAlgorithm::kSha256 ? "sha256" : "sha512";
}

std::string Digest::str() const { return StrCat(algorithm_name(), ":", hex_); }

Hasher::Hasher(DigestAlgorithm alg) : alg_(alg), ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, Md(alg), nullptr) != 1) std::abort();
}

Hasher::~Hasher() { EVP_MD_CTX_free(ctx_); }

void Hasher::Update(std::span<const char> bytes) {
  if (!bytes.empty()) EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
}

Digest Hasher::Finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, md.data(), &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 0xf]);
  }
  return Digest(alg_, std::move(hex));
}

}  // namespace ec::oci
