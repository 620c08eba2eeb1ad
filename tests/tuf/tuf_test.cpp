#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "oci/digest.h"
#include "support/test_support.h"
#include "tuf/canonical_json.h"
#include "tuf/client.h"
#include "tuf/delegation.h"
#include "tuf/hex.h"
#include "tuf/key.h"
#include "tuf/metadata.h"
#include "tuf/repository.h"
#include "tuf/target_files.h"
#include "tuf/time.h"
#include "tuf/trusted_state.h"

namespace ec::tuf {
namespace {

namespace fs = std::filesystem;
using ::ec::testing::RandomBytes;
using ::ec::testing::ReadFile;
using ::ec::testing::TempDir;
using ::ec::testing::WriteFile;

constexpr std::int64_t kNow = 1700000000;        // 2023-11-14T22:13:20Z
constexpr std::int64_t kFarFuture = 4102444800;  // 2100-01-01T00:00:00Z
constexpr std::int64_t kPast = 1577836800;       // 2020-01-01T00:00:00Z

sign::PrivateKey NewKey(sign::KeyType type = sign::KeyType::kEd25519) {
  auto key = sign::GeneratePrivateKey(type);
  REQUIRE_OK(key);
  return std::move(key).value();
}

sign::PrivateKey Clone(const sign::PrivateKey& key) {
  auto copy = sign::LoadPrivateKeyPem(key.ToPem(), "clone");
  REQUIRE_OK(copy);
  return std::move(copy).value();
}

RoleSigners Signers(int count, std::int64_t threshold,
                    sign::KeyType type = sign::KeyType::kEd25519) {
  RoleSigners signers;
  for (int i = 0; i < count; ++i) signers.keys.push_back(NewKey(type));
  signers.threshold = threshold;
  return signers;
}

RoleSigners Clone(const RoleSigners& signers) {
  RoleSigners out;
  for (const sign::PrivateKey& key : signers.keys) out.keys.push_back(Clone(key));
  out.threshold = signers.threshold;
  return out;
}

RepositoryKeys NewKeys(sign::KeyType type = sign::KeyType::kEd25519) {
  RepositoryKeys keys;
  keys.root = Signers(1, 1, type);
  keys.targets = Signers(1, 1, type);
  keys.snapshot = Signers(1, 1, type);
  keys.timestamp = Signers(1, 1, type);
  return keys;
}

RepositoryKeys Clone(const RepositoryKeys& keys) {
  RepositoryKeys out;
  out.root = Clone(keys.root);
  out.targets = Clone(keys.targets);
  out.snapshot = Clone(keys.snapshot);
  out.timestamp = Clone(keys.timestamp);
  out.bins = Clone(keys.bins);
  return out;
}

WriteOptions Options(std::int64_t version = 1) {
  WriteOptions o;
  o.root_expires = o.targets_expires = o.snapshot_expires = o.timestamp_expires = kFarFuture;
  o.targets_version = o.snapshot_version = o.timestamp_version = version;
  return o;
}

using TargetMap = std::map<std::string, fs::path>;

// Writes each (name, content) under `dir` and maps the target name to the file.
TargetMap MakeTargets(const fs::path& dir,
                      const std::vector<std::pair<std::string, std::string>>& files) {
  TargetMap out;
  for (const auto& [name, content] : files) {
    const fs::path file = dir / name;
    fs::create_directories(file.parent_path());
    WriteFile(file, content);
    out[name] = file;
  }
  return out;
}

TargetMap StandardTargets(const fs::path& dir) {
  return MakeTargets(
      dir, {{"hello.txt", "hello, world\n"}, {"images/alpine.oci.tar", RandomBytes(7, 5000)}});
}

std::vector<const sign::PrivateKey*> Pointers(const RoleSigners& signers) {
  std::vector<const sign::PrivateKey*> out;
  for (const sign::PrivateKey& key : signers.keys) out.push_back(&key);
  return out;
}

// Parses metadata/<file>, lets `edit` change its signed part, re-signs it with `signers`.
void Resign(const fs::path& repo, const std::string& file,
            const std::vector<const sign::PrivateKey*>& signers,
            const std::function<void(json::Json&)>& edit) {
  auto doc = json::Parse(ReadFile(repo / "metadata" / file), file);
  REQUIRE_OK(doc);
  json::Json value = (*doc)["signed"];
  edit(value);
  auto bytes = SignMetadata(value, signers, file);
  REQUIRE_OK(bytes);
  fs::remove(repo / "metadata" / file);
  WriteFile(repo / "metadata" / file, *bytes);
}

// Replaces a (hard-linked) file without touching the inode it shares with its source.
void Replace(const fs::path& file, std::string_view bytes) {
  fs::remove(file);
  WriteFile(file, bytes);
}

fs::path TargetFileIn(const fs::path& repo, const std::string& name, const fs::path& source) {
  const std::string hex = oci::Digest::OfBytes(ReadFile(source)).hex();
  const fs::path rel(name);
  return repo / "targets" / rel.parent_path() / (hex + "." + rel.filename().string());
}

void PublishRoot(const fs::path& repo) {
  WriteFile(repo / "root.json", ReadFile(repo / "metadata" / "1.root.json"));
}

// The repositories both our client and tuf-js are run against; each <out>/<name> has
// metadata/, targets/ and root.json (the trust anchor). See conformance/tuf/tuf_js.sh.
void GenerateVariants(const fs::path& out) {
  const TargetMap targets = StandardTargets(out / "src");
  const RepositoryKeys keys = NewKeys();

  auto write = [&](const std::string& name, const RepositoryKeys& k, const TargetMap& t,
                   const WriteOptions& o) {
    REQUIRE_OK(WriteRepository(out / name, k, t, o));
    PublishRoot(out / name);
    return out / name;
  };

  {  // Plus a non-ASCII target name and custom data with control characters: canonical JSON
     // copies them raw, and the signature must still verify in tuf-js.
    TargetMap with_unicode = targets;
    with_unicode["docs/\u00fcber \u2603.txt"] = targets.at("hello.txt");
    WriteOptions o = Options();
    o.custom["docs/\u00fcber \u2603.txt"] = {{"note", "tab\there\nnew line \"quoted\" \\ \u0001"}};
    write("good", keys, with_unicode, o);
  }

  {  // Hash bins: more targets than the threshold.
    std::vector<std::pair<std::string, std::string>> files;
    for (int i = 0; i < 1030; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "many/file-%04d.txt", i);
      files.emplace_back(name, StrCat("content of ", name, "\n"));
    }
    WriteOptions o = Options();
    o.hash_bin_count = 16;
    o.durable = false;
    write("bins", keys, MakeTargets(out / "src-many", files), o);
  }

