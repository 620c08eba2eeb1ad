// Reading one jar for the Java DB: its SHA-1 (what Trivy's jar analyzer looks up) and the
// Maven coordinates it belongs to, from the pom.properties files Maven packs into
// META-INF/maven/<groupId>/<artifactId>/, or else from its place in a Maven repository
// (<group path>/<artifactId>/<version>/<artifactId>-<version>[-<classifier>].jar).
//
// Every error message starts with the jar's path, so a caller can list them as they are.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace ec::trivy {

// A pom.properties is a few lines; anything bigger is not one Maven wrote.
inline constexpr std::size_t kMaxPomPropertiesBytes = 64u << 10;
// Shaded jars carry one pom.properties per bundled artifact; a few hundred are seen in the wild.
inline constexpr std::size_t kMaxPomPropertiesPerJar = 4096;
// Entries in a jar's central directory that we walk before giving up on it.
inline constexpr std::size_t kMaxJarEntries = 1u << 20;
// Read buffer for hashing.
inline constexpr std::size_t kHashBufferBytes = 256u << 10;

using Sha1 = std::array<std::uint8_t, 20>;
std::string HexSha1(const Sha1& sha1);

struct MavenCoordinates {
  std::string group_id;
  std::string artifact_id;
  std::string version;
  std::string classifier;  // empty for the main artifact
  bool operator==(const MavenCoordinates&) const = default;
};

// The SHA-1 of a whole file, read in kHashBufferBytes pieces.
Result<Sha1> Sha1OfFile(const std::filesystem::path& path);

// Parses Java .properties text: `#`/`!` comments, `=`, `:` or blank separators, backslash
// line continuations and escapes (\t \n \r \f \uXXXX). A repeated key keeps its last value.
std::map<std::string, std::string> ParseProperties(std::string_view text);

// The coordinates of every pom.properties at META-INF/maven/<g>/<a>/pom.properties that
// names a groupId, an artifactId and a version (others are ignored, as Trivy ignores them),
// in archive order, with an empty classifier. Fails when the file is not a readable zip.
Result<std::vector<MavenCoordinates>> ReadPomProperties(const std::filesystem::path& jar);

// The coordinates `jar`'s path under `root` spells in Maven repository layout, or nullopt
// when it does not follow it (at least one group directory; the file named after the
// artifact and version directories; extension .jar).
std::optional<MavenCoordinates> CoordinatesFromRepositoryPath(const std::filesystem::path& root,
                                                              const std::filesystem::path& jar);

// Picks the jar's own coordinates. With several pom.properties (a shaded jar) the one whose
// group and artifact match the repository path wins, else the one the file name is made of
// (<a>.jar, <a>-<v>.jar, <a>-<v>-<classifier>.jar); a single pom.properties is taken as it
// is; the repository path is the fallback. The classifier comes from the file name.
Result<MavenCoordinates> ChooseCoordinates(const std::filesystem::path& jar,
                                           const std::vector<MavenCoordinates>& poms,
                                           const std::optional<MavenCoordinates>& from_path);

struct ScannedJar {
  std::filesystem::path path;
  Sha1 sha1{};
  MavenCoordinates coordinates;
};

// Hashes `jar`, reads its pom.properties and chooses its coordinates; `root` is the
// directory it was found under (the jar itself when it was named directly).
Result<ScannedJar> ScanJar(const std::filesystem::path& root, const std::filesystem::path& jar);

}  // namespace ec::trivy
