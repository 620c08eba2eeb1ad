#include "profiles/devportal_bundle.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "json/parse.h"
#include "oci/base64.h"
#include "oci/digest.h"
#include "oci/tar.h"
#include "status.h"
#include "support/test_support.h"

namespace ec::profiles {
namespace {

namespace fs = std::filesystem;

using ::ec::testing::RandomBytes;
using ::ec::testing::ReadFile;
using ::ec::testing::TempDir;
using ::ec::testing::WriteFile;

std::string Quote(const fs::path& p) { return "'" + p.string() + "'"; }

struct Run {
  int code = -1;
  std::string output;  // stdout and stderr
};

// Runs `command` with sh, capturing its output through a file in `scratch`.
Run Shell(const std::string& command, const fs::path& scratch) {
  const fs::path out = scratch / "shell.out";
  int status = std::system(("(" + command + ") >" + Quote(out) + " 2>&1").c_str());
  Run run;
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.output = ReadFile(out);
  return run;
}

const std::vector<std::pair<std::string, std::string>>& SampleFiles() {
  static const auto* files = new std::vector<std::pair<std::string, std::string>>{
      {"portal/index.html", "<!doctype html><title>Export Center</title>\n"},
      {"portal/css/site.css", "body { margin: 0 }\n"},
      {"portal/js/app.js", "console.log('offline');\n"},
      {"portal/assets/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"},
      {"portal/assets/logo.png", RandomBytes(1, 300)},
      {"portal/assets/fonts/inter.woff2", RandomBytes(2, 2000)},
      {"specs/export-center.yaml", "openapi: 3.1.0\ninfo: {title: Export Center}\n"},
      {"specs/export-center.json", "{\"openapi\":\"3.1.0\"}\n"},
      {"sdks/python/export_center-1.2.0.tar.gz", RandomBytes(3, (3u << 20) + 17)},  // > 1 buffer
      {"sdks/go/client.go", "package exportcenter\n"},
      {"sdks/go/README.md", "# Go SDK\n"},
      {"sdks/java/ec-sdk.zip", RandomBytes(4, 500)},
      {"changelog/CHANGELOG.md", "## 2025.01\n- first\n"},
      {"changelog/2025-01.txt", "first release\n"},
  };
  return *files;
}

void MakeSampleTree(const fs::path& source) {
  for (const auto& [path, bytes] : SampleFiles()) WriteFile(source / path, bytes);
}

DevportalOptions BaseOptions(const fs::path& source) {
  DevportalOptions o;
  o.source = source;
  o.bundle_id = "devportal-2025.01";
  o.release_version = "2025.01.0";
  o.generated_at = "2025-01-01T00:00:00Z";
  return o;
}

std::string Pae(std::string_view type, std::string_view body) {
  return StrCat("DSSEv1 ", type.size(), " ", type, " ", body.size(), " ", body);
}

// A key pair made with the openssl CLI, and a DSSE signer over it built by hand (the test
// does not depend on Export Center's DSSE module).
struct OpensslSigner {
  OpensslSigner(const fs::path& work_dir, bool use_ecdsa) : dir(work_dir), ecdsa(use_ecdsa) {
    fs::create_directories(dir);
    std::string gen = ecdsa ? "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256"
                            : "openssl genpkey -algorithm ed25519";
    Run made = Shell(gen + " -out " + Quote(dir / "key.pem") + " && openssl pkey -in " +
                         Quote(dir / "key.pem") + " -pubout -out " + Quote(dir / "pub.pem"),
                     dir);
    INFO(made.output);
    REQUIRE(made.code == 0);
    public_pem = ReadFile(dir / "pub.pem");
  }

  std::function<Result<std::string>(std::string_view, std::string_view)> Callback() {
    return [this](std::string_view type, std::string_view payload) -> Result<std::string> {
      ++calls;
      WriteFile(dir / "pae.bin", Pae(type, payload));
      std::string cmd =
          ecdsa ? "openssl dgst -sha256 -sign " + Quote(dir / "key.pem") + " -out " +
                      Quote(dir / "sig.bin") + " " + Quote(dir / "pae.bin")
                : "openssl pkeyutl -sign -inkey " + Quote(dir / "key.pem") + " -rawin -in " +
                      Quote(dir / "pae.bin") + " -out " + Quote(dir / "sig.bin");
      Run signed_run = Shell(cmd, dir);
      if (signed_run.code != 0) return Internal("openssl: " + signed_run.output);
      // Not sorted, spaced, URL-safe payload: the writer normalises all of it.
      return StrCat("{ \"signatures\": [ { \"sig\": \"", oci::EncodeBase64(ReadFile(dir / "sig.bin")),
                    "\", \"keyid\": \"test-key\" } ],\n  \"payloadType\": \"", type,
                    "\",\n  \"payload\": \"", oci::EncodeBase64Url(payload), "\" }\n");
    };
  }