  {  // Root rotated to all-new keys, then republished under root version 2.
    const fs::path dir = write("rotated", keys, targets, Options());
    RepositoryKeys next = NewKeys();
    auto version = RotateRoot(dir, keys.root, next, kFarFuture);
    REQUIRE_OK(version);
    REQUIRE(*version == 2);
    WriteOptions o = Options(2);
    o.root_version = 2;
    REQUIRE_OK(WriteRepository(dir, next, targets, o));
  }

  write("ecdsa", NewKeys(sign::KeyType::kEcdsaP256), targets, Options());

  {  // Same length, other bytes.
    const fs::path dir = write("tampered-target", keys, targets, Options());
    Replace(TargetFileIn(dir, "hello.txt", targets.at("hello.txt")), "HELLO, WORLD\n");
  }

  write("rollback-new", keys, targets, Options(2));
  write("rollback-old", keys, targets, Options(1));
  {  // A newer timestamp that points back at an older snapshot.
    WriteOptions o = Options(1);
    o.timestamp_version = 3;
    write("rollback-snapshot", keys, targets, o);
  }

  {
    WriteOptions o = Options();
    o.timestamp_expires = kPast;
    write("expired-timestamp", keys, targets, o);
  }

  {  // 2.root.json wants 2 of {old root key, new key} but carries only the old key's signature.
    const fs::path dir = write("unmet-threshold", keys, targets, Options());
    RoleSigners extra = Signers(1, 1);
    std::string extra_keyid;
    {
      auto key = KeyFromPublic(extra.keys[0].public_key());
      REQUIRE_OK(key);
      extra_keyid = KeyId(*key);
      auto doc = json::Parse(ReadFile(dir / "metadata" / "1.root.json"), "root");
      REQUIRE_OK(doc);
      json::Json value = (*doc)["signed"];
      value["version"] = 2;
      value["keys"][extra_keyid] = KeyToJson(*key);
      value["roles"]["root"]["keyids"].push_back(extra_keyid);
      value["roles"]["root"]["threshold"] = 2;
      auto bytes = SignMetadata(value, Pointers(keys.root), "2.root.json");
      REQUIRE_OK(bytes);
      WriteFile(dir / "metadata" / "2.root.json", *bytes);
    }
  }

  {  // targets.json signed by a key root does not list; snapshot lists versions only, so
     // the file swap is not caught by a hash first.
    WriteOptions o = Options();
    o.snapshot_lists_hashes = false;
    const fs::path dir = write("wrong-targets-key", keys, targets, o);
    const RoleSigners other = Signers(1, 1);
    Resign(dir, "1.targets.json", Pointers(other), [](json::Json&) {});
  }

  {  // Snapshot 2 lists targets version 2, but 2.targets.json is the old version 1 file.
    WriteOptions o = Options();
    o.snapshot_lists_hashes = false;
    const fs::path dir = write("mix-and-match", keys, targets, o);
    WriteFile(dir / "metadata" / "2.targets.json", ReadFile(dir / "metadata" / "1.targets.json"));
    Snapshot snapshot;
    snapshot.version = 2;
    snapshot.expires = kFarFuture;
    snapshot.meta["targets.json"].version = 2;
    auto snapshot_json = ToJson(snapshot);
    REQUIRE_OK(snapshot_json);
    auto snapshot_bytes = SignMetadata(*snapshot_json, Pointers(keys.snapshot), "snapshot");
    REQUIRE_OK(snapshot_bytes);
    WriteFile(dir / "metadata" / "2.snapshot.json", *snapshot_bytes);
    Timestamp timestamp;
    timestamp.version = 2;
    timestamp.expires = kFarFuture;
    timestamp.snapshot.version = 2;
    timestamp.snapshot.length = static_cast<std::int64_t>(snapshot_bytes->size());
    timestamp.snapshot.hashes["sha256"] = oci::Digest::OfBytes(*snapshot_bytes).hex();
    auto timestamp_json = ToJson(timestamp);
    REQUIRE_OK(timestamp_json);
    auto timestamp_bytes = SignMetadata(*timestamp_json, Pointers(keys.timestamp), "timestamp");
    REQUIRE_OK(timestamp_bytes);
    Replace(dir / "metadata" / "timestamp.json", *timestamp_bytes);
  }

  {  // A validly signed timestamp.json past the 16 KiB every client allows.
    const fs::path dir = write("oversized", keys, targets, Options());
    Resign(dir, "timestamp.json", Pointers(keys.timestamp),
           [](json::Json& value) { value["padding"] = std::string(20000, 'x'); });
  }
}

Result<Client> Open(Fetcher& fetcher, const fs::path& repo, TrustedState state = {},
                    std::int64_t now = kNow) {
  ClientOptions options;
  options.now = now;
  return Client::Create(fetcher, ReadFile(repo / "root.json"), options, std::move(state));
}

// The state after a successful refresh of `repo`.
TrustedState Trusted(const fs::path& repo) {
  DirectoryFetcher fetcher(repo);
  auto client = Open(fetcher, repo);
  REQUIRE_OK(client);
  REQUIRE_OK(client->Refresh());
  return client->state();
}

std::string RefreshError(const fs::path& repo, TrustedState state = {}) {
  DirectoryFetcher fetcher(repo);
  auto client = Open(fetcher, repo, std::move(state));
  REQUIRE_OK(client);
  const Status status = client->Refresh();
  REQUIRE_FALSE(status.ok());
  return status.message();
}

// Every file under `dir`, by its '/'-separated path relative to `dir`.
RepositoryFiles FilesUnder(const fs::path& dir) {
  RepositoryFiles out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      out[fs::relative(entry.path(), dir).generic_string()] = ReadFile(entry.path());
    }
  }
  return out;
}

std::string KeyIdOf(const sign::PrivateKey& key) {
  auto tuf_key = KeyFromPublic(key.public_key());
  REQUIRE_OK(tuf_key);
  return KeyId(*tuf_key);
}

