#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>

#include "oci/remote/credentials.h"
#include "support/test_support.h"

namespace ec::oci::remote {
namespace {

namespace fs = std::filesystem;

using ScratchDir = ec::testing::TempDir;

// Sets an environment variable for the scope, restoring (or unsetting) it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

void WriteText(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

CredentialStore MustLoad(const fs::path& path) {
  auto r = CredentialStore::Load(path);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return std::move(r).value();
}

Credential MustLookup(const CredentialStore& store, std::string_view host) {
  auto r = store.Lookup(host);
  INFO(host << ": " << r.status().message());
  REQUIRE(r.ok());
  return *r;
}

void CheckCredential(const Credential& c, std::string_view user, std::string_view password,
                     bool identity_token = false) {
  CHECK(c.username == user);
  CHECK(c.password == password);
  CHECK(c.identity_token == identity_token);
}

// A helper that answers by server URL; installed as docker-credential-ectest in `dir`.
constexpr std::string_view kHelperScript = R"(#!/bin/sh
read -r url
case "$url" in
  found.example|localhost:5000)
    printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}\n' "$url" ;;
  token.example)
    printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-token"}' "$url" ;;
  https://index.docker.io/v1/)
    printf '{"ServerURL":"%s","Username":"hub-user","Secret":"hub-secret"}' "$url" ;;
  broken.example)
    echo "error getting credentials - err: exit status 1, out: keychain locked"
    echo "second line"
    exit 3 ;;
  stderr.example)
    echo "boom on stderr" >&2
    exit 2 ;;
  garbage.example)
    echo 'not json {"Secret":"leaked-secret"}' ;;
  big.example)
    head -c 70000 /dev/zero | tr '\0' a ;;
  *)
    echo "credentials not found in native keychain"
    exit 1 ;;
esac
)";

// Puts docker-credential-ectest (and docker-credential-ecquick, which never reads stdin) on
// PATH for the life of the object.
class HelperOnPath {
 public:
  HelperOnPath() {
    WriteScript("docker-credential-ectest", kHelperScript);
    WriteScript("docker-credential-ecquick",
                "#!/bin/sh\necho '{\"Username\":\"quick\",\"Secret\":\"pw\"}'\n");
    const char* old = std::getenv("PATH");
    path_env_.emplace("PATH", StrCat(dir_.path().string(), ":", old ? old : "/usr/bin:/bin"));
  }
  const fs::path& dir() const { return dir_.path(); }

 private:
  void WriteScript(const std::string& name, std::string_view text) {
    WriteText(dir_.path() / name, text);
    fs::permissions(dir_.path() / name, fs::perms::owner_all | fs::perms::group_read |
                                            fs::perms::group_exec);
  }
  ScratchDir dir_;
  std::optional<ScopedEnv> path_env_;
};

}  // namespace

TEST_CASE("auths entries are read from base64 auth and from username and password",
          "[oci][remote]") {
  ScratchDir dir;
  // "alice:s3cr:et" and "nocolon".
  WriteText(dir.path() / "config.json", R"({
    "auths": {
      "localhost:5000": {"auth": "YWxpY2U6czNjcjpldA=="},
      "registry.example": {"username": "bob", "password": "pw"},
      "unpadded.example": {"auth": "YWxpY2U6czNjcjpldA"},
      "token.example": {"auth": "dXNlcjo=", "identitytoken": "refresh"}
    }
  })");
  CredentialStore store = MustLoad(dir.path() / "config.json");
  CheckCredential(MustLookup(store, "localhost:5000"), "alice", "s3cr:et");
  CheckCredential(MustLookup(store, "registry.example"), "bob", "pw");
  CheckCredential(MustLookup(store, "unpadded.example"), "alice", "s3cr:et");
  CheckCredential(MustLookup(store, "token.example"), "user", "refresh", true);
  Credential none = MustLookup(store, "other.example");
  CHECK(none.empty());
  CHECK_FALSE(none.identity_token);
}

