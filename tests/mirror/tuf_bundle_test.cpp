// TUF for mirror bundles: keyrings with thresholds (root keys partly offline), rotation,
// signing a bundle directory or in memory, and verifying the signed files (mirror.json and
// provenance.dsse.json) against TUF.
#include "mirror/tuf_bundle.h"

#include "oci/digest.h"
#include "support/test_support.h"
#include "tuf/metadata.h"
#include "tuf/trusted_state.h"

namespace ec::mirror {
namespace {

namespace fs = std::filesystem;
using ec::testing::ReadFile;
using ec::testing::TempDir;
using ec::testing::WriteFile;

constexpr std::int64_t kCreated = 1700000000;  // 2023-11-14T22:13:20Z
constexpr std::int64_t kNow = kCreated + 60;
constexpr std::int64_t kValidity = 30 * 86400;
constexpr std::int64_t kFarFuture = 4102444800;  // 2100-01-01T00:00:00Z

const std::string kProvenance =
    R"({"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[]})";

// A bundle directory holding mirror.json, and provenance.dsse.json when given; returns
// mirror.json's bytes.
std::string MakeBundle(const fs::path& dir, const std::string& name,
                       const std::optional<std::string>& provenance = std::nullopt) {
  BundleManifest manifest;
  manifest.name = name;
  manifest.generated_at = "2023-11-14T22:13:20Z";
  const std::string bytes = manifest.Serialize();
  WriteFile(dir / "mirror.json", bytes);
  if (provenance) WriteFile(dir / "provenance.dsse.json", *provenance);
  return bytes;
}

// Every file under `dir`, by "<prefix>/<path relative to dir>".
std::map<std::string, std::string> FilesUnder(const fs::path& dir, const std::string& prefix) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      out[prefix + "/" + fs::relative(entry.path(), dir).generic_string()] = ReadFile(entry.path());
    }
  }
  return out;
}

TufKeyring Load(const fs::path& dir) {
  auto ring = LoadTufKeyring(dir);
  REQUIRE_OK(ring);
  return std::move(ring).value();
}

std::string Hex(std::string_view bytes) { return oci::Digest::OfBytes(bytes).hex(); }

std::int64_t RootVersion(const tuf::TrustedState& state) {
  auto root = tuf::ParseRoot(state.root, "trusted root");
  REQUIRE_OK(root);
  return root->role.version;
}

}  // namespace