std::map<std::string, std::string> MetadataFiles(const fs::path& repo) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::directory_iterator(repo / "metadata")) {
    out[entry.path().filename().string()] = ReadFile(entry.path());
  }
  return out;
}

}  // namespace

TEST_CASE("OLPC canonical JSON escapes only quote and backslash, sorts keys, refuses floats",
          "[tuf]") {
  auto value =
      json::Parse(R"({"b":[1,true,null,"x\"y\\z\n\u0001é"],"a":{"d":-5,"c":"€"},"":0})", "doc");
  REQUIRE_OK(value);
  auto canonical = CanonicalJson(*value, "doc");
  REQUIRE_OK(canonical);
  // What @tufjs/canonical-json 2.0.0 produces for the same value.
  CHECK(*canonical ==
        "{\"\":0,\"a\":{\"c\":\"€\",\"d\":-5},\"b\":[1,true,null,\"x\\\"y\\\\z\n\x01é\"]}");

  auto with_float = json::Parse(R"({"signed":{"a":[1,2.5]}})", "doc");
  REQUIRE_OK(with_float);
  auto refused = CanonicalJson(*with_float, "root.json");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message() ==
        "root.json: /signed/a/1: number 2.5 is not an integer; TUF canonical JSON allows "
        "integers only");
}

TEST_CASE("Expiry times are written as YYYY-MM-DDTHH:MM:SSZ and read as RFC 3339", "[tuf]") {
  CHECK(*FormatExpires(kPast) == "2020-01-01T00:00:00Z");
  CHECK(*FormatExpires(kNow) == "2023-11-14T22:13:20Z");
  CHECK(*ParseExpires("2020-01-01T00:00:00Z", "x") == kPast);
  CHECK(*ParseExpires("2020-01-01T01:30:00.123+01:30", "x") == kPast);
  CHECK(*ParseExpires("2024-02-29T00:00:00Z", "x") == 1709164800);
  for (const char* bad : {"2020-01-01", "2020-01-01T00:00:00", "2023-02-29T00:00:00Z",
                          "2020-01-01 00:00:00Z", "2020-13-01T00:00:00Z", ""}) {
    INFO(bad);
    CHECK_FALSE(ParseExpires(bad, "x").ok());
  }
  CHECK(ParseExpires("nope", "timestamp.json: /signed/expires").status().message() ==
        "timestamp.json: /signed/expires: \"nope\" is not an RFC 3339 date-time (want "
        "YYYY-MM-DDTHH:MM:SSZ)");
}

