#include <catch2/catch.hpp>

#include "oci/digest.h"

namespace ec::oci {

TEST_CASE("Digest of known inputs matches the SHA-256 and SHA-512 test vectors", "[oci][digest]") {
  CHECK(Digest::OfBytes("").str() ==
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Digest::OfBytes("abc").str() ==
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Digest::OfBytes("abc", DigestAlgorithm::kSha512).str() ==
        "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST_CASE("Hasher streaming in pieces equals hashing at once", "[oci][digest]") {
  std::string text(100000, 'x');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  Hasher h;
  for (std::size_t i = 0; i < text.size(); i += 777) {
    h.Update(std::string_view(text).substr(i, 777));
  }
  CHECK(h.Finish() == Digest::OfBytes(text));
}

TEST_CASE("Digest::Parse round-trips valid digests", "[oci][digest]") {
  std::string s = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  auto d = Digest::Parse(s);
  REQUIRE(d.ok());
  CHECK(d->str() == s);
  CHECK(d->algorithm() == DigestAlgorithm::kSha256);
  CHECK(d->hex().size() == 64);
}

TEST_CASE("Digest::Parse rejects malformed digests with a reason", "[oci][digest]") {
  auto msg = [](std::string_view s) { return Digest::Parse(s).status().message(); };
  CHECK(msg("e3b0") == "invalid digest \"e3b0\": want ALGORITHM:HEX");
  CHECK(msg("md5:abc") == "invalid digest \"md5:abc\": unsupported algorithm \"md5\"; want sha256 or sha512");
  CHECK(msg("sha256:abc") == "invalid digest \"sha256:abc\": got 3 hex characters, want 64");
  CHECK(msg("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855") ==
        "invalid digest \"sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\": "
        "want lower-case hex after \"sha256:\"");
  CHECK(msg("sha512:abcd") == "invalid digest \"sha512:abcd\": got 4 hex characters, want 128");
}

}  // namespace ec::oci