TEST_CASE("A 2-of-3 root, 2-of-2 targets keyring signs bundles, root keys partly offline",
          "[mirror][tuf]") {
  TempDir tmp;
  const fs::path keyring = tmp / "keyring";
  auto counts = ParseTufRoleCounts({"root=3", "targets=2"}, {"root=2", "targets=2"});
  REQUIRE_OK(counts);
  REQUIRE_OK(InitTufKeyring(keyring, kFarFuture, *counts));
  for (const char* file : {"root.key", "root.2.key", "root.3.key", "targets.key", "targets.2.key",
                           "snapshot.key", "timestamp.key"}) {
    INFO(file);
    CHECK(fs::exists(keyring / "keys" / file));
  }
  CHECK_FALSE(fs::exists(keyring / "keys" / "root.4.key"));
  CHECK_FALSE(fs::exists(keyring / "keys" / "snapshot.2.key"));
  const std::string trusted_root = ReadFile(keyring / "root.json");
  CHECK(trusted_root == ReadFile(keyring / "metadata" / "1.root.json"));

  const TufKeyring ring = Load(keyring);
  CHECK(ring.root_version == 1);
  CHECK(ring.keys.root.keys.size() == 3);
  CHECK(ring.keys.root.threshold == 2);
  CHECK(ring.keys.targets.keys.size() == 2);
  CHECK(ring.keys.targets.threshold == 2);
  CHECK(ring.keys.snapshot.keys.size() == 1);
  CHECK(ring.keys.snapshot.threshold == 1);
  CHECK(ring.root.roles.at("root").keyids.size() == 3);
  CHECK(ring.root.roles.at("root").threshold == 2);

  const fs::path first = tmp / "first";
  MakeBundle(first, "first");
  REQUIRE_OK(SignBundle(first, ring, kCreated, kValidity));
  auto targets_json = tuf::ParseTargets(
      ReadFile(first / "tuf" / "metadata" / StrCat(kCreated, ".targets.json")), "targets.json");
  REQUIRE_OK(targets_json);
  CHECK(targets_json->signatures.size() == 2);  // both targets keys sign
  tuf::TrustedState state;
  auto verified = VerifyBundle(first, trusted_root, kNow, &state);
  REQUIRE_OK(verified);
  CHECK(verified->manifest.name == "first");
  CHECK(verified->manifest_bytes == ReadFile(first / "mirror.json"));
  CHECK_FALSE(verified->provenance.has_value());
  CHECK(state.timestamp_version == kCreated);
  CHECK(RootVersion(state) == 1);

  SECTION("below the targets threshold, signing is refused") {
    fs::remove(keyring / "keys" / "targets.2.key");
    const TufKeyring short_ring = Load(keyring);
    CHECK(short_ring.keys.targets.keys.size() == 1);
    const fs::path second = tmp / "second";
    MakeBundle(second, "second");
    const Status status = SignBundle(second, short_ring, kCreated + 1, kValidity);
    CHECK(status.code() == Code::kFailedPrecondition);
    CHECK(status.message() ==
          StrCat("tuf keyring ", keyring.string(), ": role targets has 1 key here, threshold 2"));
    CHECK_FALSE(fs::exists(second / "tuf"));
  }

  SECTION("root keys offline: signing needs none, rotating needs the old root threshold") {
    fs::remove(keyring / "keys" / "root.key");
    fs::remove(keyring / "keys" / "root.2.key");
    const TufKeyring offline = Load(keyring);
    CHECK(offline.keys.root.keys.size() == 1);
    CHECK(offline.keys.root.threshold == 2);
    const fs::path second = tmp / "second";
    MakeBundle(second, "second");
    REQUIRE_OK(SignBundle(second, offline, kCreated + 1, kValidity));
    REQUIRE_OK(VerifyBundle(second, trusted_root, kNow, &state));
    CHECK(state.timestamp_version == kCreated + 1);

    const std::string root_key = ReadFile(keyring / "keys" / "root.3.key");
    auto rotated = RotateTufKeyring(keyring, kFarFuture);
    REQUIRE_FALSE(rotated.ok());
    CHECK(rotated.status().message() ==
          StrCat("tuf rotate ", keyring.string(),
                 ": 2.root.json (by the keys of 1.root.json): signatures by 1 of 2 required keys"));
    CHECK_FALSE(fs::exists(keyring / "metadata" / "2.root.json"));
    CHECK(ReadFile(keyring / "keys" / "root.3.key") == root_key);
  }

  SECTION("rotation keeps counts and thresholds; the old trusted root follows it") {
    auto version = RotateTufKeyring(keyring, kFarFuture);
    REQUIRE_OK(version);
    CHECK(*version == 2);
    const TufKeyring next = Load(keyring);
    CHECK(next.root_version == 2);
    CHECK(next.keys.root.keys.size() == 3);
    CHECK(next.keys.root.threshold == 2);
    CHECK(next.keys.targets.keys.size() == 2);
    CHECK(next.keys.targets.threshold == 2);
    CHECK(next.keys.timestamp.keys.size() == 1);
    CHECK(next.root.roles.at("targets").keyids != ring.root.roles.at("targets").keyids);
    CHECK(ReadFile(keyring / "root.json") == trusted_root);  // what importers carry stays

    const fs::path later = tmp / "later";
    MakeBundle(later, "later");
    REQUIRE_OK(SignBundle(later, next, kCreated + 60, kValidity));
    CHECK(fs::exists(later / "tuf" / "metadata" / "1.root.json"));
    CHECK(fs::exists(later / "tuf" / "metadata" / "2.root.json"));
    auto from_old = VerifyBundle(later, trusted_root, kNow + 60, &state);
    REQUIRE_OK(from_old);
    CHECK(from_old->manifest.name == "later");
    CHECK(RootVersion(state) == 2);
    CHECK(state.timestamp_version == kCreated + 60);
    // A fresh importer holding only root.json version 1 follows too.
    REQUIRE_OK(VerifyBundle(later, trusted_root, kNow + 60, nullptr));
  }

  SECTION("--keys and --threshold change what rotation keeps") {
    auto fewer = ParseTufRoleCounts({"targets=1"}, {});
    REQUIRE_OK(fewer);
    const auto refused = RotateTufKeyring(keyring, kFarFuture, *fewer);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().message() ==
          StrCat("tuf rotate ", keyring.string(),
                 ": role targets: threshold 2 needs at least 2 keys, got 1"));
    CHECK_FALSE(fs::exists(keyring / "metadata" / "2.root.json"));

    auto changed = ParseTufRoleCounts({"targets=1"}, {"targets=1", "root=1"});
    REQUIRE_OK(changed);
    REQUIRE_OK(RotateTufKeyring(keyring, kFarFuture, *changed));
    const TufKeyring next = Load(keyring);
    CHECK(next.keys.root.keys.size() == 3);
    CHECK(next.keys.root.threshold == 1);
    CHECK(next.keys.targets.keys.size() == 1);
    CHECK(next.keys.targets.threshold == 1);
    CHECK(next.root.roles.at("targets").keyids.size() == 1);
    CHECK_FALSE(fs::exists(keyring / "keys" / "targets.2.key"));  // the old second key is gone
  }
}