TEST_CASE("auths keys written as URLs and Docker Hub aliases match the registry host",
          "[oci][remote]") {
  ScratchDir dir;
  WriteText(dir.path() / "config.json", R"({"auths": {
    "https://ghcr.io": {"username": "g", "password": "1"},
    "http://Insecure.Example:5000": {"username": "i", "password": "2"},
    "https://quay.io/v1/": {"username": "q", "password": "3"},
    "https://index.docker.io/v1/": {"username": "d", "password": "4"}
  }})");
  CredentialStore store = MustLoad(dir.path() / "config.json");
  CheckCredential(MustLookup(store, "ghcr.io"), "g", "1");
  CheckCredential(MustLookup(store, "insecure.example:5000"), "i", "2");
  CheckCredential(MustLookup(store, "quay.io"), "q", "3");
  CheckCredential(MustLookup(store, "docker.io"), "d", "4");
  CheckCredential(MustLookup(store, "registry-1.docker.io"), "d", "4");
  CHECK(MustLookup(store, "insecure.example").empty());

  WriteText(dir.path() / "hub.json", R"({"auths": {"index.docker.io": {"auth": "aHViOnB3"}}})");
  CheckCredential(MustLookup(MustLoad(dir.path() / "hub.json"), "docker.io"), "hub", "pw");
}

TEST_CASE("An exact auths key is preferred and empty entries are skipped", "[oci][remote]") {
  ScratchDir dir;
  WriteText(dir.path() / "config.json", R"({"auths": {
    "https://r.example": {"username": "url", "password": "1"},
    "r.example": {"username": "exact", "password": "2"},
    "https://s.example": {},
    "s.example/": {"auth": ""},
    "http://s.example": {"username": "s", "password": "3"}
  }})");
  CredentialStore store = MustLoad(dir.path() / "config.json");
  CheckCredential(MustLookup(store, "r.example"), "exact", "2");
  CheckCredential(MustLookup(store, "s.example"), "s", "3");
}

TEST_CASE("An auth that is not base64 of user:password fails only its own lookup",
          "[oci][remote]") {
  ScratchDir dir;
  const fs::path config = dir.path() / "config.json";
  WriteText(config, R"({"auths": {
    "bad.example": {"auth": "%%%"},
    "nocolon.example": {"auth": "bm9jb2xvbg=="},
    "type.example": {"username": 7},
    "good.example": {"username": "u", "password": "p"}
  }})");
  CredentialStore store = MustLoad(config);
  auto bad = store.Lookup("bad.example");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Code::kInvalidArgument);
  CHECK(bad.status().message() ==
        config.string() + " auths[\"bad.example\"]: auth is not base64 of user:password");
  auto nocolon = store.Lookup("nocolon.example");
  REQUIRE_FALSE(nocolon.ok());
  CHECK(nocolon.status().message() ==
        config.string() + " auths[\"nocolon.example\"]: auth is not base64 of user:password");
  auto type = store.Lookup("type.example");
  REQUIRE_FALSE(type.ok());
  CHECK(type.status().message() ==
        config.string() + " auths[\"type.example\"]: \"username\" is not a string");
  CheckCredential(MustLookup(store, "good.example"), "u", "p");
}

TEST_CASE("A missing or empty config.json is an empty store", "[oci][remote]") {
  ScratchDir dir;
  CredentialStore missing = MustLoad(dir.path() / "nope" / "config.json");
  CHECK(MustLookup(missing, "docker.io").empty());
  WriteText(dir.path() / "empty.json", " \n");
  CHECK(MustLookup(MustLoad(dir.path() / "empty.json"), "docker.io").empty());
  CHECK(MustLookup(CredentialStore::Empty(), "localhost:5000").empty());
}

