#include "oci/server/htpasswd.h"

#include <algorithm>
#include <chrono>

#include "support/test_support.h"

namespace ec::oci::server {
namespace {

// Made with apache2-utils 2.4.71 (Debian 12):
//   htpasswd -Bbn alice 'correct horse'
//   htpasswd -Bbn -C 4 bob 'pa:ss wörd'
//   htpasswd -Bbn -C 4 carol "$(printf 'x%.0s' $(seq 1 80))"   # 80 x's
constexpr std::string_view kAlice =
    "alice:$2y$05$WaSvbJGs2vYQl8W2tIqnQu6uNUdpg8ddhr0x4728d6REldUjF8HVe";
constexpr std::string_view kBob =
    "bob:$2y$04$a6anc1HXlXYUK489CL8oROVhiuwBsm3Fbdy.BatBrthdpc2pllpK2";
constexpr std::string_view kCarol =
    "carol:$2y$04$a.JE9/AZmTUm4eDJi4uPjelhkpAKQqHrL.108kw/vY7b18J/GVSLW";
constexpr std::string_view kAliceHash =
    "$2y$05$WaSvbJGs2vYQl8W2tIqnQu6uNUdpg8ddhr0x4728d6REldUjF8HVe";

Htpasswd MustParse(std::string_view text) {
  auto h = Htpasswd::Parse(text, "users");
  INFO(h.status().message());
  REQUIRE(h.ok());
  return std::move(h).value();
}

std::string ParseError(std::string_view text) {
  auto h = Htpasswd::Parse(text, "users");
  REQUIRE_FALSE(h.ok());
  CHECK(h.status().code() == Code::kInvalidArgument);
  return h.status().message();
}

std::string Line(std::string_view user, std::string_view hash) {
  return StrCat(user, ":", hash, "\n");
}

}  // namespace

TEST_CASE("A real htpasswd -B line verifies its password and nothing else", "[oci][server]") {
  Htpasswd h = MustParse(StrCat(kAlice, "\n"));
  CHECK(h.size() == 1);
  CHECK(h.Contains("alice"));
  CHECK(h.Verify("alice", "correct horse"));
  CHECK_FALSE(h.Verify("alice", "correct horse "));
  CHECK_FALSE(h.Verify("alice", "Correct horse"));
  CHECK_FALSE(h.Verify("alice", ""));
  CHECK_FALSE(h.Verify("Alice", "correct horse"));  // user names are case-sensitive
  CHECK_FALSE(h.Verify("mallory", "correct horse"));
  CHECK_FALSE(h.Verify("", "correct horse"));
}

TEST_CASE("Passwords with ':' and UTF-8 verify; $2a$ and $2b$ prefixes are accepted",
          "[oci][server]") {
  Htpasswd h = MustParse(StrCat(kBob, "\n", kAlice, "\n"));
  CHECK(h.Verify("bob", "pa:ss wörd"));
  CHECK_FALSE(h.Verify("bob", "pa:ss word"));

  // For ASCII passwords the three prefixes name the same computation.
  for (std::string_view prefix : {"$2a$", "$2b$"}) {
    std::string hash = StrCat(prefix, kAliceHash.substr(4));
    Htpasswd variant = MustParse(Line("alice", hash));
    CHECK(variant.Verify("alice", "correct horse"));
    CHECK_FALSE(variant.Verify("alice", "wrong"));
  }
}

TEST_CASE("Only the first 72 bytes of a password count, as in Apache", "[oci][server]") {
  Htpasswd h = MustParse(StrCat(kCarol, "\n"));
  CHECK(h.Verify("carol", std::string(80, 'x')));
  CHECK(h.Verify("carol", std::string(72, 'x') + "something else"));
  CHECK_FALSE(h.Verify("carol", std::string(71, 'x')));
}

TEST_CASE("A password holding a NUL byte never matches", "[oci][server]") {
  Htpasswd h = MustParse(StrCat(kAlice, "\n"));
  CHECK_FALSE(h.Verify("alice", std::string("correct horse\0", 14)));
  CHECK_FALSE(h.Verify("alice", std::string("correct horse\0x", 15)));
}

TEST_CASE("Comments, blank lines, CRLF endings and a missing final newline are accepted",
          "[oci][server]") {
  Htpasswd h = MustParse(StrCat("# team registry users\r\n\r\n", kAlice, "\r\n\n", kBob));
  CHECK(h.size() == 2);
  CHECK(h.Verify("alice", "correct horse"));
  CHECK(h.Verify("bob", "pa:ss wörd"));
  CHECK(MustParse("").size() == 0);
  CHECK(MustParse("# nobody\n").size() == 0);
}

TEST_CASE("Hash schemes other than bcrypt are refused naming the line and the user",
          "[oci][server]") {
  // Lines from htpasswd -m, -s, -d, -p, -5 and -2 (apache2-utils 2.4.71).
  CHECK(ParseError(StrCat(kAlice, "\ndave:$apr1$YhRXjRTU$iwYICXifVEiyVW5cFsjq61\n")) ==
        "htpasswd users line 2: user \"dave\": MD5 ($apr1$) hash not supported; want bcrypt "
        "(htpasswd -B)");
  CHECK(ParseError("erin:{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=\n") ==
        "htpasswd users line 1: user \"erin\": SHA-1 ({SHA}) hash not supported; want bcrypt "
        "(htpasswd -B)");
  CHECK(ParseError("frank:mMHnfE0fI1PaU\n") ==
        "htpasswd users line 1: user \"frank\": DES crypt or plain-text password not supported; "
        "want bcrypt (htpasswd -B)");
  CHECK(ParseError("gina:pw\n") ==
        "htpasswd users line 1: user \"gina\": DES crypt or plain-text password not supported; "
        "want bcrypt (htpasswd -B)");
  CHECK(ParseError("hank:$6$yDSBtu5M223rQf4r$gLiYiYoWRFul.g43okR29RetCToNDwmujsZL6BaINCThlWT5yx"
                   "MrBOoPDUQJ7cxJ5Sid8c82yCCe8ocx13nA21\n") ==
        "htpasswd users line 1: user \"hank\": SHA-512-crypt ($6$) hash not supported; want "
        "bcrypt (htpasswd -B)");
  CHECK(ParseError("ivan:$5$As6sujs/tXdrXHR2$JoMeBF8nigWN3LIhUmzGzupOperRIibEZfMbOv1uun2\n") ==
        "htpasswd users line 1: user \"ivan\": SHA-256-crypt ($5$) hash not supported; want "
        "bcrypt (htpasswd -B)");
  CHECK(ParseError(Line("jo", StrCat("$2x$", kAliceHash.substr(4)))) ==
        "htpasswd users line 1: user \"jo\": bcrypt variant other than $2y$, $2a$ or $2b$ not "
        "supported; want bcrypt (htpasswd -B)");
  CHECK(ParseError("kim:\n") ==
        "htpasswd users line 1: user \"kim\": empty hash not supported; want bcrypt (htpasswd -B)");
}

TEST_CASE("Malformed lines and bcrypt hashes are refused with the reason", "[oci][server]") {
  CHECK(ParseError("# header\nalice\n") ==
        "htpasswd users line 2: missing ':' between user and hash");
  CHECK(ParseError(Line("", kAliceHash)) == "htpasswd users line 1: empty user name");
  CHECK(ParseError(StrCat(kAlice, "\n# again\n", kAlice, "\n")) ==
        "htpasswd users line 3: user \"alice\": already defined on line 1");
  CHECK(ParseError(Line("alice", kAliceHash.substr(0, 59))) ==
        "htpasswd users line 1: user \"alice\": malformed bcrypt hash: want 60 characters, got 59");
  CHECK(ParseError(Line("alice", StrCat(kAliceHash, " "))) ==
        "htpasswd users line 1: user \"alice\": malformed bcrypt hash: want 60 characters, got 61");

  std::string hash(kAliceHash);
  hash.replace(4, 2, "1x");
  CHECK(ParseError(Line("alice", hash)) ==
        "htpasswd users line 1: user \"alice\": malformed bcrypt hash: cost is not two digits "
        "followed by '$'");
  hash = kAliceHash;
  hash.replace(4, 2, "03");
  CHECK(ParseError(Line("alice", hash)) ==
        "htpasswd users line 1: user \"alice\": bcrypt cost 3 out of range; want 4 to 18 (the "
        "most Botan 2 verifies)");
  hash.replace(4, 2, "19");
  CHECK(ParseError(Line("alice", hash)) ==
        "htpasswd users line 1: user \"alice\": bcrypt cost 19 out of range; want 4 to 18 (the "
        "most Botan 2 verifies)");
  hash = kAliceHash;
  hash[30] = '+';
  CHECK(ParseError(Line("alice", hash)) ==
        "htpasswd users line 1: user \"alice\": malformed bcrypt hash: character 31 is not in "
        "bcrypt's base64 alphabet");
}

TEST_CASE("Successful verifications are cached for five minutes; failures never", "[oci][server]") {
  Htpasswd h = MustParse(StrCat(kAlice, "\n"));
  auto t0 = std::chrono::steady_clock::now();
  CHECK(h.VerifyAt("alice", "correct horse", t0));
  CHECK(h.bcrypt_checks() == 1);
  CHECK(h.VerifyAt("alice", "correct horse", t0 + std::chrono::seconds(299)));
  CHECK(h.bcrypt_checks() == 1);  // served from the cache

  // A different password for the same user is not a hit, whatever the cache holds.
  CHECK_FALSE(h.VerifyAt("alice", "correct horsf", t0));
  CHECK(h.bcrypt_checks() == 2);
  CHECK_FALSE(h.VerifyAt("alice", "correct horsf", t0));
  CHECK(h.bcrypt_checks() == 3);

  // Expired entries are checked again (and cached again).
  CHECK(h.VerifyAt("alice", "correct horse", t0 + kVerifyCacheTtl));
  CHECK(h.bcrypt_checks() == 4);
  CHECK(h.VerifyAt("alice", "correct horse", t0 + kVerifyCacheTtl + std::chrono::seconds(1)));
  CHECK(h.bcrypt_checks() == 4);
}

TEST_CASE("The cache holds at most kVerifyCacheMaxEntries, dropping the soonest to expire",
          "[oci][server]") {
  // Many users sharing one hash: distinct cache keys, no hash generation needed.
  std::string text;
  for (std::size_t i = 0; i <= kVerifyCacheMaxEntries; ++i) {
    text += Line(StrCat("u", i), kBob.substr(4));
  }
  Htpasswd h = MustParse(text);
  auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i <= kVerifyCacheMaxEntries; ++i) {
    REQUIRE(h.VerifyAt(StrCat("u", i), "pa:ss wörd", t0 + std::chrono::milliseconds(i)));
  }
  const std::uint64_t checks = h.bcrypt_checks();
  CHECK(checks == kVerifyCacheMaxEntries + 1);
  auto later = t0 + std::chrono::seconds(10);
  CHECK(h.VerifyAt("u1", "pa:ss wörd", later));  // still cached
  CHECK(h.bcrypt_checks() == checks);
  CHECK(h.VerifyAt("u0", "pa:ss wörd", later));  // evicted: checked again
  CHECK(h.bcrypt_checks() == checks + 1);
}