TEST_CASE("Keyids hash the canonical {keytype, keyval, scheme}; ed25519 keys are raw hex",
          "[tuf]") {
  // RFC 8032 test key 1; keyid computed independently (sha256 over the canonical form).
  const Key rfc{"ed25519", "ed25519",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"};
  CHECK(KeyId(rfc) == "74c181c7ad8a0855d4b55e44d2ba87aabdddb196832571f15f92fece332e4916");

  const sign::PrivateKey ed = NewKey();
  auto key = KeyFromPublic(ed.public_key());
  REQUIRE_OK(key);
  CHECK(key->keytype == "ed25519");
  CHECK(key->public_value.size() == 64);
  CHECK(ed.public_key().SpkiDer().ends_with(*HexDecode(key->public_value)));
  auto sig = ed.Sign("message");
  REQUIRE_OK(sig);
  REQUIRE_OK(VerifyWithKey(*key, "message", *sig));
  CHECK_FALSE(VerifyWithKey(*key, "other", *sig).ok());

  const sign::PrivateKey ec = NewKey(sign::KeyType::kEcdsaP256);
  auto ec_key = KeyFromPublic(ec.public_key());
  REQUIRE_OK(ec_key);
  CHECK(ec_key->keytype == "ecdsa");
  CHECK(ec_key->scheme == "ecdsa-sha2-nistp256");
  CHECK(ec_key->public_value.starts_with("-----BEGIN PUBLIC KEY-----"));
  auto ec_sig = ec.Sign("message");
  REQUIRE_OK(ec_sig);
  REQUIRE_OK(VerifyWithKey(*ec_key, "message", *ec_sig));
  // The keytype python-tuf once wrote is accepted too.
  Key old_style = *ec_key;
  old_style.keytype = "ecdsa-sha2-nistp256";
  REQUIRE_OK(VerifyWithKey(old_style, "message", *ec_sig));

  CHECK(VerifyWithKey(Key{"rsa", "rsassa-pss-sha256", "x"}, "m", "s").code() ==
        Code::kNotSupported);
}

TEST_CASE("Metadata parsing is strict and names the file, the member and the reason", "[tuf]") {
  TempDir tmp;
  const fs::path repo = tmp / "repo";
  const RepositoryKeys keys = NewKeys();
  REQUIRE_OK(WriteRepository(repo, keys, StandardTargets(tmp / "src"), Options()));
  const std::string timestamp = ReadFile(repo / "metadata" / "timestamp.json");
  REQUIRE_OK(ParseTimestamp(timestamp, "timestamp.json"));
  REQUIRE_OK(ParseRoot(ReadFile(repo / "metadata" / "1.root.json"), "1.root.json"));

  auto error_after = [&](const std::function<void(json::Json&)>& edit) {
    json::Json doc = *json::Parse(timestamp, "t");
    edit(doc);
    auto parsed = ParseTimestamp(doc.dump(), "timestamp.json");
    REQUIRE_FALSE(parsed.ok());
    return parsed.status().message();
  };
  CHECK(error_after([](json::Json& d) { d["signed"]["spec_version"] = "2.0.0"; }) ==
        "timestamp.json: /signed/spec_version: \"2.0.0\" is not a supported version (want 1.x)");
  CHECK(error_after([](json::Json& d) { d["signed"]["_type"] = "snapshot"; }) ==
        "timestamp.json: /signed/_type: \"snapshot\", want \"timestamp\"");
  CHECK(error_after([](json::Json& d) { d["signed"]["version"] = 0; }) ==
        "timestamp.json: /signed/version: 0 is less than 1");
  CHECK(error_after([](json::Json& d) { d["signed"]["version"] = 1.0; }) ==
        "timestamp.json: /signed/version: got number, want integer");
  CHECK(error_after([](json::Json& d) { d["signed"]["expires"] = "tomorrow"; }) ==
        "timestamp.json: /signed/expires: \"tomorrow\" is not an RFC 3339 date-time (want "
        "YYYY-MM-DDTHH:MM:SSZ)");
  CHECK(error_after([](json::Json& d) { d["signed"]["meta"]["snapshot.json"]["length"] = -1; }) ==
        "timestamp.json: /signed/meta/snapshot.json/length: -1 is less than 0");
  CHECK(error_after([](json::Json& d) {
          d["signed"]["meta"]["snapshot.json"]["hashes"]["sha256"] = "ABC";
        }) ==
        "timestamp.json: /signed/meta/snapshot.json/hashes/sha256: want a lower-case hex "
        "string");
  CHECK(error_after([](json::Json& d) { d["signatures"].push_back(d["signatures"][0]); }) ==
        StrCat("timestamp.json: /signatures/1: second signature for keyid ",
               (*json::Parse(timestamp, "t"))["signatures"][0]["keyid"].get<std::string>()));
  CHECK(error_after([](json::Json& d) { d["signed"]["extra"] = 0.5; }) ==
        "timestamp.json: /signed/extra: number 0.5 is not an integer; TUF canonical JSON allows "
        "integers only");

  json::Json root = *json::Parse(ReadFile(repo / "metadata" / "1.root.json"), "r");
  json::Json bad_threshold = root;
  bad_threshold["signed"]["roles"]["snapshot"]["threshold"] = 0;
  CHECK(ParseRoot(bad_threshold.dump(), "1.root.json").status().message() ==
        "1.root.json: /signed/roles/snapshot/threshold: 0 is less than 1");
  json::Json missing_role = root;
  missing_role["signed"]["roles"].erase("timestamp");
  CHECK(ParseRoot(missing_role.dump(), "1.root.json").status().message() ==
        "1.root.json: /signed/roles/timestamp: missing");
  json::Json wrong_keyid = root;
  const std::string keyid = wrong_keyid["signed"]["keys"].begin().key();
  json::Json key = wrong_keyid["signed"]["keys"][keyid];
  wrong_keyid["signed"]["keys"].erase(keyid);
  wrong_keyid["signed"]["keys"]["0000"] = key;
  CHECK(ParseRoot(wrong_keyid.dump(), "1.root.json").status().message() ==
        StrCat("1.root.json: /signed/keys/0000: keyid does not match the key; want ", keyid));
  // Extra members of a key (old securesystemslib's keyid_hash_algorithms) are ignored.
  json::Json extra_member = root;
  extra_member["signed"]["keys"][keyid]["keyid_hash_algorithms"] = {"sha256", "sha512"};
  REQUIRE_OK(ParseRoot(extra_member.dump(), "1.root.json"));
}

TEST_CASE("Write, refresh and download round trip; layout is consistent-snapshot", "[tuf]") {
  TempDir tmp;
  const fs::path repo = tmp / "repo";
  const TargetMap targets = StandardTargets(tmp / "src");
  WriteOptions options = Options();
  options.custom["images/alpine.oci.tar"] = {
      {"mediaType", "application/vnd.oci.image.index.v1+json"}};
  REQUIRE_OK(WriteRepository(repo, NewKeys(), targets, options));
  PublishRoot(repo);
  for (const char* file : {"metadata/1.root.json", "metadata/1.targets.json",
                           "metadata/1.snapshot.json", "metadata/timestamp.json"}) {
    INFO(file);
    CHECK(fs::exists(repo / file));
  }
  CHECK(fs::exists(TargetFileIn(repo, "hello.txt", targets.at("hello.txt"))));
  CHECK(
      fs::exists(TargetFileIn(repo, "images/alpine.oci.tar", targets.at("images/alpine.oci.tar"))));

  DirectoryFetcher fetcher(repo);
  auto client = Open(fetcher, repo);
  REQUIRE_OK(client);
  REQUIRE_OK(client->Refresh());
  auto hello = client->DownloadTarget("hello.txt");
  REQUIRE_OK(hello);
  CHECK(*hello == "hello, world\n");
  auto image = client->GetTarget("images/alpine.oci.tar");
  REQUIRE_OK(image);
  CHECK(image->role == "targets");
  CHECK(image->file.length == 5000);
  CHECK(image->file.custom["mediaType"] == "application/vnd.oci.image.index.v1+json");
  REQUIRE_OK(
      client->VerifyTargetFile("images/alpine.oci.tar", targets.at("images/alpine.oci.tar")));
  CHECK(client->VerifyTargetFile("images/alpine.oci.tar", targets.at("hello.txt")).message() ==
        "target images/alpine.oci.tar: got 13 bytes, want 5000");
  CHECK(client->GetTarget("missing.txt").status().message() ==
        "target missing.txt: not listed by any trusted targets role");

  const TrustedState state = client->state();
  CHECK(state.timestamp_version == 1);
  CHECK(state.snapshot_version == 1);
  CHECK(state.meta_versions == std::map<std::string, std::int64_t>{{"targets.json", 1}});
  auto round_trip = ParseTrustedState(SerializeTrustedState(state), "state.json");
  REQUIRE_OK(round_trip);
  CHECK(*round_trip == state);
  // A second update from the persisted state sees the same versions: fine.
  auto again = Open(fetcher, repo, state);
  REQUIRE_OK(again);
  REQUIRE_OK(again->Refresh());

  // Metadata swapped for other bytes is caught by the hash its parent lists, before parsing.
  const std::string signed_targets = ReadFile(repo / "metadata" / "1.targets.json");
  Replace(repo / "metadata" / "1.targets.json", signed_targets + " ");
  CHECK(RefreshError(repo) == StrCat("targets.json: metadata/1.targets.json is larger than the ",
                                     signed_targets.size(),
                                     "-byte limit"));  // the exact length snapshot lists
  Replace(repo / "metadata" / "1.targets.json",
          signed_targets.substr(0, signed_targets.size() - 1));
  CHECK(RefreshError(repo) == StrCat("targets.json: got ", signed_targets.size() - 1,
                                     " bytes, want ", signed_targets.size(),
                                     " as listed in snapshot.json"));
  std::string flipped = signed_targets;
  flipped[flipped.find("\"hello.txt\"") + 1] = 'j';
  Replace(repo / "metadata" / "1.targets.json", flipped);
  CHECK(RefreshError(repo) ==
        StrCat("targets.json: got sha256 ", oci::Digest::OfBytes(flipped).hex(), ", want ",
               oci::Digest::OfBytes(signed_targets).hex(), " as listed in snapshot.json"));
}

TEST_CASE("The same inputs give the same bytes; versioned files are never replaced", "[tuf]") {
  TempDir tmp;
  const TargetMap targets = StandardTargets(tmp / "src");
  RepositoryKeys keys = NewKeys();
  keys.snapshot = Signers(1, 1, sign::KeyType::kEcdsaP256);  // RFC 6979: deterministic too
  REQUIRE_OK(WriteRepository(tmp / "a", keys, targets, Options()));
  REQUIRE_OK(WriteRepository(tmp / "b", keys, targets, Options()));
  CHECK(MetadataFiles(tmp / "a") == MetadataFiles(tmp / "b"));
  REQUIRE_OK(WriteRepository(tmp / "a", keys, targets, Options()));  // idempotent

  TargetMap more = targets;
  more["extra.txt"] = tmp / "src" / "hello.txt";
  const Status status = WriteRepository(tmp / "a", keys, more, Options());
  CHECK(status.code() == Code::kFailedPrecondition);
  CHECK(status.message() ==
        "1.targets.json already exists with other content; raise targets_version");
  REQUIRE_OK(WriteRepository(tmp / "a", keys, more, Options(2)));

  const RepositoryKeys other = NewKeys();
  const Status other_keys = WriteRepository(tmp / "a", other, targets, Options(3));
  CHECK(other_keys.code() == Code::kFailedPrecondition);
  CHECK(other_keys.message() == StrCat("1.root.json: role targets does not list key ",
                                       KeyIdOf(other.targets.keys[0]),
                                       "; rotate the root to change keys"));
  WriteOptions unversioned = Options(3);
  unversioned.consistent_snapshot = false;
  CHECK(WriteRepository(tmp / "a", keys, targets, unversioned).message() ==
        "1.root.json: consistent_snapshot true, want false");
}

TEST_CASE("Under an existing root only the signing roles' keys are needed, up to threshold",
          "[tuf]") {
  TempDir tmp;
  const fs::path repo = tmp / "repo";
  const TargetMap targets = StandardTargets(tmp / "src");
  RepositoryKeys keys = NewKeys();
  keys.root = Signers(3, 2);
  keys.targets = Signers(2, 2);
  REQUIRE_OK(WriteRepository(repo, keys, targets, Options()));
  PublishRoot(repo);

  // The root keys are offline: targets, snapshot and timestamp still publish version 2.
  RepositoryKeys online = Clone(keys);
  online.root.keys.clear();
  REQUIRE_OK(WriteRepository(repo, online, targets, Options(2)));
  CHECK(Trusted(repo).timestamp_version == 2);

  // One of the two targets keys is not enough for its threshold, whatever RoleSigners says.
  RepositoryKeys short_targets = Clone(online);
  short_targets.targets.keys.pop_back();
  short_targets.targets.threshold = 1;
  const Status status = WriteRepository(repo, short_targets, targets, Options(3));
  CHECK(status.code() == Code::kFailedPrecondition);
  CHECK(status.message() == "1.root.json: role targets: got 1 key, want its threshold 2");
  CHECK_FALSE(fs::exists(repo / "metadata" / "3.targets.json"));
}

TEST_CASE("WriteRepositoryFiles writes in memory the bytes WriteRepository writes on disk",
          "[tuf]") {
  TempDir tmp;
  RepositoryKeys keys = NewKeys();
  keys.bins = Signers(1, 1);
  int run = 0;
  // Writes the same repository on disk and in memory; every file must match.
  auto both = [&](const std::vector<std::pair<std::string, std::string>>& contents,
                  const WriteOptions& options) {
    const std::string name = StrCat("run", ++run);
    const TargetMap on_disk = MakeTargets(tmp / (name + "-src"), contents);
    const std::map<std::string, std::string> in_memory(contents.begin(), contents.end());
    REQUIRE_OK(WriteRepository(tmp / name, keys, on_disk, options));
    RepositoryFiles files;
    REQUIRE_OK(WriteRepositoryFiles(files, keys, in_memory, options));
    CHECK(files == FilesUnder(tmp / name));
    return files;
  };

  SECTION("consistent snapshot, custom data") {
    WriteOptions options = Options();
    options.custom["hello.txt"] = {{"note", "hi"}};
    const RepositoryFiles files = both(
        {{"hello.txt", "hello, world\n"}, {"images/alpine.oci.tar", RandomBytes(7, 5000)}},
        options);
    CHECK(files.size() == 6);
    CHECK(files.contains("metadata/1.root.json"));
    CHECK(files.contains("metadata/1.targets.json"));
    CHECK(files.contains("metadata/1.snapshot.json"));
    CHECK(files.contains("metadata/timestamp.json"));
    CHECK(files.at(StrCat("targets/", oci::Digest::OfBytes("hello, world\n").hex(),
                          ".hello.txt")) == "hello, world\n");
    CHECK(files.contains(
        StrCat("targets/images/", oci::Digest::OfBytes(RandomBytes(7, 5000)).hex(),
               ".alpine.oci.tar")));
  }
  SECTION("without consistent snapshots") {
    WriteOptions options = Options();
    options.consistent_snapshot = false;
    const RepositoryFiles files = both({{"hello.txt", "hello, world\n"}}, options);
    CHECK(files.contains("metadata/targets.json"));
    CHECK(files.contains("metadata/snapshot.json"));
    CHECK(files.at("targets/hello.txt") == "hello, world\n");
  }
  SECTION("hash bins") {
    std::vector<std::pair<std::string, std::string>> contents;
    for (int i = 0; i < 40; ++i) {
      contents.emplace_back(StrCat("many/file-", i, ".txt"), StrCat("content ", i, "\n"));
    }
    WriteOptions options = Options();
    options.hash_bin_threshold = 8;
    options.hash_bin_count = 4;
    options.durable = false;
    const RepositoryFiles files = both(contents, options);
    for (const char* bin : {"0", "1", "2", "3"}) {
      INFO(bin);
      CHECK(files.contains(StrCat("metadata/1.bins-", bin, ".json")));
    }
    CHECK(files.size() == 1 + 1 + 4 + 1 + 1 + 40);  // root, targets, bins, snapshot, timestamp
  }
  SECTION("no targets") {
    const RepositoryFiles files = both({}, Options());
    CHECK(files.size() == 4);
  }
  SECTION("existing metadata is read: a rotated root chain, and versioned files kept") {
    const fs::path repo = tmp / "rotated";
    const std::vector<std::pair<std::string, std::string>> contents = {
        {"hello.txt", "hello, world\n"}};
    const TargetMap on_disk = MakeTargets(tmp / "rotated-src", contents);
    const std::map<std::string, std::string> in_memory(contents.begin(), contents.end());
    REQUIRE_OK(WriteRepository(repo, keys, on_disk, Options()));
    RepositoryKeys next = Clone(keys);
    next.root = Signers(3, 2);
    next.timestamp = Signers(1, 1);
    REQUIRE_OK(RotateRoot(repo, keys.root, next, kFarFuture));
    RepositoryFiles files = FilesUnder(repo);
    CHECK(files.contains("metadata/2.root.json"));

    WriteOptions options = Options(2);
    options.root_version = 2;
    RepositoryFiles stale = files;
    REQUIRE_OK(WriteRepository(repo, next, on_disk, options));
    REQUIRE_OK(WriteRepositoryFiles(files, next, in_memory, options));
    CHECK(files == FilesUnder(repo));

    // The same refusals as on disk: an older root version, and other bytes under a
    // version already published.
    CHECK(WriteRepositoryFiles(stale, next, in_memory, Options(2)).message() ==
          "2.root.json is newer than root_version 1; sign under the newest root");
    std::map<std::string, std::string> more = in_memory;
    more["extra.txt"] = "extra\n";
    CHECK(WriteRepositoryFiles(files, next, more, options).message() ==
          "2.targets.json already exists with other content; raise targets_version");
  }
}

TEST_CASE("Our client and the attack repositories tuf-js is run against", "[tuf]") {
  TempDir tmp;
  GenerateVariants(tmp.path());
  const fs::path out = tmp.path();

  {  // good, hash bins, rotated root and ECDSA keys refresh and download
    for (const char* name : {"good", "rotated", "ecdsa"}) {
      INFO(name);
      DirectoryFetcher fetcher(out / name);
      auto client = Open(fetcher, out / name);
      REQUIRE_OK(client);
      auto hello = client->DownloadTarget("hello.txt");
      REQUIRE_OK(hello);
      CHECK(*hello == "hello, world\n");
    }
    DirectoryFetcher good_fetcher(out / "good");
    auto good = Open(good_fetcher, out / "good");
    REQUIRE_OK(good);
    auto unicode = good->DownloadTarget("docs/\u00fcber \u2603.txt");
    REQUIRE_OK(unicode);
    CHECK(*unicode == "hello, world\n");

    DirectoryFetcher bins_fetcher(out / "bins");
    auto bins = Open(bins_fetcher, out / "bins");
    REQUIRE_OK(bins);
    auto file = bins->DownloadTarget("many/file-0042.txt");
    REQUIRE_OK(file);
    CHECK(*file == "content of many/file-0042.txt\n");
    CHECK(bins->GetTarget("many/file-0042.txt")->role == "bins-d");

    DirectoryFetcher fetcher(out / "rotated");
    auto rotated = Open(fetcher, out / "rotated");
    REQUIRE_OK(rotated);
    REQUIRE_OK(rotated->Refresh());
    CHECK(rotated->root().version == 2);
    CHECK(ParseRoot(rotated->state().root, "r")->role.version == 2);
  }

  {  // tampered target
    DirectoryFetcher fetcher(out / "tampered-target");
    auto client = Open(fetcher, out / "tampered-target");
    REQUIRE_OK(client);
    auto hello = client->DownloadTarget("hello.txt");
    REQUIRE_FALSE(hello.ok());
    CHECK(hello.status().message() ==
          StrCat("target hello.txt: got sha256 ", oci::Digest::OfBytes("HELLO, WORLD\n").hex(),
                 ", want ", oci::Digest::OfBytes("hello, world\n").hex()));
  }

  {  // rollback of timestamp, snapshot and targets
    const TrustedState trusted = Trusted(out / "rollback-new");
    CHECK(RefreshError(out / "rollback-old", trusted) ==
          "timestamp.json: version 1 is older than trusted 2 (rollback)");
    CHECK(RefreshError(out / "rollback-snapshot", trusted) ==
          "snapshot.json: version 1 is older than trusted 2 (rollback)");
    TrustedState newer_targets = trusted;
    newer_targets.timestamp_version = 1;
    newer_targets.snapshot_version = 1;
    newer_targets.meta_versions["targets.json"] = 2;
    CHECK(RefreshError(out / "rollback-old", newer_targets) ==
          "targets.json: version 1 is older than trusted 2 (rollback)");
  }

  {  // expired timestamp
    CHECK(RefreshError(out / "expired-timestamp") ==
          "timestamp.json: expired at 2020-01-01T00:00:00Z");
  }

  {  // unmet thresholds
    CHECK(RefreshError(out / "unmet-threshold") ==
          "2.root.json (by its own keys): signatures by 1 of 2 required keys");
    CHECK(RefreshError(out / "wrong-targets-key") ==
          "targets.json: signatures by 0 of 1 required keys");
  }

  {  // mix-and-match
    CHECK(RefreshError(out / "mix-and-match") ==
          "targets.json: version 1 does not match 2 listed in snapshot.json (mix-and-match)");
  }

  {  // oversized metadata
    CHECK(RefreshError(out / "oversized") ==
          "timestamp.json: metadata/timestamp.json is larger than the 16384-byte limit");
  }
}

TEST_CASE("Root rotation needs the old and the new threshold, and version N+1 exactly", "[tuf]") {
  TempDir tmp;
  const fs::path repo = tmp / "repo";
  const TargetMap targets = StandardTargets(tmp / "src");
  const RepositoryKeys keys = NewKeys();
  REQUIRE_OK(WriteRepository(repo, keys, targets, Options()));
  PublishRoot(repo);
  const RepositoryKeys next = NewKeys();
  auto root_json = [&](std::int64_t version) {
    auto next_key = KeyFromPublic(next.root.keys[0].public_key());
    REQUIRE_OK(next_key);
    auto value = *json::Parse(ReadFile(repo / "metadata" / "1.root.json"), "r");
    json::Json s = value["signed"];
    s["version"] = version;
    s["keys"][KeyId(*next_key)] = KeyToJson(*next_key);
    s["roles"]["root"]["keyids"] = {KeyId(*next_key)};
    return s;
  };

  SECTION("signed by the new key only") {
    auto bytes = SignMetadata(root_json(2), Pointers(next.root), "2");
    REQUIRE_OK(bytes);
    WriteFile(repo / "metadata" / "2.root.json", *bytes);
    CHECK(RefreshError(repo) ==
          "2.root.json (by the keys of trusted root version 1): signatures by 0 of 1 required "
          "keys");
  }
  SECTION("signed by the old key only") {
    auto bytes = SignMetadata(root_json(2), Pointers(keys.root), "2");
    REQUIRE_OK(bytes);
    WriteFile(repo / "metadata" / "2.root.json", *bytes);
    CHECK(RefreshError(repo) ==
          "2.root.json (by its own keys): signatures by 0 of 1 required keys");
  }
  SECTION("skipping a version") {
    std::vector<const sign::PrivateKey*> both = Pointers(keys.root);
    both.push_back(&next.root.keys[0]);
    auto bytes = SignMetadata(root_json(3), both, "2");
    REQUIRE_OK(bytes);
    WriteFile(repo / "metadata" / "2.root.json", *bytes);
    CHECK(RefreshError(repo) == "2.root.json: version 3, want exactly 2");
  }
  SECTION("RotateRoot refuses old keys that do not meet the old threshold") {
    auto rotated = RotateRoot(repo, next.root, next, kFarFuture);
    REQUIRE_FALSE(rotated.ok());
    CHECK(rotated.status().message() ==
          "2.root.json (by the keys of 1.root.json): signatures by 0 of 1 required keys");
    CHECK_FALSE(fs::exists(repo / "metadata" / "2.root.json"));
  }
  SECTION("a 2-of-3 root rotates to a 2-of-2 one; the persisted root is used next time") {
    const fs::path repo2 = tmp / "repo2";
    RepositoryKeys three = NewKeys();
    three.root = Signers(3, 2);
    REQUIRE_OK(WriteRepository(repo2, three, targets, Options()));
    PublishRoot(repo2);
    RepositoryKeys two = Clone(three);
    two.root = Signers(2, 2);
    RoleSigners old_two;  // two of the three old keys are enough
    old_two.keys.push_back(Clone(three.root.keys[0]));
    old_two.keys.push_back(Clone(three.root.keys[2]));
    old_two.threshold = 2;
    REQUIRE_OK(RotateRoot(repo2, old_two, two, kFarFuture));
    const TrustedState state = Trusted(repo2);
    CHECK(ParseRoot(state.root, "r")->role.version == 2);
    // The timestamp and snapshot keys did not change, so their versions were kept.
    CHECK(state.timestamp_version == 1);
    // Starting from the persisted root, the client does not need 1.root.json any more.
    fs::remove(repo2 / "metadata" / "1.root.json");
    DirectoryFetcher fetcher(repo2);
    auto client = Open(fetcher, repo2, state);
    REQUIRE_OK(client);
    REQUIRE_OK(client->Refresh());
    CHECK(client->root().version == 2);
  }
}

TEST_CASE("Rotating the timestamp key recovers from a fast-forward attack", "[tuf]") {
  TempDir tmp;
  const fs::path repo = tmp / "repo";
  const TargetMap targets = StandardTargets(tmp / "src");
  const RepositoryKeys keys = NewKeys();
  REQUIRE_OK(WriteRepository(repo, keys, targets, Options()));
  PublishRoot(repo);
  TrustedState fast_forwarded = Trusted(repo);
  fast_forwarded.timestamp_version = 1000;  // what a stolen timestamp key made clients trust
  CHECK(RefreshError(repo, fast_forwarded) ==
        "timestamp.json: version 1 is older than trusted 1000 (rollback)");

  RepositoryKeys next = Clone(keys);
  next.timestamp = Signers(1, 1);
  REQUIRE_OK(RotateRoot(repo, keys.root, next, kFarFuture));
  WriteOptions options = Options(1);
  options.root_version = 2;
  options.timestamp_version = 2;
  REQUIRE_OK(WriteRepository(repo, next, targets, options));
  DirectoryFetcher fetcher(repo);
  auto client = Open(fetcher, repo, fast_forwarded);
  REQUIRE_OK(client);
  REQUIRE_OK(client->Refresh());
  CHECK(client->state().timestamp_version == 2);
}

TEST_CASE("Hash-bin delegations spread many targets over succinct bins", "[tuf]") {
  TempDir tmp;
  std::vector<std::pair<std::string, std::string>> files;
  for (int i = 0; i < 1500; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "many/file-%04d.txt", i);
    files.emplace_back(name, StrCat("content of ", name, "\n"));
  }
  const TargetMap targets = MakeTargets(tmp / "src", files);
  RepositoryKeys keys = NewKeys();
  keys.bins = Signers(1, 1);
  WriteOptions options = Options();
  options.hash_bin_count = 1024;          // 3 hex digits
  options.snapshot_lists_hashes = false;  // so a re-signed bin reaches the signature check
  options.durable = false;                // 1024 bins: skip the fsyncs
  const fs::path repo = tmp / "repo";
  REQUIRE_OK(WriteRepository(repo, keys, targets, options));
  PublishRoot(repo);

  auto top = ParseTargets(ReadFile(repo / "metadata" / "1.targets.json"), "targets.json");
  REQUIRE_OK(top);
  CHECK(top->role.targets.empty());
  REQUIRE(top->role.delegations);
  REQUIRE(top->role.delegations->succinct_roles);
  CHECK(top->role.delegations->succinct_roles->bit_length == 10);
  CHECK(fs::exists(repo / "metadata" / "1.bins-000.json"));
  CHECK(fs::exists(repo / "metadata" / "1.bins-3ff.json"));
  auto snapshot = ParseSnapshot(ReadFile(repo / "metadata" / "1.snapshot.json"), "snapshot.json");
  REQUIRE_OK(snapshot);
  CHECK(snapshot->role.meta.size() == 1025);

  DirectoryFetcher fetcher(repo);
  auto client = Open(fetcher, repo);
  REQUIRE_OK(client);
  for (const char* name : {"many/file-0000.txt", "many/file-0042.txt", "many/file-1499.txt"}) {
    INFO(name);
    auto target = client->GetTarget(name);
    REQUIRE_OK(target);
    CHECK(target->role == BinName(*top->role.delegations->succinct_roles, BinIndex(10, name)));
    auto bytes = client->DownloadTarget(name);
    REQUIRE_OK(bytes);
    CHECK(*bytes == StrCat("content of ", name, "\n"));
  }
  CHECK(client->GetTarget("many/file-0042.txt")->role == "bins-37e");  // computed independently

  // A bin signed by a key the delegation does not name (here root's targets key) is refused.
  Resign(repo, "1.bins-37e.json", Pointers(keys.targets), [](json::Json&) {});
  DirectoryFetcher again(repo);
  auto fresh = Open(again, repo);
  REQUIRE_OK(fresh);
  CHECK(fresh->GetTarget("many/file-0042.txt").status().message() ==
        "bins-37e.json: signatures by 0 of 1 required keys");
}