TEST_CASE("A config.json that does not parse is an error naming the file", "[oci][remote]") {
  ScratchDir dir;
  const fs::path config = dir.path() / "config.json";

  WriteText(config, R"({"auths": {"r.example": {"auth": "c2VjcmV0)");
  auto truncated = CredentialStore::Load(config);
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.status().code() == Code::kInvalidArgument);
  CHECK(truncated.status().message().starts_with(config.string() + ": not valid JSON: "));
  // The parser's "last read" excerpt would quote part of the secret.
  CHECK(truncated.status().message().find("c2VjcmV0") == std::string::npos);

  WriteText(config, "[]");
  auto array = CredentialStore::Load(config);
  REQUIRE_FALSE(array.ok());
  CHECK(array.status().message() == config.string() + ": not a JSON object");

  WriteText(config, R"({"auths": []})");
  auto auths = CredentialStore::Load(config);
  REQUIRE_FALSE(auths.ok());
  CHECK(auths.status().message() == config.string() + ": \"auths\" is not an object");

  WriteText(config, R"({"credHelpers": {"r.example": 1}})");
  auto helpers = CredentialStore::Load(config);
  REQUIRE_FALSE(helpers.ok());
  CHECK(helpers.status().message() ==
        config.string() + ": credHelpers[\"r.example\"] is not a string");

  WriteText(config, R"({"credsStore": true})");
  auto store = CredentialStore::Load(config);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message() == config.string() + ": \"credsStore\" is not a string");
}

TEST_CASE("LoadDefault reads DOCKER_CONFIG, else HOME/.docker", "[oci][remote]") {
  ScratchDir dir;
  fs::create_directories(dir.path() / "dc");
  fs::create_directories(dir.path() / "home" / ".docker");
  WriteText(dir.path() / "dc" / "config.json",
            R"({"auths": {"r.example": {"username": "from-docker-config", "password": "1"}}})");
  WriteText(dir.path() / "home" / ".docker" / "config.json",
            R"({"auths": {"r.example": {"username": "from-home", "password": "2"}}})");
  ScopedEnv home("HOME", (dir.path() / "home").string());
  {
    ScopedEnv docker_config("DOCKER_CONFIG", (dir.path() / "dc").string());
    auto store = CredentialStore::LoadDefault();
    REQUIRE(store.ok());
    CheckCredential(MustLookup(*store, "r.example"), "from-docker-config", "1");
  }
  {
    ScopedEnv docker_config("DOCKER_CONFIG", std::nullopt);
    auto store = CredentialStore::LoadDefault();
    REQUIRE(store.ok());
    CheckCredential(MustLookup(*store, "r.example"), "from-home", "2");
  }
  {
    ScopedEnv docker_config("DOCKER_CONFIG", (dir.path() / "absent").string());
    auto store = CredentialStore::LoadDefault();
    REQUIRE(store.ok());
    CHECK(MustLookup(*store, "r.example").empty());
  }
}

TEST_CASE("A credsStore helper supplies credentials, identity tokens and not-found",
          "[oci][remote]") {
  HelperOnPath helper;
  ScratchDir dir;
  WriteText(dir.path() / "config.json",
            R"({"credsStore": "ectest", "auths": {"https://index.docker.io/v1/": {}}})");
  CredentialStore store = MustLoad(dir.path() / "config.json");
  CheckCredential(MustLookup(store, "found.example"), "helper-user", "helper-secret");
  CheckCredential(MustLookup(store, "Found.Example"), "helper-user", "helper-secret");
  CheckCredential(MustLookup(store, "docker.io"), "hub-user", "hub-secret");
  CheckCredential(MustLookup(store, "token.example"), "", "refresh-token", true);
  CHECK(MustLookup(store, "missing.example").empty());
}

TEST_CASE("A failing credential helper is an error naming the helper and its output",
          "[oci][remote]") {
  HelperOnPath helper;
  ScratchDir dir;
  WriteText(dir.path() / "config.json", R"({"credsStore": "ectest"})");
  CredentialStore store = MustLoad(dir.path() / "config.json");

  auto broken = store.Lookup("broken.example");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.status().code() == Code::kFailedPrecondition);
  CHECK(broken.status().message() ==
        "credential helper docker-credential-ectest for broken.example: exit status 3: error "
        "getting credentials - err: exit status 1, out: keychain locked");

  auto stderr_only = store.Lookup("stderr.example");
  REQUIRE_FALSE(stderr_only.ok());
  CHECK(stderr_only.status().message() ==
        "credential helper docker-credential-ectest for stderr.example: exit status 2: boom on "
        "stderr");

  auto garbage = store.Lookup("garbage.example");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.status().message() ==
        "credential helper docker-credential-ectest for garbage.example: output is not a JSON "
        "object");

  auto big = store.Lookup("big.example");
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().message() ==
        "credential helper docker-credential-ectest for big.example: wrote more than 65536 bytes");
}

