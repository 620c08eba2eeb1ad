// Mirror specs: semver ranges, tag selection and strict parsing.
#include "mirror/semver.h"
#include "mirror/spec.h"
#include "support/test_support.h"

namespace ec::mirror {
namespace {

bool In(std::string_view range, std::string_view version) {
  auto r = VersionRange::Parse(range);
  REQUIRE_OK(r);
  auto v = Version::Parse(version);
  REQUIRE(v.has_value());
  return r->Contains(*v);
}

TEST_CASE("semver versions and precedence") {
  CHECK(Version::Parse("v1.2.3").has_value());
  CHECK_FALSE(Version::Parse("1.2").has_value());
  CHECK_FALSE(Version::Parse("01.2.3").has_value());
  CHECK_FALSE(Version::Parse("latest").has_value());
  auto order = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"};
  std::optional<Version> prev;
  for (const char* s : order) {
    auto v = Version::Parse(s);
    REQUIRE(v.has_value());
    if (prev) CHECK(Compare(*prev, *v) < 0);
    prev = v;
  }
}

TEST_CASE("semver ranges") {
  CHECK(In(">=1.2.0 <2.0.0", "1.2.0"));
  CHECK(In(">=1.2.0 <2.0.0", "1.9.9"));
  CHECK_FALSE(In(">=1.2.0 <2.0.0", "2.0.0"));
  CHECK_FALSE(In(">=1.2.0 <2.0.0", "1.1.9"));
  CHECK(In("^1.2.3", "1.9.0"));
  CHECK_FALSE(In("^1.2.3", "2.0.0"));
  CHECK(In("^0.2.3", "0.2.9"));
  CHECK_FALSE(In("^0.2.3", "0.3.0"));
  CHECK(In("~1.2.3", "1.2.9"));
  CHECK_FALSE(In("~1.2.3", "1.3.0"));
  CHECK(In("1.x", "1.4.2"));
  CHECK_FALSE(In("1.x", "2.0.0"));
  CHECK(In("1.2.*", "1.2.7"));
  CHECK(In("1.0.0 || >=3.0.0", "3.1.0"));
  CHECK_FALSE(In("1.0.0 || >=3.0.0", "2.0.0"));
  CHECK(In("*", "7.0.0"));
  // Pre-releases only when the comparator names that version with a pre-release.
  CHECK_FALSE(In(">=1.0.0", "2.0.0-rc.1"));
  CHECK(In(">=2.0.0-rc.0", "2.0.0-rc.1"));
  CHECK(VersionRange::Parse(">=1.x.3").status().message() ==
        "semver range \">=1.x.3\": bad version \">=1.x.3\" (want 1.2.3, ^1.2, ~1.2.3, 1.x, >=1.0.0 <2.0.0, joined by ||)");
}

constexpr std::string_view kSpec = R"(apiVersion: export-center/v1
kind: MirrorSpec
metadata: {name: prod}
repositories:
  - source: registry.example/team/app
    tags: [latest]
    tagRegex: "^v1\\.[0-9]+$"
    semver: ">=2.0.0 <3.0.0"
    platforms: [linux/arm64]
  - source: registry.example/team/db
    target: mirrored/db
    digests: ["sha256:0000000000000000000000000000000000000000000000000000000000000000"]
    referrers: false
exports:
  - ref: store:evidence/demo:latest
    target: exports/demo
)";

TEST_CASE("mirror specs parse strictly") {
  auto spec = ParseMirrorSpec(kSpec, "spec.yaml");
  REQUIRE_OK(spec);
  CHECK(spec->name == "prod");
  REQUIRE(spec->repositories.size() == 2);
  CHECK(spec->repositories[0].target == "team/app");
  CHECK(spec->repositories[0].platforms.size() == 1);
  CHECK(spec->repositories[0].referrers);
  CHECK(spec->repositories[1].target == "mirrored/db");
  CHECK_FALSE(spec->repositories[1].referrers);
  REQUIRE(spec->exports.size() == 1);
  auto split = SplitExportReference(spec->exports[0]);
  REQUIRE_OK(split);
  CHECK(split->reference == "latest");

  auto error = [](std::string text) { return ParseMirrorSpec(text, "spec.yaml").status().message(); };
  CHECK(error("apiVersion: v2\nkind: MirrorSpec\n") == "spec.yaml: apiVersion: got \"v2\", want export-center/v1");
  CHECK(error("apiVersion: export-center/v1\nkind: MirrorSpec\nrepositories:\n  - source: r.example/a\n    tag: [x]\n") ==
        "spec.yaml: repositories[0].tag: unknown key, want source|target|tags|tagRegex|semver|digests|platforms|referrers|cosignTags");
  CHECK(error("apiVersion: export-center/v1\nkind: MirrorSpec\nrepositories:\n  - source: r.example/a\n") ==
        "spec.yaml: repositories[0]: selects nothing; give tags, tagRegex, semver or digests");
  CHECK(error("apiVersion: export-center/v1\nkind: MirrorSpec\nrepositories:\n  - source: r.example/a:1\n    tags: [x]\n") ==
        "spec.yaml: repositories[0].source \"r.example/a:1\": want a registry repository without tag or digest (host/repo)");
  CHECK(error("apiVersion: export-center/v1\nkind: MirrorSpec\nrepositories:\n  - source: r.example/a\n    semver: \"~x\"\n")
            .rfind("spec.yaml: repositories[0].semver: semver range \"~x\"", 0) == 0);
  CHECK(error("apiVersion: export-center/v1\nkind: MirrorSpec\nrepositories:\n  - source: r.example/a\n    tagRegex: \"(\"\n")
            .rfind("spec.yaml: repositories[0].tagRegex \"(\": ", 0) == 0);
}

TEST_CASE("tag selection") {
  auto spec = ParseMirrorSpec(kSpec, "spec.yaml");
  REQUIRE_OK(spec);
  const std::vector<std::string> available = {
      "latest", "v1.0", "v1.12", "v1.x", "2.0.0", "2.5.1", "3.0.0", "2.6.0-rc.1",
      "sha256-0000000000000000000000000000000000000000000000000000000000000000.sig"};
  auto tags = SelectTags(spec->repositories[0], available);
  REQUIRE_OK(tags);
  CHECK(*tags == std::vector<std::string>{"2.0.0", "2.5.1", "latest", "v1.0", "v1.12"});
  RepositorySelection missing = spec->repositories[0];
  missing.tags = {"9.9"};
  CHECK(SelectTags(missing, available).status().message() == "tag \"9.9\" not found in registry.example/team/app");
  CHECK(IsSignatureTag("sha256-0000000000000000000000000000000000000000000000000000000000000000.att"));
  CHECK(IsSignatureTag("sha256-0000000000000000000000000000000000000000000000000000000000000000"));
  CHECK_FALSE(IsSignatureTag("sha256-00.sig"));
}

}  // namespace
}  // namespace ec::mirror
