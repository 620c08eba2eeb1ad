// Reference: a parsed, normalised registry reference HOST[:PORT]/REPO[:TAG][@DIGEST]; and
// TargetRef: a CLI target argument naming a registry reference, an OCI image layout directory
// ("oci:DIR[:TAG|@DIGEST]") or a tar of one ("oci-archive:FILE[:TAG|@DIGEST]").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "oci/digest.h"
#include "status.h"

namespace ec::oci {

// Longest registry + '/' + repository the distribution spec allows.
inline constexpr std::size_t kMaxNameLength = 255;
// Longest tag the distribution spec allows.
inline constexpr std::size_t kMaxTagLength = 128;

// A registry reference HOST[:PORT]/REPO[:TAG][@DIGEST] with Docker's normalisation.
struct Reference {
  std::string registry;    // "docker.io", "localhost:5000", "127.0.0.1:5000", "[::1]:5000"
  std::string repository;  // "library/alpine"
  std::string tag;         // may be empty when digest is set
  std::optional<Digest> digest;

  // Parses with Docker normalisation: "alpine" -> docker.io/library/alpine:latest;
  // "user/img" -> docker.io/user/img:latest. The first component is a registry host only if it
  // contains '.' or ':' or is "localhost" (Docker's rule); "index.docker.io" and
  // "registry-1.docker.io" normalise to "docker.io"; docker.io single-component repositories
  // get "library/". When neither tag nor digest is given, tag = "latest". Repository path
  // components follow [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* and the whole name is at most
  // kMaxNameLength characters. The host may carry a port (1..65535) and may be a bracketed
  // IPv6 literal.
  static Result<Reference> Parse(std::string_view text);

  // "registry/repository:tag@digest"; the tag part is omitted when empty, the digest part when
  // absent.
  std::string str() const;
  // What to resolve in the repository: the digest string if set, else the tag.
  std::string ReferenceOrDigest() const;

  friend bool operator==(const Reference&, const Reference&) = default;
};

// Checks a repository name against the distribution spec's grammar (path components of
// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* joined by '/'); the length limit is the caller's.
Status ValidateRepository(std::string_view repository);

// Checks a tag against [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}; shared with local targets.
Status ValidateTag(std::string_view tag);

enum class TargetKind { kRegistry, kLayout, kArchive, kStore };

// A CLI target argument: a registry reference (optionally prefixed "docker://"),
// "oci:DIR[:TAG|@DIGEST]", "oci-archive:FILE[:TAG|@DIGEST]" (".tar.zst" means zstd), or
// "store:REPO[:TAG|@DIGEST]", a repository of the local store.
struct TargetRef {
  TargetKind kind = TargetKind::kRegistry;
  Reference remote;              // kRegistry
  std::string path;              // kLayout / kArchive: the directory or file; kStore: the repository
  std::string tag;               // kLayout / kArchive: empty when not named; no "latest" default
  std::optional<Digest> digest;  // kLayout / kArchive; a registry digest lives in remote

  // Local forms follow skopeo's oci: transport: a trailing "@DIGEST" that parses as a digest is
  // the digest; otherwise a ':' in the last path component (after the last '/') starts the tag,
  // so "oci:/a:b/c:v1" is path "/a:b/c" tag "v1" and "oci:/tmp/a/b" has no tag.
  static Result<TargetRef> Parse(std::string_view text);

  // Round-trips the input form: "oci:DIR:TAG", "oci-archive:FILE@sha256:...", or the registry
  // reference's str() (without any "docker://" prefix).
  std::string str() const;
  // The tag or digest string to resolve; empty when a local argument names neither.
  std::string ReferenceOrDigest() const;

  friend bool operator==(const TargetRef&, const TargetRef&) = default;
};

}  // namespace ec::oci
