// age v1 encryption and decryption: round trips at the chunk boundaries, the writer API,
// tampering, truncation, and the strict header rules. Interop with the age CLI is in
// age_interop_test.cpp.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "age/decrypt.h"
#include "age/encrypt.h"
#include "age/craft.h"
#include "age/header.h"
#include "age/keys.h"
#include "support/test_support.h"

namespace ec::age {
namespace {

using ::ec::age::testing::Craft;
using ::ec::testing::RandomBytes;

struct Party {
  Identity identity;
  std::string recipient;
};

Party NewParty() {
  auto gen = GenerateIdentity();
  REQUIRE(gen.ok());
  auto id = IdentityFromString(gen->identity);
  REQUIRE(id.ok());
  return {*id, gen->recipient};
}

std::size_t HeaderSize(const std::string& file) {
  const std::size_t mac = file.find("\n--- ");
  REQUIRE(mac != std::string::npos);
  return file.find('\n', mac + 1) + 1;
}

std::string DecryptError(std::string_view file, const std::vector<Identity>& ids) {
  auto out = DecryptBytes(file, ids);
  REQUIRE_FALSE(out.ok());
  return out.status().message();
}

TEST_CASE("age: round trips at chunk boundaries", "[age]") {
  const Party p = NewParty();
  for (std::size_t size : {0, 1, 65535, 65536, 65537, 131072, 200000}) {
    INFO("size " << size);
    const std::string plain = RandomBytes(size, size);
    oci::StringReader in(plain);
    StringSink sink;
    REQUIRE_OK(Encrypt(in, {p.recipient}, sink));
    const std::string& file = sink.str();
    CHECK(LooksLikeAge(file));
    const std::size_t chunks = size == 0 ? 1 : (size + 65535) / 65536;
    CHECK(file.size() == HeaderSize(file) + 16 + size + 16 * chunks);
    auto back = DecryptBytes(file, {p.identity});
    REQUIRE_OK(back);
    CHECK(*back == plain);
  }
}

TEST_CASE("age: a fresh file key and nonce per file", "[age]") {
  const Party p = NewParty();
  auto a = EncryptBytes("same", {p.recipient});
  auto b = EncryptBytes("same", {p.recipient});
  REQUIRE_OK(a);
  REQUIRE_OK(b);
  CHECK(*a != *b);
}

TEST_CASE("age: several recipients, each decrypts alone", "[age]") {
  const std::vector<Party> parties = {NewParty(), NewParty(), NewParty()};
  std::vector<std::string> recipients;
  for (const Party& p : parties) recipients.push_back(p.recipient);
  const std::string plain = RandomBytes(3, 70000);
  auto file = EncryptBytes(plain, recipients);
  REQUIRE_OK(file);
  std::size_t stanzas = 0;
  for (std::size_t pos = 0; (pos = file->find("\n-> X25519 ", pos)) != std::string::npos; ++pos) {
    ++stanzas;
  }
  CHECK(stanzas == 3);
  for (const Party& p : parties) {
    auto back = DecryptBytes(*file, {p.identity});
    REQUIRE_OK(back);
    CHECK(*back == plain);
  }
  // Identities that match nothing are tried and passed over.
  auto back = DecryptBytes(*file, {NewParty().identity, parties[2].identity});
  REQUIRE_OK(back);
  CHECK(*back == plain);
}

TEST_CASE("age: EncryptingWriter with uneven writes", "[age]") {
  const Party p = NewParty();
  const std::string plain = RandomBytes(9, 200000);
  StringSink sink;
  auto w = EncryptingWriter::Open({p.recipient}, sink);
  REQUIRE_OK(w);
  std::size_t pos = 0;
  for (std::size_t step : {1, 7, 65536, 3, 65527, 65536}) {
    REQUIRE_OK(w->Write(std::string_view(plain).substr(pos, step)));
    pos += step;
  }
  REQUIRE_OK(w->Write(std::string_view(plain).substr(pos)));
  REQUIRE_OK(w->Close());
  CHECK_FALSE(w->Write("x").ok());
  CHECK_FALSE(w->Close().ok());
  auto back = DecryptBytes(sink.str(), {p.identity});
  REQUIRE_OK(back);
  CHECK(*back == plain);

  // Exactly one full chunk written in one go ends with a full final chunk.
  StringSink one;
  auto w1 = EncryptingWriter::Open({p.recipient}, one);
  REQUIRE_OK(w1);
  REQUIRE_OK(w1->Write(std::string(65536, 'a')));
  REQUIRE_OK(w1->Close());
  CHECK(one.str().size() == HeaderSize(one.str()) + 16 + 65536 + 16);
}

TEST_CASE("age: an unclosed writer leaves a truncated file", "[age]") {
  const Party p = NewParty();
  StringSink sink;
  {
    auto w = EncryptingWriter::Open({p.recipient}, sink);
    REQUIRE_OK(w);
    REQUIRE_OK(w->Write(std::string(70000, 'z')));
  }
  CHECK_THAT(DecryptError(sink.str(), {p.identity}),
             Catch::Contains("payload truncated after chunk 0"));
}

TEST_CASE("age: DecryptingReader serves small reads", "[age]") {
  const Party p = NewParty();
  const std::string plain = RandomBytes(5, 140000);
  auto file = EncryptBytes(plain, {p.recipient});
  REQUIRE_OK(file);
  oci::StringReader in(*file);
  auto reader = DecryptingReader::Open(in, {p.identity});
  REQUIRE_OK(reader);
  std::string got;
  char buf[1000];
  while (true) {
    auto n = (*reader)->Read(buf);
    REQUIRE_OK(n);
    if (*n == 0) break;
    got.append(buf, *n);
  }
  CHECK(got == plain);
}

TEST_CASE("age: encrypt refuses bad recipients", "[age]") {
  auto none = EncryptBytes("x", {});
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(none.status().message(), Catch::Contains("no recipients"));
  auto bad = EncryptBytes("x", {NewParty().recipient, "age1nope"});
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("recipient \"age1nope\""));
  // The all-zero point is low order: every shared secret with it is zero.
  auto low = EncryptBytes("x", {FormatRecipient(X25519Key{})});
  REQUIRE_FALSE(low.ok());
  CHECK_THAT(low.status().message(), Catch::Contains("all zeros"));
}

TEST_CASE("age: tampering and truncation are detected", "[age]") {
  const Party p = NewParty();
  const std::vector<Identity> ids = {p.identity};
  const std::string plain = RandomBytes(11, 200000);
  auto encrypted = EncryptBytes(plain, {p.recipient});
  REQUIRE_OK(encrypted);
  const std::string& file = *encrypted;
  const std::size_t payload = HeaderSize(file) + 16;  // first chunk byte
  const std::size_t sealed = 65536 + 16;

  SECTION("payload byte flipped") {
    std::string bad = file;
    bad[payload + sealed + 100] ^= 1;
    CHECK(DecryptError(bad, ids) == "age input: chunk 1: authentication failed");
  }
  SECTION("last chunk byte flipped") {
    std::string bad = file;
    bad[bad.size() - 1] ^= 1;
    CHECK_THAT(DecryptError(bad, ids), Catch::Contains("chunk 3: authentication failed"));
  }
  SECTION("payload nonce flipped") {
    std::string bad = file;
    bad[payload - 1] ^= 1;
    CHECK_THAT(DecryptError(bad, ids), Catch::Contains("chunk 0: authentication failed"));
  }
  SECTION("header MAC changed") {
    std::string bad = file;
    const std::size_t mac = bad.find("\n--- ") + 5;
    bad[mac] = bad[mac] == 'A' ? 'B' : 'A';
    CHECK_THAT(DecryptError(bad, ids), Catch::Contains("header MAC mismatch"));
  }
  SECTION("stanza inserted into the header") {
    std::string bad = file;
    bad.insert(bad.find("\n--- ") + 1, "-> extra-type arg\nAAAA\n");
    CHECK_THAT(DecryptError(bad, ids), Catch::Contains("header MAC mismatch"));
  }
  SECTION("truncated at a chunk boundary") {
    CHECK(DecryptError(file.substr(0, payload + 2 * sealed), ids) ==
          "age input: payload truncated after chunk 1");
  }
  SECTION("truncated inside a chunk") {
    CHECK_THAT(DecryptError(file.substr(0, payload + sealed + 500), ids),
               Catch::Contains("chunk 1: authentication failed (corrupt or truncated)"));
  }
  SECTION("truncated to the header") {
    CHECK_THAT(DecryptError(file.substr(0, payload - 16), ids),
               Catch::Contains("got 0 nonce bytes, want 16"));
    CHECK_THAT(DecryptError(file.substr(0, payload), ids),
               Catch::Contains("payload truncated: no chunks"));
    CHECK_THAT(DecryptError(file.substr(0, payload + 5), ids),
               Catch::Contains("payload truncated in chunk 0: got 5 bytes"));
    CHECK_THAT(DecryptError(file.substr(0, 40), ids), Catch::Contains("header truncated"));
  }
  SECTION("wrong identity") {
    const std::string msg = DecryptError(file, {NewParty().identity});
    CHECK_THAT(msg, Catch::Contains("no identity matches any recipient stanza"));
    auto st = DecryptBytes(file, {NewParty().identity});
    CHECK(st.status().code() == Code::kFailedPrecondition);
  }
  SECTION("trailing bytes") {
    // After a short final chunk the extra bytes make it fail to authenticate.
    CHECK_THAT(DecryptError(file + "x", ids), Catch::Contains("chunk 3: authentication failed"));
    // After a full final chunk they are named as such.
    auto full = EncryptBytes(std::string(65536, 'q'), {p.recipient});
    REQUIRE_OK(full);
    CHECK_THAT(DecryptError(*full + "x", ids),
               Catch::Contains("trailing data after the final chunk (chunk 0)"));
  }
  SECTION("errors are sticky") {
    std::string bad = file;
    bad[payload + 10] ^= 1;
    oci::StringReader in(bad);
    auto reader = DecryptingReader::Open(in, ids);
    REQUIRE_OK(reader);
    char buf[10];
    CHECK_FALSE((*reader)->Read(buf).ok());
    CHECK_FALSE((*reader)->Read(buf).ok());
  }
}

TEST_CASE("age: chunk rules on crafted payloads", "[age]") {
  const Party p = NewParty();
  const std::vector<Identity> ids = {p.identity};
  const std::string full(65536, 'f');

  auto ok = DecryptBytes(Craft({}, p.recipient, {{full, false}, {"tail", true}}), ids);
  REQUIRE_OK(ok);
  CHECK(*ok == full + "tail");
  auto empty = DecryptBytes(Craft({}, p.recipient, {{"", true}}), ids);
  REQUIRE_OK(empty);
  CHECK(empty->empty());

  CHECK_THAT(DecryptError(Craft({}, p.recipient, {{full, false}, {"", true}}), ids),
             Catch::Contains("chunk 1: empty final chunk"));
  CHECK_THAT(DecryptError(Craft({}, p.recipient, {{full, true}, {"x", true}}), ids),
             Catch::Contains("trailing data after the final chunk (chunk 0)"));
  CHECK_THAT(DecryptError(Craft({}, p.recipient, {{"abc", false}, {"def", true}}), ids),
             Catch::Contains("chunk 0: authentication failed"));
  CHECK_THAT(DecryptError(Craft({}, p.recipient, {{full, false}}), ids),
             Catch::Contains("payload truncated after chunk 0"));
}

TEST_CASE("age: stanza rules", "[age]") {
  const Party p = NewParty();
  const std::vector<Identity> ids = {p.identity};
  auto stanza = [](std::string type, std::vector<std::string> args, std::string body) {
    return internal::Stanza{std::move(type), std::move(args), std::move(body)};
  };

  SECTION("unknown stanza types are skipped, whatever their body length") {
    for (std::size_t body : {0, 47, 48, 49, 100}) {
      INFO("body " << body);
      const std::string file =
          Craft({stanza("future-type", {"a", "b"}, std::string(body, 'k'))}, p.recipient,
                {{"hello", true}});
      auto out = DecryptBytes(file, ids);
      REQUIRE_OK(out);
      CHECK(*out == "hello");
    }
    // A 48-byte body is exactly 64 columns, so an empty line ends it.
    const std::string file = Craft({stanza("t", {}, std::string(48, 'k'))}, p.recipient,
                                   {{"", true}});
    CHECK(file.find("\n-> t\n" + internal::EncodeB64(std::string(48, 'k')) + "\n\n-> X25519 ") !=
          std::string::npos);
  }
  SECTION("only unknown stanzas") {
    const std::string file = Craft({}, p.recipient, {{"", true}});
    std::string other = file;
    other.replace(other.find("-> X25519"), 9, "-> ssh-ed25519 abc");
    CHECK_THAT(DecryptError(other, ids),
               Catch::Contains("no identity matches any recipient stanza (1 identities, 0 X25519 "
                               "stanzas; other stanza types: ssh-ed25519)"));
  }
  SECTION("scrypt") {
    const internal::Stanza scrypt = stanza("scrypt", {"c2FsdA", "18"}, std::string(32, 's'));
    CHECK_THAT(DecryptError(Craft({scrypt}, p.recipient, {{"", true}}), ids),
               Catch::Contains("an scrypt stanza must be the only stanza"));
    std::string alone = internal::FormatHeaderForMac({scrypt}) + " " +
                        internal::EncodeB64(std::string(32, 'm')) + "\n";
    CHECK_THAT(DecryptError(alone, ids), Catch::Contains("passphrase-encrypted (scrypt)"));
  }
  SECTION("malformed X25519 stanzas") {
    const std::string share = internal::EncodeB64(std::string(32, '\x09'));
    CHECK_THAT(DecryptError(Craft({stanza("X25519", {share, "x"}, std::string(32, 'b'))},
                                  p.recipient, {{"", true}}),
                            ids),
               Catch::Contains("stanza 0 (X25519): got 2 arguments, want 1"));
    CHECK_THAT(DecryptError(Craft({stanza("X25519", {share}, std::string(31, 'b'))}, p.recipient,
                                  {{"", true}}),
                            ids),
               Catch::Contains("got a 31-byte body, want 32"));
    CHECK_THAT(DecryptError(Craft({stanza("X25519", {internal::EncodeB64(std::string(31, 'a'))},
                                          std::string(32, 'b'))},
                                  p.recipient, {{"", true}}),
                            ids),
               Catch::Contains("share is not canonical base64 of 32 bytes"));
    // A low-order share makes the shared secret zero: abort, do not skip.
    CHECK_THAT(DecryptError(Craft({stanza("X25519", {internal::EncodeB64(std::string(32, '\0'))},
                                          std::string(32, 'b'))},
                                  p.recipient, {{"", true}}),
                            ids),
               Catch::Contains("all zeros"));
  }
  SECTION("non-canonical base64") {
    const std::string file = Craft({}, p.recipient, {{"", true}});
    const std::size_t arg = file.find("-> X25519 ") + 10;
    const std::size_t arg_end = file.find('\n', arg);
    // 43 characters carry 258 bits for 256: setting an unused bit changes no byte.
    std::string bad = file;
    const std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    bad[arg_end - 1] = alphabet[alphabet.find(bad[arg_end - 1]) ^ 1];
    CHECK_THAT(DecryptError(bad, ids), Catch::Contains("not canonical"));
    std::string padded = file;
    padded.insert(arg_end, "=");
    CHECK_THAT(DecryptError(padded, ids), Catch::Contains("not canonical"));
    std::string body_padded = file;
    body_padded.insert(body_padded.find('\n', arg_end + 1), "=");
    CHECK_THAT(DecryptError(body_padded, ids), Catch::Contains("is not unpadded base64"));
  }
  SECTION("line rules") {
    const std::string file = Craft({}, p.recipient, {{"", true}});
    std::string two_spaces = file;
    two_spaces.replace(two_spaces.find("-> X25519 "), 10, "-> X25519  ");
    CHECK_THAT(DecryptError(two_spaces, ids), Catch::Contains("line 2: stanza arguments"));
    std::string no_arg = file;
    no_arg.insert(no_arg.find("\n--- ") + 1, "-> \n\n");
    CHECK_THAT(DecryptError(no_arg, ids), Catch::Contains("stanza arguments"));
    std::string long_line = file;
    long_line.insert(long_line.find("\n--- ") + 1, "-> t\n" + std::string(65, 'A') + "\n\n");
    CHECK_THAT(DecryptError(long_line, ids), Catch::Contains("65 columns, want at most 64"));
    std::string unterminated = file;
    unterminated.insert(unterminated.find("\n--- ") + 1, "-> t\n" + std::string(64, 'A') + "\n");
    CHECK_THAT(DecryptError(unterminated, ids), Catch::Contains("is not unpadded base64"));
    std::string crlf = file;
    crlf.insert(crlf.find('\n'), "\r");
    CHECK_THAT(DecryptError(crlf, ids), Catch::Contains("not an age file"));
    std::string junk = file;
    junk.insert(junk.find("\n--- ") + 1, "hello\n");
    CHECK_THAT(DecryptError(junk, ids), Catch::Contains("want a stanza"));
    std::string mac_short = file;
    mac_short.insert(mac_short.find("\n--- ") + 5, "A");
    CHECK_THAT(DecryptError(mac_short, ids), Catch::Contains("header MAC is not canonical"));
  }
}

TEST_CASE("age: inputs that are not age files", "[age]") {
  const std::vector<Identity> ids = {NewParty().identity};
  auto plain = DecryptBytes("hello world, this is not encrypted\n", ids);
  REQUIRE_FALSE(plain.ok());
  CHECK(plain.status().code() == Code::kInvalidArgument);
  CHECK_THAT(plain.status().message(), Catch::Contains("not an age file"));
  CHECK_THAT(DecryptError(std::string(100000, '\0'), ids), Catch::Contains("not an age file"));
  CHECK_THAT(DecryptError("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n", ids),
             Catch::Contains("ASCII-armored"));
  CHECK(LooksLikeAge("age-encryption.org/v1\n-> X25519"));
  CHECK_FALSE(LooksLikeAge("age-encryption.org/v1"));
  CHECK_FALSE(LooksLikeAge("-----BEGIN AGE ENCRYPTED FILE-----"));
  auto no_ids = DecryptBytes("age-encryption.org/v1\n", {});
  CHECK_FALSE(no_ids.ok());
}

}  // namespace
}  // namespace ec::age