TEST_CASE("Keyring key files must be distinct keys the newest root lists", "[mirror][tuf]") {
  TempDir tmp;
  const fs::path keyring = tmp / "keyring";
  REQUIRE_OK(InitTufKeyring(keyring, kFarFuture));
  // A one-key keyring keeps the layout keyrings always had.
  for (const auto& entry : fs::directory_iterator(keyring / "keys")) {
    const std::string name = entry.path().filename().string();
    INFO(name);
    CHECK((name == "root.key" || name == "targets.key" || name == "snapshot.key" ||
           name == "timestamp.key"));
  }
  const TufKeyring ring = Load(keyring);
  CHECK(ring.keys.targets.keys.size() == 1);

  SECTION("a key of another role") {
    WriteFile(keyring / "keys" / "targets.2.key", ReadFile(keyring / "keys" / "snapshot.key"));
    CHECK(LoadTufKeyring(keyring).status().message() ==
          StrCat("tuf keyring ", keyring.string(),
                 ": keys/targets.2.key is not a targets key of 1.root.json"));
  }
  SECTION("the same key twice") {
    WriteFile(keyring / "keys" / "targets.2.key", ReadFile(keyring / "keys" / "targets.key"));
    CHECK(LoadTufKeyring(keyring).status().message() ==
          StrCat("tuf keyring ", keyring.string(),
                 ": keys/targets.2.key holds the same key as keys/targets.key"));
  }
  SECTION("init refuses a keyring directory") {
    CHECK(InitTufKeyring(keyring, kFarFuture).message() ==
          StrCat("tuf init ", keyring.string(),
                 ": already holds a keyring; use `export-center tuf rotate`"));
  }
}