TEST_CASE("Delegation paths, hash prefixes and bin names", "[tuf]") {
  CHECK(PathMatchesPattern("images/alpine.tar", "images/*"));
  CHECK_FALSE(PathMatchesPattern("images/x/alpine.tar", "images/*"));  // '*' stops at '/'
  CHECK(PathMatchesPattern("a/b.txt", "?/*.txt"));
  CHECK_FALSE(PathMatchesPattern("A/b.txt", "a/*"));  // case-sensitive
  CHECK(PathMatchesPattern("v1.2/x", "v[0-9].[!a-z]/x"));
  CHECK_FALSE(PathMatchesPattern("abc", "ab"));
  CHECK(PathMatchesPattern("", "*"));
  CHECK(BinIndex(2, "images/alpine.oci.tar") == 1);  // tuf-js resolved it to bin 1
  SuccinctRoles bins{{}, 10, "images-bin"};
  CHECK(BinName(bins, 5) == "images-bin-005");
  CHECK(IsBinName(bins, "images-bin-3ff"));
  CHECK_FALSE(IsBinName(bins, "images-bin-400"));
  CHECK_FALSE(IsBinName(bins, "images-bin-05"));

  DelegatedRole role;
  role.name = "images";
  role.path_hash_prefixes =
      std::vector<std::string>{oci::Digest::OfBytes("images/alpine.tar").hex().substr(0, 2)};
  CHECK(DelegatesPath(role, "images/alpine.tar"));
  Delegations delegations;
  delegations.roles = {role};
  CHECK(DelegatedRoleKeys(delegations, "images") != nullptr);
  CHECK(DelegatedRoleKeys(delegations, "other") == nullptr);
  CHECK(RolesForTarget(delegations, "images/alpine.tar").size() == 1);
}

