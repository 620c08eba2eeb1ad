// ExportProfile: a tenant's named, revisioned recipe for one kind of export, as the export
// service stores and runs it. YAML or JSON:
//
//   apiVersion: export-center/v1
//   kind: ExportProfile
//   metadata: {name: daily-vex, tenant: acme, revision: r3, labels: {team: sec}}
//   spec:
//     kind: json:raw          # json:raw | json:policy | trivy:db | trivy:java-db |
//                             # mirror:full | mirror:delta | devportal:offline
//     selectors:              # json:*: which of the tenant's evidence (evidence/selectors.h)
//       kinds: [advisory, vex]
//       ecosystems: [npm]
//       purls: ["pkg:npm/*"]
//       vulnerabilities: [CVE-2024-1234]
//       modifiedSince: 2024-01-01T00:00:00Z
//       modifiedUntil: 2025-01-01T00:00:00Z
//       severity: high        # the lowest severity taken (critical|high|medium|low|none)
//     policy: {repository: file:///srv/policy.git, ref: v1, file: packs/policy.yaml}
//                             # json:policy only, required there (ref default HEAD; file
//                             # default policy.yaml, else policy.json)
//     json: {shardMiB: 32, imageCompatible: false}                 # json:*
//     trivy: {sources: [/srv/advisories], nextUpdate: 24h}          # trivy:*, required there
//                             # (nextUpdate default 24h, 72h for trivy:java-db)
//     mirror:                 # mirror:*, required there
//       spec: {repositories: [...], exports: [...]}                # an inline MirrorSpec
//                             # (mirror/spec.h; apiVersion and kind may be left out)
//       base: <run id or bundle path>                              # mirror:delta only, required
//     devportal: {source: /srv/portal, releaseVersion: "1.4.0", imageCompatible: false}
//                             # devportal:offline, required there (releaseVersion default
//                             # "unversioned")
//     compression: {codec: zstd, level: 3}
//                             # json:* (zstd, level 1-19) and mirror:* (zstd at level 3, or
//                             # none); default zstd level 3
//     encryption: {recipients: [age1...], strict: true}            # mirror:* only
//     signing: {key: release-2025}       # the name of a key the server holds, never a key
//     distribution:                      # required: at least one, none twice
//       - {type: registry, ref: "registry.example/team/evidence:daily"}  # not mirror:*
//       - {type: download}               # kept by the service for download
//       - {type: layout, path: /srv/oci/evidence}                        # an OCI layout dir
//     retention: {days: 30}              # or {keep: N}: the newest N runs
//
// Parsing is strict: unknown fields, wrong types, blocks that do not apply to the kind and
// missing required ones are errors naming their path ("spec.selectors.severty: unknown
// field, want one of kinds, …"). Scalars may be strings in either syntax ("3", "true"), as
// YAML gives them.
//
// The normalised document (defaults filled in, selector lists sorted and unique, recipients
// sorted and unique, the inline mirror spec rebuilt from its parsed form) is the profile's
// identity: CanonicalProfile gives its RFC 8785 bytes and ProfileDigest their sha256. The
// same profile written in YAML or JSON, with keys in any order, has one digest; a revision is
// immutable, so the store refuses the same name + revision with another digest.
//
// Paths (trivy sources, devportal source, layout path, policy repository, mirror base) are
// checked for shape only: confining them to directories the server allows is the service's
// job.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/selectors.h"
#include "mirror/spec.h"
#include "status.h"

