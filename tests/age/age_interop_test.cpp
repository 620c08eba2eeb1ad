// Interop with Debian's age 1.1.1 in both directions: files we encrypt must decrypt with
// `age -d`, files `age -r` writes must decrypt with us, and age-keygen's keys must parse to
// the same recipients. These tests fail (not skip) when the age binaries are missing.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "age/craft.h"
#include "age/decrypt.h"
#include "age/encrypt.h"
#include "age/keys.h"
#include "support/test_support.h"

namespace ec::age {
namespace {

namespace fs = std::filesystem;
using ::ec::age::testing::Craft;
using ::ec::testing::RandomBytes;
using ::ec::testing::ReadFile;
using ::ec::testing::TempDir;
using ::ec::testing::WriteFile;

std::string Quote(const fs::path& path) { return "'" + path.string() + "'"; }

// Exit status of `command`, its output (stdout and stderr) left in `log`.
int Run(const std::string& command, const fs::path& log) {
  const int status = std::system(("(" + command + ") >" + Quote(log) + " 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void RequireAgeTools() {
  const bool present = std::system("command -v age >/dev/null 2>&1 && "
                                   "command -v age-keygen >/dev/null 2>&1") == 0;
  INFO("the age and age-keygen binaries are required (apt-get install age)");
  REQUIRE(present);
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// age-keygen writes key.txt; returns the recipient `age-keygen -y` prints for it.
std::string AgeKeygen(const TempDir& dir, const fs::path& key) {
  const fs::path log = dir / "keygen.log";
  REQUIRE(Run("age-keygen -o " + Quote(key), log) == 0);
  const fs::path pub = dir / "pub.txt";
  REQUIRE(Run("age-keygen -y " + Quote(key) + " >" + Quote(pub), log) == 0);
  return Trimmed(ReadFile(pub));
}

// Streams file to file the way the bundle writer does: FileReader in, AtomicFile out.
Status EncryptFile(const fs::path& in, const fs::path& out,
                   const std::vector<std::string>& recipients) {
  EC_ASSIGN_OR_RETURN(auto reader, oci::FileReader::Open(in));
  EC_ASSIGN_OR_RETURN(oci::AtomicFile file, oci::AtomicFile::Create(out));
  AtomicFileSink sink(file);
  EC_RETURN_IF_ERROR(Encrypt(*reader, recipients, sink));
  return file.Commit();
}

Status DecryptFile(const fs::path& in, const fs::path& out, const std::vector<Identity>& ids) {
  EC_ASSIGN_OR_RETURN(auto reader, oci::FileReader::Open(in));
  EC_ASSIGN_OR_RETURN(oci::AtomicFile file, oci::AtomicFile::Create(out));
  AtomicFileSink sink(file);
  EC_RETURN_IF_ERROR(Decrypt(*reader, ids, sink, in.string()));
  return file.Commit();
}

TEST_CASE("age interop: age-keygen keys parse to the same recipient", "[age][interop]") {
  RequireAgeTools();
  TempDir dir;
  const fs::path key = dir / "key.txt";
  const std::string recipient = AgeKeygen(dir, key);
  CHECK(recipient.rfind("age1", 0) == 0);

  auto ids = ReadIdentityFile(key);  // "# created", "# public key", then the secret
  REQUIRE_OK(ids);
  REQUIRE(ids->size() == 1);
  CHECK((*ids)[0].Recipient() == recipient);

  std::string secret_line;
  const std::string text = ReadFile(key);
  const std::size_t at = text.find("AGE-SECRET-KEY-1");
  REQUIRE(at != std::string::npos);
  secret_line = text.substr(at, text.find('\n', at) - at);
  auto via = RecipientOf(secret_line);
  REQUIRE_OK(via);
  CHECK(*via == recipient);

  // And the other way: age-keygen -y reads an identity file we wrote.
  auto gen = GenerateIdentity();
  REQUIRE_OK(gen);
  const fs::path ours = dir / "ours.txt";
  WriteFile(ours, IdentityFileText(*gen, "2024-01-01T00:00:00Z"));
  fs::permissions(ours, fs::perms::owner_read | fs::perms::owner_write);
  const fs::path pub = dir / "ours.pub";
  REQUIRE(Run("age-keygen -y " + Quote(ours) + " >" + Quote(pub), dir / "y.log") == 0);
  CHECK(Trimmed(ReadFile(pub)) == gen->recipient);
}

TEST_CASE("age interop: age -d decrypts what we encrypt", "[age][interop]") {
  RequireAgeTools();
  TempDir dir;
  const fs::path key = dir / "key.txt";
  const std::string recipient = AgeKeygen(dir, key);
  auto extra = GenerateIdentity();
  REQUIRE_OK(extra);
  for (std::size_t size : {0, 1, 65536, 65537, 200000}) {
    INFO("size " << size);
    const std::string plain = RandomBytes(100 + size, size);
    WriteFile(dir / "plain.bin", plain);
    // Two recipients: age must find its own stanza whichever comes first.
    REQUIRE_OK(EncryptFile(dir / "plain.bin", dir / "f.age", {extra->recipient, recipient}));
    const fs::path log = dir / "age.log";
    // To stdout: with -o, age creates the file only on the first plaintext byte.
    const int rc = Run("age -d -i " + Quote(key) + " " + Quote(dir / "f.age") + " >" +
                           Quote(dir / "out.bin"),
                       log);
    INFO(ReadFile(log));
    REQUIRE(rc == 0);
    CHECK(ReadFile(dir / "out.bin") == plain);
  }
}

TEST_CASE("age interop: we decrypt what age -r writes", "[age][interop]") {
  RequireAgeTools();
  TempDir dir;
  auto gen = GenerateIdentity();
  REQUIRE_OK(gen);
  auto id = IdentityFromString(gen->identity);
  REQUIRE_OK(id);
  const fs::path other_key = dir / "other.txt";
  const std::string other = AgeKeygen(dir, other_key);
  for (std::size_t size : {0, 1, 65536, 131072, 200000}) {
    INFO("size " << size);
    const std::string plain = RandomBytes(200 + size, size);
    WriteFile(dir / "plain.bin", plain);
    const fs::path log = dir / "age.log";
    const int rc = Run("age -r " + other + " -r " + gen->recipient + " -o " +
                           Quote(dir / "f.age") + " " + Quote(dir / "plain.bin"),
                       log);
    INFO(ReadFile(log));
    REQUIRE(rc == 0);
    REQUIRE_OK(DecryptFile(dir / "f.age", dir / "out.bin", {*id}));
    CHECK(ReadFile(dir / "out.bin") == plain);
  }

  // A recipients file (-R) with a comment, and our identity read from an identity file.
  WriteFile(dir / "recipients.txt", "# ours\n" + gen->recipient + "\n");
  WriteFile(dir / "ours.txt", IdentityFileText(*gen, "2024-01-01T00:00:00Z"));
  WriteFile(dir / "plain.bin", "via -R\n");
  REQUIRE(Run("age -R " + Quote(dir / "recipients.txt") + " -o " + Quote(dir / "r.age") + " " +
                  Quote(dir / "plain.bin"),
              dir / "r.log") == 0);
  auto ids = ReadIdentityFile(dir / "ours.txt");
  REQUIRE_OK(ids);
  REQUIRE_OK(DecryptFile(dir / "r.age", dir / "r.out", *ids));
  CHECK(ReadFile(dir / "r.out") == "via -R\n");

  // age's ASCII armor is refused by name, not misparsed.
  REQUIRE(Run("age -a -r " + gen->recipient + " -o " + Quote(dir / "a.age") + " " +
                  Quote(dir / "plain.bin"),
              dir / "a.log") == 0);
  Status armored = DecryptFile(dir / "a.age", dir / "a.out", *ids);
  REQUIRE_FALSE(armored.ok());
  CHECK_THAT(armored.message(), Catch::Contains("ASCII-armored"));
  CHECK_FALSE(fs::exists(dir / "a.out"));  // the AtomicFile was never committed
}

TEST_CASE("age interop: age -d agrees on broken files", "[age][interop]") {
  RequireAgeTools();
  TempDir dir;
  const fs::path key = dir / "key.txt";
  const std::string recipient = AgeKeygen(dir, key);
  auto ids = ReadIdentityFile(key);
  REQUIRE_OK(ids);
  auto file = EncryptBytes(RandomBytes(7, 200000), {recipient});
  REQUIRE_OK(file);
  const std::size_t payload = file->find("\n--- ");
  const std::size_t body = file->find('\n', payload + 1) + 1 + 16;

  std::string flipped = *file;
  flipped[body + 70000] ^= 1;
  const std::vector<std::string> broken = {flipped, file->substr(0, body + 2 * 65552),
                                           file->substr(0, file->size() - 1), *file + "x"};
  for (std::size_t i = 0; i < broken.size(); ++i) {
    INFO("case " << i);
    WriteFile(dir / "bad.age", broken[i]);
    CHECK(Run("age -d -i " + Quote(key) + " -o " + Quote(dir / "bad.out") + " " +
                  Quote(dir / "bad.age"),
              dir / "bad.log") != 0);
    CHECK_FALSE(DecryptBytes(broken[i], *ids).ok());
  }
}

TEST_CASE("age interop: age -d agrees on crafted edge cases", "[age][interop]") {
  RequireAgeTools();
  TempDir dir;
  const fs::path key = dir / "key.txt";
  const std::string recipient = AgeKeygen(dir, key);
  auto ids = ReadIdentityFile(key);
  REQUIRE_OK(ids);
  const std::string full(65536, 'f');
  auto age_decrypts = [&](const std::string& file) {
    WriteFile(dir / "c.age", file);
    return Run("age -d -i " + Quote(key) + " " + Quote(dir / "c.age") + " >" +
                   Quote(dir / "c.out"),
               dir / "c.log") == 0;
  };

  // Accepted by both: unknown stanzas (a 48-byte body needs the empty closing line), and a
  // full chunk followed by a short final one.
  for (std::size_t body : {0, 48, 100}) {
    INFO("body " << body);
    const std::string file =
        Craft({internal::Stanza{"future", {"x"}, std::string(body, 'k')}}, recipient,
              {{full, false}, {"tail", true}});
    CHECK(age_decrypts(file));
    CHECK(ReadFile(dir / "c.out") == full + "tail");
    auto ours = DecryptBytes(file, *ids);
    REQUIRE_OK(ours);
    CHECK(*ours == full + "tail");
  }

  // Refused by both.
  const std::vector<std::vector<std::pair<std::string, bool>>> bad = {
      {{full, false}, {"", true}},  // empty final chunk after a full one
      {{full, false}},              // no final chunk
      {{full, true}, {"x", true}},  // data after the final chunk
      {{"abc", false}, {"def", true}},  // short non-final chunk
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    INFO("case " << i);
    const std::string file = Craft({}, recipient, bad[i]);
    CHECK_FALSE(age_decrypts(file));
    CHECK_FALSE(DecryptBytes(file, *ids).ok());
  }
}

}  // namespace
}  // namespace ec::age
