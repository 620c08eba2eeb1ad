// Builds real repositories with the git CLI and reads them back through libgit2.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "evidence/git_policy_source.h"
#include "support/test_support.h"

namespace ec::evidence {
namespace {

namespace fs = std::filesystem;

using ::ec::testing::TempDir;
using ::ec::testing::WriteFile;

std::string Quote(const fs::path& p) { return "'" + p.string() + "'"; }

struct PipeCloser {
  void operator()(FILE* f) const { pclose(f); }
};

// Runs `git -C dir args` and returns its stdout without the trailing newline.
std::string Git(const fs::path& dir, const std::string& args) {
  // Isolated from the user's and the system's git configuration.
  std::string cmd = "GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git -C " + Quote(dir) +
                    " -c user.name=Test -c user.email=test@example.com -c commit.gpgsign=false "
                    "-c tag.gpgsign=false " + args;
  std::unique_ptr<FILE, PipeCloser> pipe(popen(cmd.c_str(), "r"));
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  int rc = pclose(pipe.release());
  INFO(cmd);
  REQUIRE(rc == 0);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

const std::string kV1 = "apiVersion: export-center/v1\nkind: PolicyPack\n# v1\n";
const std::string kV2 = "apiVersion: export-center/v1\nkind: PolicyPack\n# v2\n";

// A repository with policy.yaml at tag v1 (lightweight) and v1-annotated, then a change on main.
struct PolicyRepo {
  TempDir tmp;
  fs::path work = tmp.path() / "policies";
  PolicyRepo() {
    fs::create_directories(work);
    Git(work, "init -q -b main");
    WriteFile(work / "policy.yaml", kV1);
    Git(work, "add policy.yaml");
    Git(work, "commit -q -m v1");
    Git(work, "tag v1");
    Git(work, "tag -a v1-annotated -m 'annotated v1'");
    WriteFile(work / "policy.yaml", kV2);
    Git(work, "commit -q -am v2");
  }
};

}  // namespace

TEST_CASE("evidence: ReadPolicyFromGit reads a tag via a path and a branch via file://",
          "[evidence][git]") {
  PolicyRepo repo;
  std::string v1 = Git(repo.work, "rev-parse v1^{commit}");
  std::string main = Git(repo.work, "rev-parse main");
  REQUIRE(v1 != main);

  auto at_tag = ReadPolicyFromGit(repo.work.string(), "v1");
  REQUIRE_OK(at_tag);
  CHECK(at_tag->commit == v1);
  CHECK(at_tag->path == "policy.yaml");
  CHECK(at_tag->bytes == kV1);

  auto at_main = ReadPolicyFromGit("file://" + repo.work.string(), "main");
  REQUIRE_OK(at_main);
  CHECK(at_main->commit == main);
  CHECK(at_main->bytes == kV2);
  CHECK(at_main->bytes != at_tag->bytes);
}

TEST_CASE("evidence: ReadPolicyFromGit resolves HEAD, commit ids and annotated tags",
          "[evidence][git]") {
  PolicyRepo repo;
  std::string v1 = Git(repo.work, "rev-parse v1^{commit}");
  std::string main = Git(repo.work, "rev-parse main");

  auto head = ReadPolicyFromGit(repo.work.string(), "HEAD");
  REQUIRE_OK(head);
  CHECK(head->commit == main);

  auto full = ReadPolicyFromGit(repo.work.string(), v1);
  REQUIRE_OK(full);
  CHECK(full->commit == v1);
  CHECK(full->bytes == kV1);

  auto short_id = ReadPolicyFromGit(repo.work.string(), v1.substr(0, 10));
  REQUIRE_OK(short_id);
  CHECK(short_id->commit == v1);

  auto annotated = ReadPolicyFromGit(repo.work.string(), "v1-annotated");
  REQUIRE_OK(annotated);
  CHECK(annotated->commit == v1);  // the tag object peels to its commit
  CHECK(annotated->bytes == kV1);
}

TEST_CASE("evidence: ReadPolicyFromGit reads bare repositories and ignores the working tree",
          "[evidence][git]") {
  PolicyRepo repo;
  fs::path bare = repo.tmp.path() / "bare.git";
  Git(repo.tmp.path(), "clone -q --bare " + Quote(repo.work) + " " + Quote(bare));
  auto from_bare = ReadPolicyFromGit("file://" + bare.string(), "v1");
  REQUIRE_OK(from_bare);
  CHECK(from_bare->bytes == kV1);

  // An uncommitted edit is not what HEAD holds.
  WriteFile(repo.work / "policy.yaml", "dirty\n");
  auto head = ReadPolicyFromGit(repo.work.string(), "HEAD");
  REQUIRE_OK(head);
  CHECK(head->bytes == kV2);
  CHECK(Git(repo.work, "status --porcelain") == " M policy.yaml");
}

TEST_CASE("evidence: ReadPolicyFromGit falls back to policy.json only for the default file",
          "[evidence][git]") {
  PolicyRepo repo;
  Git(repo.work, "checkout -q -b json-only");
  Git(repo.work, "rm -q policy.yaml");
  WriteFile(repo.work / "policy.json", "{}\n");
  Git(repo.work, "add policy.json");
  Git(repo.work, "commit -q -m json");

  auto fallback = ReadPolicyFromGit(repo.work.string(), "json-only");
  REQUIRE_OK(fallback);
  CHECK(fallback->path == "policy.json");
  CHECK(fallback->bytes == "{}\n");

  Git(repo.work, "rm -q policy.json");
  Git(repo.work, "commit -q -m empty --allow-empty");
  std::string empty = Git(repo.work, "rev-parse HEAD");
  auto neither = ReadPolicyFromGit(repo.work.string(), "json-only");
  REQUIRE_FALSE(neither.ok());
  CHECK(neither.status().code() == Code::kNotFound);
  CHECK(neither.status().message() ==
        "policy.yaml not found at commit " + empty + " (tried policy.yaml, policy.json)");

  auto explicit_file = ReadPolicyFromGit(repo.work.string(), "v1", "policy.json");
  REQUIRE_FALSE(explicit_file.ok());
  CHECK(explicit_file.status().message() ==
        "policy.json not found at commit " + Git(repo.work, "rev-parse v1"));
}

TEST_CASE("evidence: ReadPolicyFromGit reads nested paths and refuses directories",
          "[evidence][git]") {
  PolicyRepo repo;
  WriteFile(repo.work / "packs" / "strict.yaml", "strict\n");
  Git(repo.work, "add packs");
  Git(repo.work, "commit -q -m packs");
  std::string head = Git(repo.work, "rev-parse HEAD");

  auto nested = ReadPolicyFromGit(repo.work.string(), "main", "packs/strict.yaml");
  REQUIRE_OK(nested);
  CHECK(nested->path == "packs/strict.yaml");
  CHECK(nested->bytes == "strict\n");

  auto dir = ReadPolicyFromGit(repo.work.string(), "main", "packs");
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.status().code() == Code::kInvalidArgument);
  CHECK(dir.status().message() ==
        "packs at commit " + head + " is a directory, want a regular file");
}

TEST_CASE("evidence: ReadPolicyFromGit refuses files over kMaxPolicyBytes", "[evidence][git]") {
  PolicyRepo repo;
  WriteFile(repo.work / "big.yaml", std::string(kMaxPolicyBytes + 1, 'x'));
  WriteFile(repo.work / "edge.yaml", std::string(kMaxPolicyBytes, 'y'));
  Git(repo.work, "add big.yaml edge.yaml");
  Git(repo.work, "commit -q -m big");
  std::string head = Git(repo.work, "rev-parse HEAD");

  auto big = ReadPolicyFromGit(repo.work.string(), "main", "big.yaml");
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().code() == Code::kInvalidArgument);
  CHECK(big.status().message() == "big.yaml at commit " + head +
                                      ": got 1048577 bytes, want at most 1048576 "
                                      "(kMaxPolicyBytes)");