TEST_CASE("Limits bound every metadata fetch; repositories without consistent snapshots work",
          "[tuf]") {
  TempDir tmp;
  const TargetMap targets = StandardTargets(tmp / "src");
  WriteOptions options = Options();
  options.consistent_snapshot = false;
  const fs::path repo = tmp / "repo";
  REQUIRE_OK(WriteRepository(repo, NewKeys(), targets, options));
  PublishRoot(repo);
  CHECK(fs::exists(repo / "metadata" / "targets.json"));
  CHECK(fs::exists(repo / "targets" / "images" / "alpine.oci.tar"));

  DirectoryFetcher fetcher(repo);
  auto client = Open(fetcher, repo);
  REQUIRE_OK(client);
  auto image = client->DownloadTarget("images/alpine.oci.tar");
  REQUIRE_OK(image);
  CHECK(*image == RandomBytes(7, 5000));

  ClientOptions small;
  small.now = kNow;
  small.limits.root = 100;
  auto limited = Client::Create(fetcher, ReadFile(repo / "root.json"), small);
  REQUIRE_OK(limited);
  WriteFile(repo / "metadata" / "2.root.json", ReadFile(repo / "metadata" / "1.root.json"));
  CHECK(limited->Refresh().message() ==
        "2.root.json: metadata/2.root.json is larger than the 100-byte limit");

  // An unknown hash algorithm cannot be checked, so the target is refused.
  CHECK(HashBytes("x", Hashes{{"md5", ""}}).status().message() ==
        "hash algorithm \"md5\" not supported; want sha256 or sha512");
}

