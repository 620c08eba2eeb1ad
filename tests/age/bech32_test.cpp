// Bech32 and the age key encodings and key files.
#include "age/bech32.h"

#include <catch2/catch.hpp>

#include "age/keys.h"
#include "support/test_support.h"

namespace ec::age {
namespace {

using ::ec::testing::TempDir;
using ::ec::testing::WriteFile;

std::vector<std::uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

X25519Key Filled(std::uint8_t b) {
  X25519Key k;
  k.fill(b);
  return k;
}

TEST_CASE("bech32: BIP 173 valid strings decode and re-encode", "[age][bech32]") {
  for (std::string_view s : {
           "A12UEL5L",
           "a12uel5l",
           "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio"
           "1tt5tgs",
           "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
           "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
       }) {
    INFO(s);
    auto d = Bech32Decode(s);
    REQUIRE_OK(d);
    std::string lower(s);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CHECK(Bech32Encode(d->hrp, d->data) == lower);
  }
}

TEST_CASE("bech32: BIP 173 invalid strings are refused", "[age][bech32]") {
  CHECK_FALSE(Bech32Decode("pzry9x0s0muk").ok());  // no separator
  CHECK_FALSE(Bech32Decode("1pzry9x0s0muk").ok());  // empty HRP
  CHECK_FALSE(Bech32Decode("x1b4n0q5v").ok());      // 'b' is not in the alphabet
  CHECK_FALSE(Bech32Decode("li1dgmt3").ok());       // checksum too short
  CHECK_FALSE(Bech32Decode("A1G7SGD8").ok());       // bad checksum
  auto mixed = Bech32Decode("A12uEL5L");
  REQUIRE_FALSE(mixed.ok());
  CHECK(mixed.status().message() == "mixed case");
}

TEST_CASE("bech32: no 90-character limit", "[age][bech32]") {
  const std::vector<std::uint8_t> data(200, 0xa5);
  const std::string s = Bech32Encode("long", data);
  CHECK(s.size() > 90);
  auto d = Bech32Decode(s);
  REQUIRE_OK(d);
  CHECK(d->data == data);
}

TEST_CASE("age keys: format and parse round trip, with the case rules", "[age][bech32]") {
  const X25519Key key = Filled(0x42);
  const std::string recipient = FormatRecipient(key);
  const std::string identity = FormatIdentity(key);
  CHECK(recipient.rfind("age1", 0) == 0);
  CHECK(identity.rfind("AGE-SECRET-KEY-1", 0) == 0);
  CHECK(recipient.size() == 62);
  CHECK(identity.size() == 74);
  auto r = ParseRecipient(recipient);
  REQUIRE_OK(r);
  CHECK(*r == key);
  auto i = ParseIdentity(identity);
  REQUIRE_OK(i);
  CHECK(*i == key);

  std::string upper = recipient;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto bad_upper = ParseRecipient(upper);
  REQUIRE_FALSE(bad_upper.ok());
  CHECK_THAT(bad_upper.status().message(), Catch::Contains("must be lower case"));

  std::string lower = identity;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto bad_lower = ParseIdentity(lower);
  REQUIRE_FALSE(bad_lower.ok());
  CHECK_THAT(bad_lower.status().message(), Catch::Contains("must be upper case"));

  std::string mixed = recipient;
  const std::size_t letter = mixed.find_first_of("abcdefghijklmnopqrstuvwxyz", 4);
  mixed[letter] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[letter])));
  auto bad_mixed = ParseRecipient(mixed);
  REQUIRE_FALSE(bad_mixed.ok());
  CHECK_THAT(bad_mixed.status().message(), Catch::Contains("mixed case"));
}