  fs::path dir;
  bool ecdsa;
  std::string public_pem;
  int calls = 0;
};

// Extracts `tgz` into `into` with the tar CLI; returns the bundle folder.
fs::path Extract(const fs::path& tgz, const fs::path& into) {
  fs::create_directories(into);
  Run run = Shell("tar -xzf " + Quote(tgz) + " -C " + Quote(into), into);
  INFO(run.output);
  REQUIRE(run.code == 0);
  return into / "devportal-offline";
}

// Rewrites the checksums.txt line of `path` to the file's current hash, so that a test can
// tamper with a file and reach the checks after sha256sum.
void RefreshChecksum(const fs::path& bundle, const std::string& path) {
  std::istringstream in(ReadFile(bundle / "checksums.txt"));
  std::string out, line;
  bool found = false;
  while (std::getline(in, line)) {
    if (line.substr(66) == path) {
      line = oci::Digest::OfBytes(ReadFile(bundle / path)).hex() + "  " + path;
      found = true;
    }
    out += line + "\n";
  }
  REQUIRE(found);
  WriteFile(bundle / "checksums.txt", out);
}

void RemoveChecksum(const fs::path& bundle, const std::string& path) {
  std::istringstream in(ReadFile(bundle / "checksums.txt"));
  std::string out, line;
  while (std::getline(in, line)) {
    if (line.substr(66) != path) out += line + "\n";
  }
  WriteFile(bundle / "checksums.txt", out);
}

Run Verify(const fs::path& bundle, const fs::path& scratch, const std::string& key_arg = "") {
  return Shell("sh " + Quote(bundle / "verify-offline.sh") + (key_arg.empty() ? "" : " " + key_arg),
               scratch);
}

// Runs verify-offline.sh, which must exit with 0; returns its output.
std::string VerifySuccess(const fs::path& bundle, const fs::path& scratch,
                          const std::string& key_arg = "") {
  Run run = Verify(bundle, scratch, key_arg);
  INFO(run.output);
  CHECK(run.code == 0);
  return run.output;
}

// Runs verify-offline.sh, which must exit with 1; returns its output.
std::string VerifyFailure(const fs::path& bundle, const fs::path& scratch,
                          const std::string& key_arg = "") {
  Run run = Verify(bundle, scratch, key_arg);
  INFO(run.output);
  CHECK(run.code == 1);
  return run.output;
}

std::vector<std::string> Listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Whether oci::TarWriteEntry can carry a mode (then verify-offline.sh must be 0755).
template <typename Entry>
constexpr bool kHasMode = requires(Entry& e) { e.mode = 0755; };
constexpr bool kWriterHasModes = kHasMode<oci::TarWriteEntry>;

TEST_CASE("devportal: manifest.json describes the inputs, sorted and byte-stable") {
  TempDir tmp;
  MakeSampleTree(tmp / "src");
  auto result = WriteDevportalBundle(BaseOptions(tmp / "src"), tmp / "out.tgz");
  REQUIRE_OK(result);

  const std::string bundle = ReadFile(tmp / "out.tgz");
  CHECK(result->bundle_digest == oci::Digest::OfBytes(bundle));
  CHECK(result->bundle_bytes == static_cast<std::int64_t>(bundle.size()));
  CHECK(result->entry_count == SampleFiles().size());
  std::int64_t total = 0;
  for (const auto& f : SampleFiles()) total += static_cast<std::int64_t>(f.second.size());
  CHECK(result->total_bytes == total);

  auto manifest = json::Parse(result->manifest_json, "manifest");
  REQUIRE_OK(manifest);
  const json::Json& m = *manifest;
  CHECK(json::Compact(m) == result->manifest_json);  // compact, keys sorted
  CHECK(m["version"] == "devportal-offline/v1");
  CHECK(m["bundleId"] == "devportal-2025.01");
  CHECK(m["generatedAt"] == "2025-01-01T00:00:00Z");
  CHECK(m["metadata"] == json::Json{{"releaseVersion", "2025.01.0"}});
  CHECK(m["sources"] == json::Json{{"portalIncluded", true},
                                   {"specsIncluded", true},
                                   {"sdkNames", {"go", "java", "python"}},
                                   {"changelogIncluded", true}});
  CHECK(m["totals"] == json::Json{{"entryCount", SampleFiles().size()}, {"totalSizeBytes", total}});
  CHECK(m["signature"] == json::Json{{"mode", "unsigned"}});
  const json::Json& entries = m["entries"];
  REQUIRE(entries.size() == SampleFiles().size());
  std::vector<std::string> paths;
  for (const auto& e : entries) paths.push_back(e["path"].get<std::string>());
  CHECK(std::is_sorted(paths.begin(), paths.end()));
  CHECK(entries[0] == json::Json{{"category", "changelog"},
                                 {"path", "changelog/2025-01.txt"},
                                 {"sha256", oci::Digest::OfBytes("first release\n").hex()},
                                 {"sizeBytes", 14},
                                 {"contentType", "text/plain"}});
  std::map<std::string, std::string> types;
  for (const auto& e : entries) {
    types[e["path"].get<std::string>()] = e["contentType"].get<std::string>();
  }
  CHECK(types["portal/index.html"] == "text/html");
  CHECK(types["portal/css/site.css"] == "text/css");
  CHECK(types["portal/js/app.js"] == "text/javascript");
  CHECK(types["portal/assets/logo.svg"] == "image/svg+xml");
  CHECK(types["portal/assets/logo.png"] == "image/png");
  CHECK(types["portal/assets/fonts/inter.woff2"] == "font/woff2");
  CHECK(types["specs/export-center.yaml"] == "application/yaml");
  CHECK(types["specs/export-center.json"] == "application/json");
  CHECK(types["sdks/python/export_center-1.2.0.tar.gz"] == "application/gzip");
  CHECK(types["sdks/java/ec-sdk.zip"] == "application/zip");
  CHECK(types["sdks/go/README.md"] == "text/markdown");
  CHECK(types["sdks/go/client.go"] == "application/octet-stream");
}

TEST_CASE("devportal: a one-file manifest, byte for byte") {
  TempDir tmp;
  WriteFile(tmp / "src/specs/api.yml", "openapi: 3.1.0\n");
  DevportalOptions o = BaseOptions(tmp / "src");
  auto result = WriteDevportalBundle(o, tmp / "out.tgz");
  REQUIRE_OK(result);
  CHECK(result->manifest_json ==
        StrCat("{\"bundleId\":\"devportal-2025.01\",\"entries\":[{\"category\":\"specs\","
               "\"contentType\":\"application/yaml\",\"path\":\"specs/api.yml\",\"sha256\":\"",
               oci::Digest::OfBytes("openapi: 3.1.0\n").hex(),
               "\",\"sizeBytes\":15}],\"generatedAt\":\"2025-01-01T00:00:00Z\","
               "\"metadata\":{\"releaseVersion\":\"2025.01.0\"},\"signature\":{\"mode\":"
               "\"unsigned\"},\"sources\":{\"changelogIncluded\":false,\"portalIncluded\":false,"
               "\"sdkNames\":[],\"specsIncluded\":true},\"totals\":{\"entryCount\":1,"
               "\"totalSizeBytes\":15},\"version\":\"devportal-offline/v1\"}"));
}

TEST_CASE("devportal: the same inputs give byte-identical bundles") {
  TempDir tmp;
  MakeSampleTree(tmp / "a");
  // The same files written in reverse order, with other mtimes and permissions.
  const auto& files = SampleFiles();
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    WriteFile(tmp / "b" / it->first, it->second);
    fs::last_write_time(tmp / "b" / it->first,
                        fs::file_time_type::clock::now() - std::chrono::hours(24 * 400));
  }
  fs::permissions(tmp / "b/portal/index.html", fs::perms::owner_read | fs::perms::owner_write);