TEST_CASE("tuf init and rotate check their --keys and --threshold values and the counts they give",
          "[mirror][tuf]") {
  CHECK(ParseTufRoleCounts({"root"}, {}).status().message() == "--keys \"root\": want ROLE=N");
  CHECK(ParseTufRoleCounts({}, {"root="}).status().message() ==
        "--threshold \"root=\": want ROLE=T");
  CHECK(ParseTufRoleCounts({"manager=2"}, {}).status().message() ==
        "--keys manager=2: unknown role \"manager\"; want root, targets, snapshot or timestamp");
  CHECK(ParseTufRoleCounts({"root=two"}, {}).status().message() ==
        "--keys root=two: \"two\" is not a whole number");
  CHECK(ParseTufRoleCounts({}, {"root=-1"}).status().message() ==
        "--threshold root=-1: \"-1\" is not a whole number");
  CHECK(ParseTufRoleCounts({"root=3", "root=2"}, {}).status().message() ==
        "--keys root=2: role root given twice");
  auto counts = ParseTufRoleCounts({"root=3", "targets=2"}, {"root=2"});
  REQUIRE_OK(counts);
  CHECK(counts->keys == std::map<std::string, std::int64_t>{{"root", 3}, {"targets", 2}});
  CHECK(counts->thresholds == std::map<std::string, std::int64_t>{{"root", 2}});

  TempDir tmp;
  auto init_error = [&](const TufRoleCounts& c) {
    const Status status = InitTufKeyring(tmp / "k", kFarFuture, c);
    CHECK(status.code() == Code::kInvalidArgument);
    CHECK_FALSE(fs::exists(tmp / "k"));
    return status.message();
  };
  const std::string prefix = StrCat("tuf init ", (tmp / "k").string(), ": ");
  TufRoleCounts zero;
  zero.thresholds["snapshot"] = 0;
  CHECK(init_error(zero) == prefix + "role snapshot: threshold 0 is less than 1");
  TufRoleCounts greedy;
  greedy.thresholds["root"] = 2;
  CHECK(init_error(greedy) == prefix + "role root: threshold 2 needs at least 2 keys, got 1");
  TufRoleCounts many;
  many.keys["timestamp"] = 65;
  CHECK(init_error(many) == prefix + "role timestamp: got 65 keys, want at most 64");
  TufRoleCounts unknown;
  unknown.keys["manager"] = 1;
  CHECK(init_error(unknown) ==
        prefix + "unknown role \"manager\"; want root, targets, snapshot or timestamp");
}

TEST_CASE("BundleTufFiles gives the bytes SignBundle writes", "[mirror][tuf]") {
  TempDir tmp;
  const fs::path keyring = tmp / "keyring";
  REQUIRE_OK(InitTufKeyring(keyring, kFarFuture));
  REQUIRE_OK(RotateTufKeyring(keyring, kFarFuture));  // two root versions to carry
  const TufKeyring ring = Load(keyring);
  const fs::path bundle = tmp / "bundle";
  const std::string manifest = MakeBundle(bundle, "b", kProvenance);
  REQUIRE_OK(SignBundle(bundle, ring, kCreated, kValidity));

  auto files = BundleTufFiles(
      ring, {{"mirror.json", manifest}, {"provenance.dsse.json", kProvenance}}, kCreated, kValidity);
  REQUIRE_OK(files);
  CHECK(*files == FilesUnder(bundle / "tuf", "tuf"));
  for (const std::string& path :
       {std::string("tuf/metadata/1.root.json"), std::string("tuf/metadata/2.root.json"),
        StrCat("tuf/metadata/", kCreated, ".targets.json"),
        StrCat("tuf/metadata/", kCreated, ".snapshot.json"),
        std::string("tuf/metadata/timestamp.json"),
        StrCat("tuf/targets/", Hex(manifest), ".mirror.json"),
        StrCat("tuf/targets/", Hex(kProvenance), ".provenance.dsse.json")}) {
    INFO(path);
    CHECK(files->contains(path));
  }
  CHECK(files->size() == 7);
  CHECK(files->at("tuf/metadata/1.root.json") == ReadFile(keyring / "metadata" / "1.root.json"));

  // Signing again replaces tuf/ rather than mixing two signings.
  WriteFile(bundle / "tuf" / "metadata" / "stray.json", "{}");
  REQUIRE_OK(SignBundle(bundle, ring, kCreated, kValidity));
  CHECK(*files == FilesUnder(bundle / "tuf", "tuf"));

  CHECK(BundleTufFiles(ring, {{"provenance.dsse.json", kProvenance}}, kCreated, kValidity)
            .status()
            .message() == "bundle TUF targets: no mirror.json; every bundle has one");
  CHECK(BundleTufFiles(ring, {{"mirror.json", manifest}, {"notes.txt", "x"}}, kCreated, kValidity)
            .status()
            .message() ==
        "bundle TUF target \"notes.txt\": want one of mirror.json, provenance.dsse.json");
}