TEST_CASE("Unknown users cost a bcrypt check as long as a real one", "[oci][server]") {
  // Cost 08 hash of an unknown password (bob's salt and hash with the cost raised): a mismatch
  // for any password, but the full bcrypt work.
  std::string hash(kBob.substr(4));
  hash.replace(4, 2, "08");
  Htpasswd h = MustParse(Line("known", hash));

  auto time_of = [&](std::string_view user) {
    auto best = std::chrono::steady_clock::duration::max();
    for (int i = 0; i < 3; ++i) {
      auto start = std::chrono::steady_clock::now();
      CHECK_FALSE(h.Verify(user, "guess"));
      best = std::min(best, std::chrono::steady_clock::now() - start);
    }
    return best;
  };
  auto known = time_of("known");
  std::uint64_t before = h.bcrypt_checks();
  auto unknown = time_of("nobody");
  CHECK(h.bcrypt_checks() == before + 3);
  // The dummy hash has the file's highest cost, so the times agree up to noise; a missing
  // dummy check would make the unknown user some thousand times faster.
  CHECK(unknown * 4 > known);
  CHECK(known * 4 > unknown);
}

TEST_CASE("Load reads a file and names a missing one", "[oci][server]") {
  testing::TempDir dir;
  testing::WriteFile(dir / "users", StrCat(kAlice, "\n", kBob, "\n"));
  auto h = Htpasswd::Load(dir / "users");
  REQUIRE_OK(h);
  CHECK(h->Verify("bob", "pa:ss wörd"));

  testing::WriteFile(dir / "md5", "dave:$apr1$YhRXjRTU$iwYICXifVEiyVW5cFsjq61\n");
  auto bad = Htpasswd::Load(dir / "md5");
  REQUIRE_FALSE(bad.ok());
  CHECK(
      bad.status().message() ==
      StrCat("htpasswd ", (dir / "md5").string(),
             " line 1: user \"dave\": MD5 ($apr1$) hash not supported; want bcrypt (htpasswd -B)"));

  auto missing = Htpasswd::Load(dir / "absent");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Code::kNotFound);
  CHECK(missing.status().message() ==
        StrCat("htpasswd: open ", (dir / "absent").string(), ": no such file"));
}

}  // namespace ec::oci::server