  auto first = WriteDevportalBundle(BaseOptions(tmp / "a"), tmp / "first.tgz");
  REQUIRE_OK(first);
  auto second = WriteDevportalBundle(BaseOptions(tmp / "a"), tmp / "second.tgz");
  REQUIRE_OK(second);
  auto third = WriteDevportalBundle(BaseOptions(tmp / "b"), tmp / "third.tgz");
  REQUIRE_OK(third);
  const std::string bytes = ReadFile(tmp / "first.tgz");
  CHECK(ReadFile(tmp / "second.tgz") == bytes);
  CHECK(ReadFile(tmp / "third.tgz") == bytes);
  CHECK(first->bundle_digest == third->bundle_digest);
  CHECK(first->manifest_json == third->manifest_json);

  // Another generatedAt changes the manifest and so the bundle.
  DevportalOptions later = BaseOptions(tmp / "a");
  later.generated_at = "2025-02-01T00:00:00Z";
  auto fourth = WriteDevportalBundle(later, tmp / "fourth.tgz");
  REQUIRE_OK(fourth);
  CHECK(fourth->bundle_digest != first->bundle_digest);
}

TEST_CASE("devportal: tar entries have fixed metadata under one top folder") {
  TempDir tmp;
  MakeSampleTree(tmp / "src");
  REQUIRE_OK(WriteDevportalBundle(BaseOptions(tmp / "src"), tmp / "out.tgz"));
  // gzip header: no mtime (bytes 4..7), no name flag.
  const std::string bytes = ReadFile(tmp / "out.tgz");
  REQUIRE(bytes.size() > 10);
  CHECK(bytes.substr(0, 3) == std::string("\x1f\x8b\x08", 3));
  CHECK(bytes.substr(4, 4) == std::string(4, '\0'));
  CHECK((bytes[3] & 0x08) == 0);

  Run list = Shell("TZ=UTC tar --numeric-owner -tvzf " + Quote(tmp / "out.tgz"), tmp.path());
  REQUIRE(list.code == 0);
  std::istringstream lines(list.output);
  std::string line;
  std::vector<std::string> names;
  while (std::getline(lines, line)) {
    INFO(line);
    std::istringstream fields(line);
    std::string mode, owner, size, date, time, name;
    fields >> mode >> owner >> size >> date >> time >> name;
    CHECK(owner == "0/0");
    CHECK(date == "1970-01-01");
    CHECK(time == "00:00");
    CHECK(name.starts_with("devportal-offline/"));
    if (name.ends_with("/")) {
      CHECK(mode == "drwxr-xr-x");
    } else if (name == "devportal-offline/verify-offline.sh" && kWriterHasModes) {
      CHECK(mode == "-rwxr-xr-x");
    } else {
      CHECK(mode == "-rw-r--r--");
    }
    names.push_back(name);
  }
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
  for (const char* want :
       {"devportal-offline/", "devportal-offline/checksums.txt",
        "devportal-offline/instructions-portable.txt", "devportal-offline/manifest.json",
        "devportal-offline/verify-offline.sh", "devportal-offline/portal/index.html",
        "devportal-offline/sdks/go/client.go"}) {
    CHECK(std::find(names.begin(), names.end(), want) != names.end());
  }
  CHECK(std::find(names.begin(), names.end(), "devportal-offline/manifest.dsse.json") ==
        names.end());
}

TEST_CASE("devportal: sha256sum -c checksums.txt passes after extraction, fails after tampering") {
  TempDir tmp;
  MakeSampleTree(tmp / "src");
  auto result = WriteDevportalBundle(BaseOptions(tmp / "src"), tmp / "out.tgz");
  REQUIRE_OK(result);
  fs::path bundle = Extract(tmp / "out.tgz", tmp / "x");
  CHECK(ReadFile(bundle / "manifest.json") == result->manifest_json);
  for (const auto& [path, bytes] : SampleFiles()) CHECK(ReadFile(bundle / path) == bytes);

  const std::string sums = ReadFile(bundle / "checksums.txt");
  CHECK(sums.find("  checksums.txt") == std::string::npos);
  for (const char* covered : {"  manifest.json\n", "  verify-offline.sh\n",
                              "  instructions-portable.txt\n", "  portal/index.html\n"}) {
    CHECK(sums.find(covered) != std::string::npos);
  }
  CHECK(std::count(sums.begin(), sums.end(), '\n') == static_cast<long>(SampleFiles().size() + 3));

  const std::string check = "cd " + Quote(bundle) + " && sha256sum --strict -c checksums.txt";
  Run ok = Shell(check, tmp.path());
  INFO(ok.output);
  CHECK(ok.code == 0);

  WriteFile(bundle / "portal/index.html", "<p>changed</p>\n");
  Run bad = Shell(check, tmp.path());
  CHECK(bad.code != 0);
  CHECK(bad.output.find("portal/index.html: FAILED") != std::string::npos);
}

TEST_CASE("devportal: verify-offline.sh on an unsigned bundle") {
  TempDir tmp;
  MakeSampleTree(tmp / "src");
  REQUIRE_OK(WriteDevportalBundle(BaseOptions(tmp / "src"), tmp / "out.tgz"));
  fs::path bundle = Extract(tmp / "out.tgz", tmp / "x");
  const std::string n = std::to_string(SampleFiles().size() + 3);

  CHECK(VerifySuccess(bundle, tmp.path()) == "OK: " + n + " files verified, bundle unsigned\n");

  SECTION("a key given for an unsigned bundle fails") {
    WriteFile(tmp / "pub.pem", "-----BEGIN PUBLIC KEY-----\n");
    CHECK(VerifyFailure(bundle, tmp.path(), Quote(tmp / "pub.pem")) ==
          "FAIL: a public key was given but the bundle is unsigned\n");
  }
  SECTION("a tampered file is named") {
    WriteFile(bundle / "specs/export-center.yaml", "openapi: 3.0.0\n");
    const std::string output = VerifyFailure(bundle, tmp.path());
    CHECK(output.find("FAIL: specs/export-center.yaml: FAILED\n") != std::string::npos);
    CHECK(output.ends_with("FAIL: files do not match checksums.txt\n"));
  }
  SECTION("a file replaced together with its checksum line disagrees with the manifest") {
    WriteFile(bundle / "sdks/go/client.go", "package evil\n");
    RefreshChecksum(bundle, "sdks/go/client.go");
    CHECK(VerifyFailure(bundle, tmp.path()) ==
          "FAIL: sdks/go/client.go: sha256 in manifest.json differs from checksums.txt\n");
  }
  SECTION("a missing file fails") {
    fs::remove(bundle / "changelog/CHANGELOG.md");
    CHECK(VerifyFailure(bundle, tmp.path()).find("changelog/CHANGELOG.md") != std::string::npos);
  }
}

TEST_CASE("devportal: verify-offline.sh checks an Ed25519 DSSE signature") {
  TempDir tmp;
  MakeSampleTree(tmp / "src");
  OpensslSigner signer(tmp / "keys", /*ecdsa=*/false);
  DevportalOptions o = BaseOptions(tmp / "src");
  o.sign = signer.Callback();
  o.public_key_pem = signer.public_pem;
  auto result = WriteDevportalBundle(o, tmp / "out.tgz");
  REQUIRE_OK(result);
  CHECK(signer.calls == 1);

  auto manifest = json::Parse(result->manifest_json, "manifest");
  REQUIRE_OK(manifest);
  CHECK((*manifest)["signature"] ==
        json::Json{{"mode", "dsse"},
                   {"envelope", "manifest.dsse.json"},
                   {"payloadType", std::string(kDevportalPayloadType)},
                   {"publicKey", "keys/signing.pub"}});

  fs::path bundle = Extract(tmp / "out.tgz", tmp / "x");
  CHECK(ReadFile(bundle / "keys/signing.pub") == signer.public_pem);
  // The envelope, normalised: compact, standard base64, exactly the manifest bytes.
  const std::string envelope = ReadFile(bundle / "manifest.dsse.json");
  const std::string sig = oci::EncodeBase64(ReadFile(signer.dir / "sig.bin"));
  CHECK(envelope == StrCat("{\"payload\":\"", oci::EncodeBase64(result->manifest_json),
                           "\",\"payloadType\":\"", kDevportalPayloadType,
                           "\",\"signatures\":[{\"keyid\":\"test-key\",\"sig\":\"", sig,
                           "\"}]}"));
  const std::string n = std::to_string(SampleFiles().size() + 5);
  const std::string ok_text = "OK: " + n + " files verified, signature verified\n";

  SECTION("the shipped key verifies") {
    CHECK(VerifySuccess(bundle, tmp.path()) == ok_text);
  }
  SECTION("a key given as argument, relative to the caller's directory, verifies") {
    Run run = Shell("cd " + Quote(signer.dir) + " && sh " + Quote(bundle / "verify-offline.sh") +
                        " pub.pem",
                    tmp.path());
    INFO(run.output);
    CHECK(run.code == 0);
    CHECK(run.output == ok_text);
  }
  SECTION("another key fails") {
    OpensslSigner other(tmp / "other", false);
    CHECK(VerifyFailure(bundle, tmp.path(), Quote(other.dir / "pub.pem")) ==
          StrCat("FAIL: manifest.dsse.json: signature does not verify with ",
                 (other.dir / "pub.pem").string(), "\n"));
  }
  SECTION("a tampered manifest.json fails") {
    std::string m = ReadFile(bundle / "manifest.json");
    m.replace(m.find("2025.01.0"), 9, "2025.01.1");
    WriteFile(bundle / "manifest.json", m);
    CHECK(VerifyFailure(bundle, tmp.path()).find("FAIL: manifest.json: FAILED\n") !=
          std::string::npos);
    RefreshChecksum(bundle, "manifest.json");
    CHECK(VerifyFailure(bundle, tmp.path()) ==
          "FAIL: manifest.dsse.json: payload differs from manifest.json\n");
  }
  SECTION("a tampered signature fails") {
    std::string raw = ReadFile(signer.dir / "sig.bin");
    raw[10] = static_cast<char>(raw[10] ^ 0x01);
    std::string env = envelope;
    env.replace(env.find(sig), sig.size(), oci::EncodeBase64(raw));
    WriteFile(bundle / "manifest.dsse.json", env);
    RefreshChecksum(bundle, "manifest.dsse.json");
    CHECK(VerifyFailure(bundle, tmp.path()) ==
          "FAIL: manifest.dsse.json: signature does not verify with keys/signing.pub\n");
  }
  SECTION("a removed envelope fails") {
    fs::remove(bundle / "manifest.dsse.json");
    RemoveChecksum(bundle, "manifest.dsse.json");
    CHECK(VerifyFailure(bundle, tmp.path()) ==
          "FAIL: manifest.json says the bundle is signed but manifest.dsse.json is missing\n");
  }
  SECTION("a garbled envelope fails") {
    WriteFile(bundle / "manifest.dsse.json", "{\"payload\": 1}");
    RefreshChecksum(bundle, "manifest.dsse.json");
    CHECK(VerifyFailure(bundle, tmp.path()) ==
          "FAIL: manifest.dsse.json: not a single-signature DSSE envelope in the expected form\n");
  }
}

TEST_CASE("devportal: verify-offline.sh checks an ECDSA P-256 DSSE signature") {
  TempDir tmp;
  MakeSampleTree(tmp / "src");
  OpensslSigner signer(tmp / "keys", /*ecdsa=*/true);
  DevportalOptions o = BaseOptions(tmp / "src");
  o.sign = signer.Callback();  // no public key shipped
  REQUIRE_OK(WriteDevportalBundle(o, tmp / "out.tgz"));
  fs::path bundle = Extract(tmp / "out.tgz", tmp / "x");
  CHECK_FALSE(fs::exists(bundle / "keys"));
  const std::string n = std::to_string(SampleFiles().size() + 4);

  CHECK(VerifySuccess(bundle, tmp.path()) ==
        "OK: " + n + " files verified, signature not checked (no public key given)\n");
  CHECK(VerifySuccess(bundle, tmp.path(), Quote(signer.dir / "pub.pem")) ==
        "OK: " + n + " files verified, signature verified\n");

  OpensslSigner ed(tmp / "ed", false);
  VerifyFailure(bundle, tmp.path(), Quote(ed.dir / "pub.pem"));
}

TEST_CASE("devportal: refused inputs and options, with nothing left behind") {
  TempDir tmp;
  const fs::path src = tmp / "src";
  const fs::path out_dir = tmp / "out";
  fs::create_directories(src);
  fs::create_directories(out_dir);
  const fs::path dest = out_dir / "devportal-offline-bundle.tgz";
  const std::string where = "devportal source " + src.string();
  DevportalOptions o = BaseOptions(src);
  std::string want;
  Code want_code = Code::kInvalidArgument;
  // Messages that more than one section expects.
  const std::string no_files =
      where + " holds no files; put the inputs under portal/, specs/, sdks/<name>/, changelog/";
  auto symlink_refused = [&](const std::string& name) {
    return where + ": \"" + name +
           "\" is a symlink; symlinks are refused, copy the file or folder into the source instead";
  };
  auto non_portable = [&](const std::string& quoted_name) {
    return where + ": \"" + quoted_name +
           "\" has a non-portable name; allowed characters are A-Z a-z 0-9 . _ - and / between "
           "folders";
  };

  SECTION("a file outside the category folders") {
    WriteFile(src / "portal/index.html", "x");
    WriteFile(src / "README.md", "x");
    want = where + ": \"README.md\" is outside the allowed folders portal/, specs/, "
                   "sdks/<name>/, changelog/";
  }
  SECTION("a folder outside the category folders") {
    WriteFile(src / "docs/guide.md", "x");
    want = where + ": \"docs/\" is not an allowed folder; inputs go under portal/, specs/, "
                   "sdks/<name>/, changelog/";
  }
  SECTION("a symlink") {
    WriteFile(src / "portal/index.html", "x");
    fs::create_symlink("index.html", src / "portal/home.html");
    want = symlink_refused("portal/home.html");
  }
  SECTION("a symlinked folder") {
    WriteFile(tmp / "elsewhere/a.md", "x");
    fs::create_directories(src / "changelog");
    fs::create_directory_symlink(tmp / "elsewhere", src / "changelog/old");
    want = symlink_refused("changelog/old");
  }
  SECTION("an empty source") {
    want = no_files;
  }
  SECTION("only empty category folders") {
    fs::create_directories(src / "portal/css");
    fs::create_directories(src / "specs");
    want = no_files;
  }
  SECTION("a non-portable name") {
    WriteFile(src / "portal/my page.html", "x");
    want = non_portable("portal/my page.html");
  }
  SECTION("a name with a newline is quoted safely") {
    WriteFile(src / "portal/a\nb.html", "x");
    want = non_portable("portal/a\\x0ab.html");
  }
  SECTION("a name with ..") {
    WriteFile(src / "specs/v1..2.yaml", "x");
    want = where + ": \"specs/v1..2.yaml\" contains \"..\"; such names are refused";
  }
  SECTION("a fifo") {
    fs::create_directories(src / "portal");
    REQUIRE(::mkfifo((src / "portal/pipe").c_str(), 0644) == 0);
    want = where + ": \"portal/pipe\" is a fifo; only regular files and folders are allowed";
  }
  SECTION("a category that is a file") {
    WriteFile(src / "specs", "x");
    want = where + ": \"specs\" is a file; it must be a folder";
  }
  SECTION("a file directly in sdks/") {
    WriteFile(src / "sdks/README.md", "x");
    want = where + ": \"sdks/README.md\" lies directly in sdks/; SDK files go under sdks/<name>/";
  }
  SECTION("too many files") {
    MakeSampleTree(src);
    o.max_files = 3;
    want = where + ": more than 3 files (the limit); reached at \"portal/assets/logo.png\"";
  }
  SECTION("too many bytes") {
    MakeSampleTree(src);
    o.max_total_bytes = 1000;
    want = where + ": more than 1000 bytes in total (the limit); reached at "
                   "\"portal/assets/fonts/inter.woff2\"";
  }
  SECTION("folders nested too deep") {
    std::string deep = "portal";
    for (int i = 1; i <= kMaxDevportalDepth; ++i) deep += "/d";
    WriteFile(src / deep / "page.html", "x");
    want = where + ": \"" + deep + "/\" is nested more than 32 folders deep";
  }
  SECTION("a missing source") {
    o.source = tmp / "nope";
    want = "devportal source " + (tmp / "nope").string() + " does not exist";
    want_code = Code::kNotFound;
  }
  SECTION("a destination inside the source") {
    WriteFile(src / "portal/index.html", "x");
    Status s = WriteDevportalBundle(o, src / "portal/b.tgz").status();
    CHECK(s.message() == "devportal bundle " + (src / "portal/b.tgz").string() +
                             " lies inside the source " + src.string() +
                             "; write the bundle elsewhere");
    CHECK(Listing(src / "portal") == std::vector<std::string>{"index.html"});
    want = "skip";
  }
  SECTION("a generatedAt that is not RFC 3339 UTC") {
    WriteFile(src / "portal/index.html", "x");
    o.generated_at = "2025-01-01 00:00:00";
    want = "devportal bundle " + dest.string() +
           ": generatedAt \"2025-01-01 00:00:00\" is not an RFC 3339 UTC time like "
           "2025-01-01T00:00:00Z";
  }
  SECTION("a public key without a signer") {
    WriteFile(src / "portal/index.html", "x");
    o.public_key_pem = "-----BEGIN PUBLIC KEY-----\n";
    want = "devportal bundle " + dest.string() +
           ": a public key is given but no signer; keys/signing.pub would verify nothing";
  }
  SECTION("a failing signer") {
    WriteFile(src / "portal/index.html", "x");
    o.sign = [](std::string_view, std::string_view) -> Result<std::string> {
      return Unavailable("kms unreachable");
    };
    want = "devportal bundle " + dest.string() + ": signing: kms unreachable";
    want_code = Code::kUnavailable;
  }
  SECTION("a signer that signs something else") {
    WriteFile(src / "portal/index.html", "x");
    o.sign = [](std::string_view type, std::string_view) -> Result<std::string> {
      return StrCat("{\"payload\":\"", oci::EncodeBase64("{}"), "\",\"payloadType\":\"", type,
                    "\",\"signatures\":[{\"sig\":\"AAAA\"}]}");
    };
    want = "DSSE envelope returned by the signer: payload is not the manifest.json it was given";
  }
  SECTION("a signer with two signatures") {
    WriteFile(src / "portal/index.html", "x");
    o.sign = [](std::string_view type, std::string_view payload) -> Result<std::string> {
      return StrCat("{\"payload\":\"", oci::EncodeBase64(payload), "\",\"payloadType\":\"", type,
                    "\",\"signatures\":[{\"sig\":\"AAAA\"},{\"sig\":\"AAAA\"}]}");
    };
    want = "DSSE envelope returned by the signer has 2 signatures; a devportal bundle carries "
           "exactly one";
  }
  SECTION("a signer with another payloadType") {
    WriteFile(src / "portal/index.html", "x");
    o.sign = [](std::string_view, std::string_view payload) -> Result<std::string> {
      return StrCat("{\"payload\":\"", oci::EncodeBase64(payload),
                    "\",\"payloadType\":\"application/json\",\"signatures\":[{\"sig\":\"AAAA\"}]}");
    };
    want = StrCat("DSSE envelope returned by the signer has payloadType \"application/json\", "
                  "want \"", kDevportalPayloadType, "\"");
  }

  if (want != "skip") {
    auto result = WriteDevportalBundle(o, dest);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().message() == want);
    CHECK(result.status().code() == want_code);
  }
  CHECK(Listing(out_dir).empty());  // no bundle, no temporary file
}