TEST_CASE("A helper that is not on PATH or has a bad name is an error", "[oci][remote]") {
  HelperOnPath helper;
  auto missing = RunCredentialHelper("ec-no-such-helper", "r.example");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Code::kFailedPrecondition);
  CHECK(missing.status().message() ==
        "credential helper docker-credential-ec-no-such-helper for r.example: not found on PATH");
  auto slash = RunCredentialHelper("../ectest", "r.example");
  REQUIRE_FALSE(slash.ok());
  CHECK(slash.status().message() ==
        "invalid credential helper name \"../ectest\"; want a name without '/'");
}

TEST_CASE("A helper that exits without reading stdin still answers", "[oci][remote]") {
  HelperOnPath helper;
  for (int i = 0; i < 5; ++i) {
    auto c = RunCredentialHelper("ecquick", "r.example");
    INFO(c.status().message());
    REQUIRE(c.ok());
    CheckCredential(*c, "quick", "pw");
  }
}

TEST_CASE("credHelpers are preferred over auths, which are used when the helper has nothing",
          "[oci][remote]") {
  HelperOnPath helper;
  ScratchDir dir;
  WriteText(dir.path() / "config.json", R"({
    "credsStore": "ectest",
    "credHelpers": {"found.example": "ectest", "missing.example": "ectest",
                    "broken.example": "ectest"},
    "auths": {
      "found.example": {"username": "file-user", "password": "file-pw"},
      "missing.example": {"username": "file-user", "password": "file-pw"},
      "broken.example": {"username": "file-user", "password": "file-pw"},
      "localhost:5000": {"username": "file-user", "password": "file-pw"}
    }
  })");
  CredentialStore store = MustLoad(dir.path() / "config.json");
  CheckCredential(MustLookup(store, "found.example"), "helper-user", "helper-secret");
  CheckCredential(MustLookup(store, "missing.example"), "file-user", "file-pw");
  // auths come before credsStore, which would answer for localhost:5000.
  CheckCredential(MustLookup(store, "localhost:5000"), "file-user", "file-pw");
  // A helper that fails is reported, not papered over with auths.
  CHECK(store.Lookup("broken.example").status().code() == Code::kFailedPrecondition);
}

TEST_CASE("SetOverride wins over helpers and auths", "[oci][remote]") {
  HelperOnPath helper;
  ScratchDir dir;
  WriteText(dir.path() / "config.json", R"({
    "credHelpers": {"found.example": "ectest"},
    "auths": {"found.example": {"username": "file-user", "password": "file-pw"},
              "https://index.docker.io/v1/": {"username": "d", "password": "4"}}
  })");
  CredentialStore store = MustLoad(dir.path() / "config.json");
  store.SetOverride("Found.Example", Credential{"cli-user", "cli-pw", false});
  store.SetOverride("docker.io", Credential{"hub-cli", "x", false});
  CheckCredential(MustLookup(store, "found.example"), "cli-user", "cli-pw");
  CheckCredential(MustLookup(store, "registry-1.docker.io"), "hub-cli", "x");

  CredentialStore empty = CredentialStore::Empty();
  empty.SetOverride("localhost:5000", Credential{"u", "p", false});
  CheckCredential(MustLookup(empty, "localhost:5000"), "u", "p");
  CHECK(MustLookup(empty, "localhost:5001").empty());
}

}  // namespace ec::oci::remote