TEST_CASE("VerifyBundle holds provenance.dsse.json to what TUF signed, as mirror.json",
          "[mirror][tuf]") {
  TempDir tmp;
  const fs::path keyring = tmp / "keyring";
  REQUIRE_OK(InitTufKeyring(keyring, kFarFuture));
  const TufKeyring ring = Load(keyring);
  const std::string trusted_root = ReadFile(keyring / "root.json");
  const fs::path bundle = tmp / "bundle";
  tuf::TrustedState state;
  auto error = [&]() {
    auto verified = VerifyBundle(bundle, trusted_root, kNow, &state);
    REQUIRE_FALSE(verified.ok());
    CHECK(verified.status().code() == Code::kDataLoss);
    CHECK(state.timestamp_version == 0);  // nothing trusted from a refused bundle
    return verified.status().message();
  };

  SECTION("signed provenance is handed back") {
    MakeBundle(bundle, "b", kProvenance);
    REQUIRE_OK(SignBundle(bundle, ring, kCreated, kValidity));
    auto verified = VerifyBundle(bundle, trusted_root, kNow, &state);
    REQUIRE_OK(verified);
    CHECK(verified->manifest.name == "b");
    REQUIRE(verified->provenance.has_value());
    CHECK(*verified->provenance == kProvenance);
  }
  SECTION("a provenance TUF does not sign") {
    MakeBundle(bundle, "b");
    REQUIRE_OK(SignBundle(bundle, ring, kCreated, kValidity));
    WriteFile(bundle / "provenance.dsse.json", kProvenance);
    CHECK(error() == StrCat(bundle.string(),
                            "/provenance.dsse.json: the bundle carries it but TUF does not sign it"));
  }
  SECTION("a modified provenance") {
    MakeBundle(bundle, "b", kProvenance);
    REQUIRE_OK(SignBundle(bundle, ring, kCreated, kValidity));
    const std::string modified = kProvenance + "\n";
    WriteFile(bundle / "provenance.dsse.json", modified);
    CHECK(error() == StrCat(bundle.string(), "/provenance.dsse.json: got sha256 ", Hex(modified),
                            ", want ", Hex(kProvenance),
                            " (the provenance.dsse.json TUF signed)"));
  }
  SECTION("a signed provenance the bundle lost") {
    MakeBundle(bundle, "b", kProvenance);
    REQUIRE_OK(SignBundle(bundle, ring, kCreated, kValidity));
    fs::remove(bundle / "provenance.dsse.json");
    CHECK(error() == StrCat(bundle.string(),
                            "/provenance.dsse.json: TUF signs it but the bundle does not carry it"));
  }
  SECTION("a modified mirror.json") {
    const std::string manifest = MakeBundle(bundle, "b");
    REQUIRE_OK(SignBundle(bundle, ring, kCreated, kValidity));
    const std::string other = MakeBundle(bundle, "other");
    CHECK(error() == StrCat(bundle.string(), "/mirror.json: got sha256 ", Hex(other), ", want ",
                            Hex(manifest), " (the mirror.json TUF signed)"));
  }
}

}  // namespace ec::mirror