  auto edge = ReadPolicyFromGit(repo.work.string(), "main", "edge.yaml");
  REQUIRE_OK(edge);
  CHECK(edge->bytes.size() == kMaxPolicyBytes);
}

TEST_CASE("evidence: ReadPolicyFromGit names missing refs, repositories and bad URLs",
          "[evidence][git]") {
  PolicyRepo repo;
  auto no_ref = ReadPolicyFromGit(repo.work.string(), "no-such-branch");
  REQUIRE_FALSE(no_ref.ok());
  CHECK(no_ref.status().code() == Code::kNotFound);
  CHECK(no_ref.status().message() ==
        "ref \"no-such-branch\" not found in " + repo.work.string());

  std::string url = "file://" + repo.work.string();
  auto no_ref_url = ReadPolicyFromGit(url, "v9");
  REQUIRE_FALSE(no_ref_url.ok());
  CHECK(no_ref_url.status().message() == "ref \"v9\" not found in " + url);

  // A plain directory, and a directory inside a work tree (parents are not searched).
  fs::path plain = repo.tmp.path() / "plain";
  fs::create_directories(plain);
  fs::create_directories(repo.work / "sub");
  for (const fs::path& p : {plain, repo.work / "sub", repo.tmp.path() / "absent"}) {
    auto r = ReadPolicyFromGit(p.string(), "main");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kNotFound);
    CHECK_THAT(r.status().message(),
               Catch::StartsWith("repository " + p.string() + " not found: "));
  }

  auto https = ReadPolicyFromGit("https://example.com/policies.git", "main");
  REQUIRE_FALSE(https.ok());
  CHECK(https.status().code() == Code::kInvalidArgument);
  CHECK(https.status().message() ==
        "policy repository \"https://example.com/policies.git\": got scheme https, want a local "
        "path or a file:// URL");

  auto host = ReadPolicyFromGit("file://server/share/repo", "main");
  REQUIRE_FALSE(host.ok());
  CHECK(host.status().code() == Code::kInvalidArgument);

  auto blob_spec = ReadPolicyFromGit(repo.work.string(), "main:policy.yaml");
  REQUIRE_FALSE(blob_spec.ok());
  CHECK(blob_spec.status().message() ==
        "ref \"main:policy.yaml\" in " + repo.work.string() + " does not name a commit");

  CHECK(ReadPolicyFromGit(repo.work.string(), "").status().code() == Code::kInvalidArgument);
}

TEST_CASE("evidence: ReadPolicyFromGit decodes percent-escapes in file:// URLs",
          "[evidence][git]") {
  TempDir tmp;
  fs::path work = tmp.path() / "with space";
  fs::create_directories(work);
  Git(work, "init -q -b main");
  WriteFile(work / "policy.yaml", kV1);
  Git(work, "add policy.yaml");
  Git(work, "commit -q -m v1");
  std::string url = "file://" + tmp.path().string() + "/with%20space";
  auto r = ReadPolicyFromGit(url, "main");
  REQUIRE_OK(r);
  CHECK(r->bytes == kV1);
}

}  // namespace ec::evidence