TEST_CASE("Bad writer input is refused before anything is written", "[tuf]") {
  TempDir tmp;
  const TargetMap targets = StandardTargets(tmp / "src");
  const RepositoryKeys keys = NewKeys();
  for (const char* bad : {"/abs", "a//b", "a/../b", "./a", "a\\b", "tab\there"}) {
    INFO(bad);
    TargetMap t{{bad, targets.at("hello.txt")}};
    CHECK(WriteRepository(tmp / "bad", keys, t, Options()).code() == Code::kInvalidArgument);
  }
  WriteOptions no_expiry = Options();
  no_expiry.timestamp_expires = 0;
  CHECK(WriteRepository(tmp / "r", keys, targets, no_expiry).message() ==
        "TUF write options: timestamp_expires not set");
  WriteOptions odd_bins = Options();
  odd_bins.hash_bin_count = 12;
  CHECK(WriteRepository(tmp / "r", keys, targets, odd_bins).message() ==
        "TUF write options: hash_bin_count 12 is not a power of two in 2..65536");
  RepositoryKeys greedy = Clone(keys);
  greedy.root.threshold = 2;
  CHECK(WriteRepository(tmp / "r", greedy, targets, Options()).message() ==
        "root role: threshold 2 is not between 1 and its 1 distinct keys");
  WriteOptions later_root = Options();
  later_root.root_version = 2;
  CHECK(WriteRepository(tmp / "r2", keys, targets, later_root).message() ==
        "2.root.json does not exist; create root versions after 1 with RotateRoot");
}

// Writes the repositories conformance/tuf/tuf_js.sh serves to tuf-js. Hidden: run with
// EC_TUF_OUT=<dir> ec_unit_tests "[.tuf-js]".
TEST_CASE("Generate TUF repositories for tuf-js", "[.tuf-js]") {
  const char* out = std::getenv("EC_TUF_OUT");
  REQUIRE(out != nullptr);
  fs::create_directories(out);
  GenerateVariants(out);
}

}  // namespace ec::tuf