TEST_CASE("age keys: clear errors for checksum, prefix and length", "[age][bech32]") {
  std::string recipient = FormatRecipient(Filled(7));
  recipient[20] = recipient[20] == 'q' ? 'p' : 'q';
  auto checksum = ParseRecipient(recipient);
  REQUIRE_FALSE(checksum.ok());
  CHECK(checksum.status().message() == "recipient \"" + recipient + "\": bad checksum");
  CHECK(checksum.status().code() == Code::kInvalidArgument);

  const std::string wrong_hrp = Bech32Encode("bc", Filled(1));
  auto hrp = ParseRecipient(wrong_hrp);
  REQUIRE_FALSE(hrp.ok());
  CHECK_THAT(hrp.status().message(), Catch::Contains("got prefix \"bc1\", want \"age1\""));

  const std::string short_key = Bech32Encode("age", Bytes(std::string(31, 'x')));
  auto len = ParseRecipient(short_key);
  REQUIRE_FALSE(len.ok());
  CHECK_THAT(len.status().message(), Catch::Contains("got 31 key bytes, want 32"));

  std::string identity = FormatIdentity(Filled(9));
  identity[30] = identity[30] == 'Q' ? 'P' : 'Q';
  auto bad_id = ParseIdentity(identity);
  REQUIRE_FALSE(bad_id.ok());
  CHECK(bad_id.status().message() == "identity: bad checksum");  // never echoes the secret

  // A secret key in the recipient slot is refused without echoing it.
  const std::string secret = FormatIdentity(Filled(3));
  auto swapped = ParseRecipient(secret);
  REQUIRE_FALSE(swapped.ok());
  CHECK(swapped.status().message().find(secret) == std::string::npos);
}

TEST_CASE("age keys: generate, recipient of, identity file text", "[age][keys]") {
  auto gen = GenerateIdentity();
  REQUIRE_OK(gen);
  auto rec = RecipientOf(gen->identity);
  REQUIRE_OK(rec);
  CHECK(*rec == gen->recipient);
  auto other = GenerateIdentity();
  REQUIRE_OK(other);
  CHECK(other->identity != gen->identity);

  TempDir dir;
  WriteFile(dir / "key.txt", IdentityFileText(*gen, "2024-01-02T03:04:05Z"));
  auto ids = ReadIdentityFile(dir / "key.txt");
  REQUIRE_OK(ids);
  REQUIRE(ids->size() == 1);
  CHECK((*ids)[0].Recipient() == gen->recipient);
}

TEST_CASE("age keys: recipients file with comments, blank lines and CRLF", "[age][keys]") {
  TempDir dir;
  const std::string a = FormatRecipient(Filled(1));
  const std::string b = FormatRecipient(Filled(2));
  WriteFile(dir / "r.txt", "# team keys\n\n" + a + "\r\n  # indented comment\n" + b + "\n");
  auto rs = ReadRecipientsFile(dir / "r.txt");
  REQUIRE_OK(rs);
  CHECK(*rs == std::vector<std::string>{a, b});

  WriteFile(dir / "bad.txt", a + "\n# ok\nage1notvalid\n");
  auto bad = ReadRecipientsFile(dir / "bad.txt");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("bad.txt line 3: recipient \"age1notvalid\""));

  WriteFile(dir / "ssh.txt", "ssh-ed25519 AAAA… user@host\n");
  auto ssh = ReadRecipientsFile(dir / "ssh.txt");
  REQUIRE_FALSE(ssh.ok());
  CHECK_THAT(ssh.status().message(), Catch::Contains("line 1: SSH recipients are not supported"));

  WriteFile(dir / "empty.txt", "# nothing\n\n");
  auto empty = ReadRecipientsFile(dir / "empty.txt");
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.status().message(), Catch::Contains("no recipients"));

  auto missing = ReadRecipientsFile(dir / "absent.txt");
  CHECK_FALSE(missing.ok());
}

TEST_CASE("age keys: identity file with several keys and errors by line", "[age][keys]") {
  TempDir dir;
  const std::string a = FormatIdentity(Filled(4));
  const std::string b = FormatIdentity(Filled(5));
  WriteFile(dir / "ids.txt", "# created: x\n# public key: y\n" + a + "\n\n# second\n" + b + "\n");
  auto ids = ReadIdentityFile(dir / "ids.txt");
  REQUIRE_OK(ids);
  REQUIRE(ids->size() == 2);
  CHECK((*ids)[0].secret == Filled(4));
  CHECK((*ids)[1].Recipient() == *RecipientOf(b));

  WriteFile(dir / "bad.txt", "# c\n" + a + "\nAGE-SECRET-KEY-1QQQQ\n");
  auto bad = ReadIdentityFile(dir / "bad.txt");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("bad.txt line 3: identity: "));

  WriteFile(dir / "enc.txt", "age-encryption.org/v1\n-> scrypt abc 18\n");
  auto enc = ReadIdentityFile(dir / "enc.txt");
  REQUIRE_FALSE(enc.ok());
  CHECK_THAT(enc.status().message(), Catch::Contains("passphrase-encrypted identity files"));

  WriteFile(dir / "none.txt", "# only comments\n");
  auto none = ReadIdentityFile(dir / "none.txt");
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(none.status().message(), Catch::Contains("no identities"));
}

}  // namespace
}  // namespace ec::age
