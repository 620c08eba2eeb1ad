#include "oci/reference.h"

#include <catch2/catch.hpp>
#include <string>

namespace ec::oci {
namespace {

const std::string kHex(64, 'a');
const std::string kDigest = "sha256:" + kHex;

Reference MustParse(std::string_view text) {
  auto ref = Reference::Parse(text);
  INFO(text << ": " << ref.status().message());
  REQUIRE(ref.ok());
  return *ref;
}

TargetRef MustParseTarget(std::string_view text) {
  auto target = TargetRef::Parse(text);
  INFO(text << ": " << target.status().message());
  REQUIRE(target.ok());
  return *target;
}

std::string ParseError(std::string_view text) {
  auto ref = Reference::Parse(text);
  REQUIRE_FALSE(ref.ok());
  CHECK(ref.status().code() == Code::kInvalidArgument);
  return ref.status().message();
}

std::string TargetError(std::string_view text) {
  auto target = TargetRef::Parse(text);
  REQUIRE_FALSE(target.ok());
  CHECK(target.status().code() == Code::kInvalidArgument);
  return target.status().message();
}

TEST_CASE("A bare image name normalises to docker.io library with tag latest", "[oci][reference]") {
  Reference ref = MustParse("alpine");
  CHECK(ref.registry == "docker.io");
  CHECK(ref.repository == "library/alpine");
  CHECK(ref.tag == "latest");
  CHECK_FALSE(ref.digest.has_value());
  CHECK(ref.str() == "docker.io/library/alpine:latest");
  CHECK(ref.ReferenceOrDigest() == "latest");
}

TEST_CASE("An explicit library prefix parses the same as a bare name", "[oci][reference]") {
  CHECK(MustParse("library/alpine") == MustParse("alpine"));
  CHECK(MustParse("docker.io/alpine") == MustParse("alpine"));
  CHECK(MustParse("docker.io/library/alpine:latest") == MustParse("alpine"));
}

TEST_CASE("A user repository on Docker Hub gets no library prefix", "[oci][reference]") {
  Reference ref = MustParse("user/img");
  CHECK(ref.registry == "docker.io");
  CHECK(ref.repository == "user/img");
  CHECK(ref.tag == "latest");
  CHECK(MustParse("foo/bar/baz:1").str() == "docker.io/foo/bar/baz:1");
}

TEST_CASE("Docker Hub's alternative host names normalise to docker.io", "[oci][reference]") {
  CHECK(MustParse("index.docker.io/x").str() == "docker.io/library/x:latest");
  CHECK(MustParse("registry-1.docker.io/user/x:v1").str() == "docker.io/user/x:v1");
}

TEST_CASE("A first component is a host only with a dot, a colon or localhost", "[oci][reference]") {
  CHECK(MustParse("localhost/a").registry == "localhost");
  CHECK(MustParse("example.com/a").registry == "example.com");
  CHECK(MustParse("host:5000/a").registry == "host:5000");
  Reference user = MustParse("localhostx/a");
  CHECK(user.registry == "docker.io");
  CHECK(user.repository == "localhostx/a");
}

TEST_CASE("A localhost registry with a port keeps a nested repository and tag",
          "[oci][reference]") {
  Reference ref = MustParse("localhost:5000/a/b:t");
  CHECK(ref.registry == "localhost:5000");
  CHECK(ref.repository == "a/b");
  CHECK(ref.tag == "t");
  CHECK(ref.str() == "localhost:5000/a/b:t");
}

TEST_CASE("A digest-only reference has no tag and resolves by digest", "[oci][reference]") {
  Reference ref = MustParse("127.0.0.1:5000/x@" + kDigest);
  CHECK(ref.registry == "127.0.0.1:5000");
  CHECK(ref.repository == "x");
  CHECK(ref.tag.empty());
  REQUIRE(ref.digest.has_value());
  CHECK(ref.digest->str() == kDigest);
  CHECK(ref.ReferenceOrDigest() == kDigest);
  CHECK(ref.str() == "127.0.0.1:5000/x@" + kDigest);
}

TEST_CASE("A bracketed IPv6 registry with a port parses", "[oci][reference]") {
  Reference ref = MustParse("[::1]:5000/x:y");
  CHECK(ref.registry == "[::1]:5000");
  CHECK(ref.repository == "x");
  CHECK(ref.tag == "y");
  CHECK(MustParse("[fe80::1]/x").registry == "[fe80::1]");
}

TEST_CASE("A tag and a digest together are both kept and the digest wins", "[oci][reference]") {
  Reference ref = MustParse("alpine:3.19@" + kDigest);
  CHECK(ref.repository == "library/alpine");
  CHECK(ref.tag == "3.19");
  REQUIRE(ref.digest.has_value());
  CHECK(ref.ReferenceOrDigest() == kDigest);
  CHECK(ref.str() == "docker.io/library/alpine:3.19@" + kDigest);
}

TEST_CASE("Repository components accept every separator the grammar allows", "[oci][reference]") {
  CHECK(MustParse("x/a.b_c__d-e---f/g0").repository == "x/a.b_c__d-e---f/g0");
}

TEST_CASE("Parsing the output of str() gives the same reference", "[oci][reference]") {
  for (std::string text :
       {std::string("alpine"), std::string("user/img:v1"), std::string("localhost:5000/a/b:t"),
        "127.0.0.1:5000/x@" + kDigest, std::string("[::1]:5000/x:y"), "ghcr.io/o/r:v@" + kDigest}) {
    Reference ref = MustParse(text);
    CHECK(MustParse(ref.str()) == ref);
  }
}

TEST_CASE("An upper-case repository is rejected", "[oci][reference]") {
  CHECK(ParseError("Alpine") == "invalid reference \"Alpine\": repository name must be lower-case");
  CHECK(ParseError("ghcr.io/Org/app") ==
        "invalid reference \"ghcr.io/Org/app\": repository name must be lower-case");
}

TEST_CASE("An empty reference is rejected", "[oci][reference]") {
  CHECK(ParseError("") == "invalid reference \"\": empty");
  CHECK(ParseError("@" + kDigest) == "invalid reference \"@" + kDigest + "\": missing repository");
}

TEST_CASE("A tag starting with a dash is rejected", "[oci][reference]") {
  CHECK(ParseError("alpine:-bad") ==
        "invalid reference \"alpine:-bad\": invalid tag \"-bad\": bad first character; got "
        "'-', want [a-zA-Z0-9_]");
  CHECK(ParseError("alpine:") == "invalid reference \"alpine:\": invalid tag \"\": empty");
}

TEST_CASE("A tag of 129 characters is rejected and 128 is accepted", "[oci][reference]") {
  std::string long_tag(129, 'a');
  CHECK(ParseError("alpine:" + long_tag) ==
        "invalid reference \"alpine:" + long_tag + "\": invalid tag \"" + long_tag +
            "\": too long; got 129 characters, want at most 128");
  CHECK(MustParse("alpine:" + std::string(128, 'a')).tag.size() == 128);
}

TEST_CASE("ValidateTag accepts the distribution grammar and names a bad character",
          "[oci][reference]") {
  CHECK(ValidateTag("_ok").ok());
  CHECK(ValidateTag("v1.2-rc_3").ok());
  CHECK(ValidateTag("").message() == "invalid tag \"\": empty");
  CHECK(ValidateTag("v1+x").message() ==
        "invalid tag \"v1+x\": bad character at offset 2; got '+', want [a-zA-Z0-9._-]");
}

TEST_CASE("A malformed digest is rejected with the digest's own reason", "[oci][reference]") {
  CHECK(ParseError("x@sha256:abc") ==
        "invalid reference \"x@sha256:abc\": invalid digest \"sha256:abc\": got 3 hex "
        "characters, want 64");
}

TEST_CASE("A name longer than 255 characters is rejected", "[oci][reference]") {
  // "localhost" + '/' + 245 = 255 characters.
  CHECK(MustParse("localhost/" + std::string(245, 'a')).repository.size() == 245);
  std::string text = "localhost/" + std::string(246, 'a');
  CHECK(ParseError(text) ==
        "invalid reference \"" + text + "\": name too long; got 256 characters, want at most 255");
}

TEST_CASE("Empty path components are rejected", "[oci][reference]") {
  CHECK(ParseError("a//b") ==
        "invalid reference \"a//b\": repository \"a//b\" has an empty path component");
  CHECK(ParseError("a/b/") ==
        "invalid reference \"a/b/\": repository \"a/b/\" has an empty path component");
  CHECK(ParseError("localhost:5000/") ==
        "invalid reference \"localhost:5000/\": missing repository");
}

TEST_CASE("Malformed repository components are rejected", "[oci][reference]") {
  auto want = [](std::string_view text, std::string_view component) {
    return StrCat("invalid reference \"", text, "\": invalid repository path component; got \"",
                  component, "\", want [a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*");
  };
  CHECK(ParseError("a/b..c") == want("a/b..c", "b..c"));
  CHECK(ParseError("a/b___c") == want("a/b___c", "b___c"));
  CHECK(ParseError("a/-b") == want("a/-b", "-b"));
  CHECK(ParseError("a/b c") == want("a/b c", "b c"));
}

TEST_CASE("Ports outside 1..65535 or with non-digits are rejected", "[oci][reference]") {
  CHECK(ParseError("localhost:0/x") ==
        "invalid reference \"localhost:0/x\": invalid port; got \"0\", want 1..65535");
  CHECK(ParseError("localhost:99999/x") ==
        "invalid reference \"localhost:99999/x\": invalid port; got \"99999\", want 1..65535");
  CHECK(ParseError("localhost:5a/x") ==
        "invalid reference \"localhost:5a/x\": invalid port; got \"5a\", want 1..65535");
  CHECK(MustParse("localhost:65535/x").registry == "localhost:65535");
}

TEST_CASE("Malformed registry hosts are rejected", "[oci][reference]") {
  CHECK(ParseError("my_host.com/x") ==
        "invalid reference \"my_host.com/x\": invalid registry host; got \"my_host.com\", want "
        "a DNS name or a bracketed IPv6 address");
  CHECK(ParseError("[zz::1]:5000/x") ==
        "invalid reference \"[zz::1]:5000/x\": invalid registry host; got \"[zz::1]\", want a "
        "DNS name or a bracketed IPv6 address");
  CHECK(ParseError("-a.com/x") ==
        "invalid reference \"-a.com/x\": invalid registry host; got \"-a.com\", want a DNS "
        "name or a bracketed IPv6 address");
}

TEST_CASE("An oci target splits a tag off the last path component", "[oci][reference]") {
  TargetRef target = MustParseTarget("oci:./dir:v1");
  CHECK(target.kind == TargetKind::kLayout);
  CHECK(target.path == "./dir");
  CHECK(target.tag == "v1");
  CHECK_FALSE(target.digest.has_value());
  CHECK(target.ReferenceOrDigest() == "v1");
  CHECK(target.str() == "oci:./dir:v1");
}

TEST_CASE("An oci target without a tag names neither tag nor digest", "[oci][reference]") {
  TargetRef target = MustParseTarget("oci:/tmp/a/b");
  CHECK(target.kind == TargetKind::kLayout);
  CHECK(target.path == "/tmp/a/b");
  CHECK(target.tag.empty());
  CHECK(target.ReferenceOrDigest().empty());
  CHECK(target.str() == "oci:/tmp/a/b");
}

TEST_CASE("Colons in earlier path components stay in the path", "[oci][reference]") {
  TargetRef target = MustParseTarget("oci:/a:b/c:tag");
  CHECK(target.path == "/a:b/c");
  CHECK(target.tag == "tag");
  CHECK(MustParseTarget("oci:/a:b/c").path == "/a:b/c");
}

TEST_CASE("An oci target takes a trailing digest", "[oci][reference]") {
  TargetRef target = MustParseTarget("oci:dir@" + kDigest);
  CHECK(target.path == "dir");
  CHECK(target.tag.empty());
  REQUIRE(target.digest.has_value());
  CHECK(target.ReferenceOrDigest() == kDigest);
  CHECK(target.str() == "oci:dir@" + kDigest);
  // An '@' that does not start a digest belongs to the path.
  CHECK(MustParseTarget("oci:a@b/dir").path == "a@b/dir");
}

TEST_CASE("An oci-archive target parses a file with a tag or a digest", "[oci][reference]") {
  TargetRef tagged = MustParseTarget("oci-archive:img.tar.zst:v2");
  CHECK(tagged.kind == TargetKind::kArchive);
  CHECK(tagged.path == "img.tar.zst");
  CHECK(tagged.tag == "v2");
  CHECK(tagged.str() == "oci-archive:img.tar.zst:v2");

  TargetRef pinned = MustParseTarget("oci-archive:/x/y.tar@" + kDigest);
  CHECK(pinned.kind == TargetKind::kArchive);
  CHECK(pinned.path == "/x/y.tar");
  CHECK(pinned.str() == "oci-archive:/x/y.tar@" + kDigest);
}

TEST_CASE("A local target with no path is rejected", "[oci][reference]") {
  CHECK(TargetError("oci:") == "invalid reference \"oci:\": missing directory");
  CHECK(TargetError("oci::v1") == "invalid reference \"oci::v1\": missing directory");
  CHECK(TargetError("oci-archive:") == "invalid reference \"oci-archive:\": missing file");
  CHECK(TargetError("oci:@" + kDigest) ==
        "invalid reference \"oci:@" + kDigest + "\": missing directory");
}

TEST_CASE("A local target with a bad tag or digest is rejected", "[oci][reference]") {
  CHECK(TargetError("oci:dir:-bad") ==
        "invalid reference \"oci:dir:-bad\": invalid tag \"-bad\": bad first character; got "
        "'-', want [a-zA-Z0-9_]");
  CHECK(TargetError("oci:dir@sha256:abc") ==
        "invalid reference \"oci:dir@sha256:abc\": invalid digest \"sha256:abc\": got 3 hex "
        "characters, want 64");
}

TEST_CASE("A target without a transport prefix is a registry reference", "[oci][reference]") {
  TargetRef target = MustParseTarget("alpine");
  CHECK(target.kind == TargetKind::kRegistry);
  CHECK(target.remote.str() == "docker.io/library/alpine:latest");
  CHECK(target.str() == "docker.io/library/alpine:latest");
  CHECK(target.ReferenceOrDigest() == "latest");
}

TEST_CASE("A docker:// prefix is stripped and still named in errors", "[oci][reference]") {
  CHECK(MustParseTarget("docker://localhost:5000/a:t") == MustParseTarget("localhost:5000/a:t"));
  CHECK(TargetError("docker://") == "invalid reference \"docker://\": empty");
  CHECK(TargetError("docker://Alpine") ==
        "invalid reference \"docker://Alpine\": repository name must be lower-case");
}

TEST_CASE("Target str() output parses back to the same target", "[oci][reference]") {
  for (std::string text :
       {std::string("oci:./dir:v1"), std::string("oci:/tmp/a/b"), std::string("oci:/a:b/c:tag"),
        "oci:dir@" + kDigest, std::string("oci-archive:img.tar.zst:v2"),
        "oci-archive:/x/y.tar@" + kDigest, std::string("ghcr.io/o/r:v"),
        "docker://alpine@" + kDigest}) {
    TargetRef target = MustParseTarget(text);
    CHECK(MustParseTarget(target.str()) == target);
  }
}

}  // namespace
}  // namespace ec::oci