TEST_CASE("devportal: a sdks/<name> folder becomes an sdkNames entry only with files") {
  TempDir tmp;
  WriteFile(tmp / "src/sdks/rust/Cargo.toml", "[package]\n");
  fs::create_directories(tmp / "src/sdks/empty");
  auto result = WriteDevportalBundle(BaseOptions(tmp / "src"), tmp / "out.tgz");
  REQUIRE_OK(result);
  auto m = json::Parse(result->manifest_json, "manifest");
  REQUIRE_OK(m);
  CHECK((*m)["sources"]["sdkNames"] == json::Json::array({"rust"}));
  CHECK((*m)["sources"]["portalIncluded"] == false);
  CHECK((*m)["entries"][0]["category"] == "sdks");
}

TEST_CASE("devportal: content types by extension") {
  CHECK(DevportalContentType("portal/INDEX.HTML") == "text/html");
  CHECK(DevportalContentType("sdks/x/y.TGZ") == "application/gzip");
  CHECK(DevportalContentType("sdks/x/y.tar.gz") == "application/gzip");
  CHECK(DevportalContentType("sdks/x/y.gz") == "application/octet-stream");
  CHECK(DevportalContentType("changelog/notes") == "application/octet-stream");
  CHECK(DevportalContentType("specs/a.YML") == "application/yaml");
}

}  // namespace
}  // namespace ec::profiles