namespace ec::service {

inline constexpr std::string_view kProfileApiVersion = "export-center/v1";
inline constexpr std::string_view kProfileDocumentKind = "ExportProfile";

// Limits: a profile is a small declarative document.
inline constexpr std::size_t kMaxProfileBytes = 1 << 20;  // the whole document, 1 MiB
inline constexpr std::size_t kMaxSelectorValues = 1000;   // per selectors list
inline constexpr std::size_t kMaxLabels = 64;
inline constexpr std::size_t kMaxLabelKeyBytes = 63;
inline constexpr std::size_t kMaxLabelValueBytes = 128;
inline constexpr std::size_t kMaxTrivySources = 256;
inline constexpr std::size_t kMaxRecipients = 64;
inline constexpr std::size_t kMaxDistributions = 16;
inline constexpr std::size_t kMaxPathBytes = 4096;  // paths, URLs, references, run ids
inline constexpr std::int64_t kMaxShardMiB = 1024;
inline constexpr std::int64_t kMaxRetentionDays = 3650;
inline constexpr std::int64_t kMaxRetentionKeep = 10000;

enum class ProfileKind {
  kJsonRaw,
  kJsonPolicy,
  kTrivyDb,
  kTrivyJavaDb,
  kMirrorFull,
  kMirrorDelta,
  kDevportalOffline,
};

// "json:raw", "trivy:java-db", …
std::string_view ProfileKindName(ProfileKind kind);
// The inverse of ProfileKindName; nullopt for any other text.
std::optional<ProfileKind> ProfileKindFromName(std::string_view name);
// The two halves of the name, as manifest.json's profile{kind, variant} and provenance carry
// them: json:raw → "json" and "raw".
std::string_view ProfileFamily(ProfileKind kind);
std::string_view ProfileVariant(ProfileKind kind);
bool IsJsonKind(ProfileKind kind);    // json:raw, json:policy
bool IsTrivyKind(ProfileKind kind);   // trivy:db, trivy:java-db
bool IsMirrorKind(ProfileKind kind);  // mirror:full, mirror:delta

// json:policy: the policy pack, read with evidence::ReadPolicyFromGit(repository, ref[, file]).
struct PolicySource {
  std::string repository;  // a local path or a file:// URL
  std::string ref = "HEAD";
  std::string file;  // a path in the repository; "": policy.yaml, else policy.json
};

// json:*: how the export is cut and packaged (the CLI's --shard-mib and --image-compatible).
struct JsonOptions {
  std::int64_t shard_mib = 32;  // 1 to kMaxShardMiB
  bool image_compatible = false;
};

// trivy:*: the advisory files (trivy:db) or jars / Maven repositories (trivy:java-db) read.
struct TrivyOptions {
  std::vector<std::string> sources;  // files or directories, in the order given, none twice
  std::string next_update;           // as written: "24h"
  std::int64_t next_update_seconds = 0;  // NextUpdate = UpdatedAt + this
};

// mirror:*: what the bundle carries, and for a delta what it is made against.
struct MirrorOptions {
  mirror::MirrorSpec spec;  // parsed by mirror::ParseMirrorSpec
  std::string base;         // mirror:delta: the base run id or bundle path; "" for mirror:full
};

// devportal:offline: the portal directory and the bundle's release version.
struct DevportalOptions {
  std::string source;                          // a directory with portal/, specs/, sdks/, …
  std::string release_version = "unversioned";  // [A-Za-z0-9._-], 1-64 characters
  bool image_compatible = false;
};

enum class Codec { kZstd, kGzip, kNone };
std::string_view CodecName(Codec codec);  // "zstd", "gzip", "none"

struct Compression {
  Codec codec = Codec::kZstd;
  int level = 3;  // zstd: 1-19 (mirror:* always 3); 0 with none
};

// mirror:*: the bundle is an age file to these recipients; never written in plaintext.
struct Encryption {
  std::vector<std::string> recipients;  // "age1…", sorted, unique
  bool strict = true;                   // only true is accepted (it is how bundles are written)
};

enum class DistributionType { kRegistry, kDownload, kLayout };
std::string_view DistributionTypeName(DistributionType type);  // "registry", "download", "layout"

struct Distribution {
  DistributionType type = DistributionType::kDownload;
  std::string ref;   // kRegistry: "host/repository[:tag]", as written (never a digest)
  std::string path;  // kLayout: the OCI image layout directory
};

// Exactly one of the two is non-zero.
struct Retention {
  std::int64_t days = 0;  // keep runs this many days (1 to kMaxRetentionDays)
  std::int64_t keep = 0;  // keep the newest this many runs (1 to kMaxRetentionKeep)
};

// A parsed, validated, normalised profile. The kind's blocks are set exactly when they apply
// to the kind (with their defaults filled in); the others are nullopt. So a runner reads
// `*profile.selectors` for json:*, `*profile.mirror` for mirror:*, and so on.
struct ExportProfile {
  // metadata
  std::string name;      // 3-64 of [a-z0-9-], starting and ending with a letter or digit
  std::string tenant;    // evidence::ValidateTenant: 1-63 of [a-z0-9-], inner '-'
  std::string revision;  // "r<N>"
  std::int64_t revision_number = 1;  // N >= 1
  std::map<std::string, std::string> labels;

  // spec
  ProfileKind kind = ProfileKind::kJsonRaw;
  std::optional<evidence::Selectors> selectors;  // json:*: normalised; tenant = metadata.tenant
  std::optional<PolicySource> policy;            // json:policy
  std::optional<JsonOptions> json;               // json:*
  std::optional<TrivyOptions> trivy;             // trivy:*
  std::optional<MirrorOptions> mirror;           // mirror:*
  std::optional<DevportalOptions> devportal;     // devportal:offline
  std::optional<Compression> compression;        // json:*, mirror:*
  std::optional<Encryption> encryption;          // mirror:*, when given
  std::optional<std::string> signing_key;        // the name of a key the server holds
  std::vector<Distribution> distribution;        // at least one, in the order given
  std::optional<Retention> retention;            // nullopt: runs are kept until deleted

  // As parsed: CanonicalProfile and ProfileDigest of the fields above.
  std::string canonical_json;
  std::string digest;  // "sha256:<hex>"
};

// Parses YAML, or JSON when the first non-blank character is '{' (a YAML flow mapping at the
// top level is therefore read as JSON). Duplicate keys are refused in both. Errors are
// InvalidArgument and start with `where` ("profiles/daily.yaml: spec.kind \"json:xml\": want
// one of json:raw, …").
Result<ExportProfile> ParseExportProfile(std::string_view bytes, std::string_view where);

// RFC 8785 canonical JSON of the normalised document, from the typed fields: parsing these
// bytes gives the same profile and the same bytes again.
std::string CanonicalProfile(const ExportProfile& profile);
// "sha256:<hex>" of CanonicalProfile(profile): the identity of a revision.
std::string ProfileDigest(const ExportProfile& profile);

// The canonical JSON of a normalised mirror spec document (defaults filled in, as
// spec.mirror.spec holds it in CanonicalProfile): mirror::ParseMirrorSpec reads it back, and
// its sha256 is the spec digest a mirror run's provenance records.
std::string CanonicalMirrorSpec(const mirror::MirrorSpec& spec);

}  // namespace ec::service
