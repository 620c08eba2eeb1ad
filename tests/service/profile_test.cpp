// Export profiles: every kind from YAML and JSON, defaults, strict errors, the digest, limits.
#include "service/profile.h"

#include <algorithm>
#include <string>
#include <vector>

#include "age/bech32.h"
#include "mirror/spec.h"
#include "support/test_support.h"

namespace ec::service {
namespace {

// A well-formed age recipient (any 32 bytes make one).
std::string Recipient(std::uint8_t fill) {
  age::X25519Key key{};
  key.fill(fill);
  return age::FormatRecipient(key);
}

std::string Doc(std::string_view spec, std::string_view metadata = "{name: nightly, tenant: acme}") {
  return StrCat("apiVersion: export-center/v1\nkind: ExportProfile\nmetadata: ", metadata, "\nspec:\n", spec);
}

constexpr std::string_view kDownload = "  distribution: [{type: download}]\n";

std::string Error(std::string_view bytes, std::string_view where = "p.yaml") {
  Result<ExportProfile> p = ParseExportProfile(bytes, where);
  if (p.ok()) return "parsed";
  CHECK(p.status().code() == Code::kInvalidArgument);
  return p.status().message();
}

ExportProfile Parse(std::string_view bytes, std::string_view where = "p.yaml") {
  Result<ExportProfile> p = ParseExportProfile(bytes, where);
  REQUIRE_OK(p);
  return *p;
}

// ---------------------------------------------------------------------------------------
// One profile of each kind, written once in YAML (every scalar a string) and once in JSON
// (numbers and booleans native, keys in another order).

constexpr std::string_view kJsonRawYaml = R"(apiVersion: export-center/v1
kind: ExportProfile
metadata: {name: daily-vex, tenant: acme, revision: r3, labels: {team: sec}}
spec:
  kind: json:raw
  selectors:
    kinds: [vex, advisory]
    ecosystems: [NPM]
    purls: ["pkg:npm/*"]
    vulnerabilities: [CVE-2024-1234]
    modifiedSince: 2024-01-01T00:00:00Z
    modifiedUntil: 2025-01-01T00:00:00Z
    severity: high
  json: {shardMiB: 64, imageCompatible: true}
  compression: {codec: zstd, level: 9}
  signing: {key: release-2025}
  distribution:
    - {type: registry, ref: "registry.example/team/evidence:daily"}
    - {type: download}
  retention: {days: 30}
)";

constexpr std::string_view kJsonRawJson = R"({
  "spec": {
    "retention": {"days": 30},
    "distribution": [{"ref": "registry.example/team/evidence:daily", "type": "registry"}, {"type": "download"}],
    "signing": {"key": "release-2025"},
    "compression": {"level": 9, "codec": "zstd"},
    "json": {"imageCompatible": true, "shardMiB": 64},
    "selectors": {
      "severity": "high",
      "modifiedUntil": "2025-01-01T00:00:00Z",
      "modifiedSince": "2024-01-01T00:00:00Z",
      "vulnerabilities": ["CVE-2024-1234"],
      "purls": ["pkg:npm/*"],
      "ecosystems": ["npm"],
      "kinds": ["advisory", "vex"]
    },
    "kind": "json:raw"
  },
  "metadata": {"labels": {"team": "sec"}, "revision": "r3", "tenant": "acme", "name": "daily-vex"},
  "kind": "ExportProfile",
  "apiVersion": "export-center/v1"
})";

constexpr std::string_view kJsonPolicyYaml = R"(apiVersion: export-center/v1
kind: ExportProfile
metadata:
  name: policy-daily
  tenant: acme
spec:
  kind: json:policy
  selectors:
    kinds: [advisory]
  policy:
    repository: file:///srv/policy.git
    ref: v1
    file: packs/prod.yaml
  distribution:
    - type: download
)";

constexpr std::string_view kJsonPolicyJson =
    R"({"apiVersion":"export-center/v1","kind":"ExportProfile","metadata":{"name":"policy-daily","tenant":"acme"},)"
    R"("spec":{"kind":"json:policy","selectors":{"kinds":["advisory"]},)"
    R"("policy":{"file":"packs/prod.yaml","ref":"v1","repository":"file:///srv/policy.git"},)"
    R"("distribution":[{"type":"download"}]}})";

constexpr std::string_view kTrivyDbYaml = R"(apiVersion: export-center/v1
kind: ExportProfile
metadata: {name: trivy-nightly, tenant: acme, revision: r12}
spec:
  kind: trivy:db
  trivy:
    sources: [/srv/osv, /srv/ghsa]
    nextUpdate: 12h
  distribution:
    - {type: registry, ref: "registry.example/aquasec/trivy-db:2"}
    - {type: layout, path: /srv/oci/trivy}
  retention: {keep: "10"}
)";

constexpr std::string_view kTrivyDbJson = R"({"spec": {"kind": "trivy:db",
  "trivy": {"nextUpdate": "12h", "sources": ["/srv/osv", "/srv/ghsa"]},
  "distribution": [{"type": "registry", "ref": "registry.example/aquasec/trivy-db:2"},
                   {"path": "/srv/oci/trivy", "type": "layout"}],
  "retention": {"keep": 10}},
 "apiVersion": "export-center/v1", "kind": "ExportProfile",
 "metadata": {"name": "trivy-nightly", "tenant": "acme", "revision": "r12"}})";

constexpr std::string_view kTrivyJavaDbYaml = R"(apiVersion: export-center/v1
kind: ExportProfile
metadata: {name: java-db, tenant: acme}
spec:
  kind: trivy:java-db
  trivy: {sources: [/srv/m2]}
  distribution: [{type: registry, ref: "registry.example/aquasec/trivy-java-db:1"}]
)";

constexpr std::string_view kTrivyJavaDbJson =
    R"({"apiVersion":"export-center/v1","kind":"ExportProfile","metadata":{"tenant":"acme","name":"java-db"},)"
    R"("spec":{"trivy":{"sources":["/srv/m2"]},"kind":"trivy:java-db",)"
    R"("distribution":[{"type":"registry","ref":"registry.example/aquasec/trivy-java-db:1"}]}})";

std::string MirrorFullYaml() {
  return StrCat(R"(apiVersion: export-center/v1
kind: ExportProfile
metadata: {name: mirror-prod, tenant: ops}
spec:
  kind: mirror:full
  mirror:
    spec:
      metadata: {name: prod}
      repositories:
        - source: registry.example/team/app
          tags: ["1.0", latest]
          platforms: [linux/amd64]
          referrers: false
      exports:
        - {ref: "store:evidence/demo:latest", target: exports/demo}
  compression: {codec: none}
  encryption:
    recipients: [)",
                Recipient(2), ", ", Recipient(1), R"(]
  signing: {key: mirror-signer}
  distribution: [{type: download}]
  retention: {keep: 5}
)");
}

std::string MirrorFullJson() {
  return StrCat(R"({"apiVersion": "export-center/v1", "kind": "ExportProfile",
 "metadata": {"name": "mirror-prod", "tenant": "ops", "revision": "r1"},
 "spec": {"kind": "mirror:full",
   "mirror": {"spec": {"apiVersion": "export-center/v1", "kind": "MirrorSpec", "metadata": {"name": "prod"},
     "repositories": [{"source": "registry.example/team/app", "target": "team/app", "tags": ["1.0", "latest"],
                       "platforms": ["linux/amd64"], "referrers": false, "cosignTags": true}],
     "exports": [{"target": "exports/demo", "ref": "store:evidence/demo:latest"}]}},
   "compression": {"codec": "none"},
   "encryption": {"strict": true, "recipients": [")",
                Recipient(1), R"(", ")", Recipient(2), R"("]},
   "signing": {"key": "mirror-signer"},
   "distribution": [{"type": "download"}],
   "retention": {"keep": 5}}})");
}

constexpr std::string_view kMirrorDeltaYaml = R"(apiVersion: export-center/v1
kind: ExportProfile
metadata: {name: mirror-delta, tenant: ops, revision: r2}
spec:
  kind: mirror:delta
  mirror:
    base: run-000122
    spec:
      repositories:
        - {source: registry.example/team/db, target: mirrored/db, semver: ">=1.2.0 <2.0.0"}
  distribution:
    - {type: layout, path: /srv/bundles/delta}
    - {type: download}
)";

constexpr std::string_view kMirrorDeltaJson = R"({"apiVersion":"export-center/v1","kind":"ExportProfile",
"metadata":{"name":"mirror-delta","tenant":"ops","revision":"r2"},
"spec":{"kind":"mirror:delta","mirror":{"spec":{"repositories":[{"semver":">=1.2.0 <2.0.0","target":"mirrored/db",
"source":"registry.example/team/db"}]},"base":"run-000122"},"compression":{"codec":"zstd","level":3},
"distribution":[{"type":"layout","path":"/srv/bundles/delta"},{"type":"download"}]}})";

constexpr std::string_view kDevportalYaml = R"(apiVersion: export-center/v1
kind: ExportProfile
metadata: {name: portal, tenant: docs}
spec:
  kind: devportal:offline
  devportal: {source: /srv/portal, releaseVersion: "1.4.0", imageCompatible: "true"}
  signing: {key: portal}
  distribution:
    - {type: registry, ref: "localhost:5000/portal"}
    - {type: download}
)";

constexpr std::string_view kDevportalJson = R"({"apiVersion":"export-center/v1","kind":"ExportProfile",
"metadata":{"name":"portal","tenant":"docs"},
"spec":{"kind":"devportal:offline","devportal":{"imageCompatible":true,"releaseVersion":"1.4.0","source":"/srv/portal"},
"signing":{"key":"portal"},"distribution":[{"type":"registry","ref":"localhost:5000/portal"},{"type":"download"}]}})";

struct Pair {
  ProfileKind kind;
  std::string yaml;
  std::string json;
};

std::vector<Pair> AllKinds() {
  return {
      {ProfileKind::kJsonRaw, std::string(kJsonRawYaml), std::string(kJsonRawJson)},
      {ProfileKind::kJsonPolicy, std::string(kJsonPolicyYaml), std::string(kJsonPolicyJson)},
      {ProfileKind::kTrivyDb, std::string(kTrivyDbYaml), std::string(kTrivyDbJson)},
      {ProfileKind::kTrivyJavaDb, std::string(kTrivyJavaDbYaml), std::string(kTrivyJavaDbJson)},
      {ProfileKind::kMirrorFull, MirrorFullYaml(), MirrorFullJson()},
      {ProfileKind::kMirrorDelta, std::string(kMirrorDeltaYaml), std::string(kMirrorDeltaJson)},
      {ProfileKind::kDevportalOffline, std::string(kDevportalYaml), std::string(kDevportalJson)},
  };
}

TEST_CASE("profile kinds have names, families and variants") {
  for (ProfileKind k : {ProfileKind::kJsonRaw, ProfileKind::kJsonPolicy, ProfileKind::kTrivyDb, ProfileKind::kTrivyJavaDb,
                        ProfileKind::kMirrorFull, ProfileKind::kMirrorDelta, ProfileKind::kDevportalOffline}) {
    auto back = ProfileKindFromName(ProfileKindName(k));
    REQUIRE(back.has_value());
    CHECK(*back == k);
    CHECK(StrCat(ProfileFamily(k), ":", ProfileVariant(k)) == ProfileKindName(k));
  }
  CHECK(ProfileKindName(ProfileKind::kTrivyJavaDb) == "trivy:java-db");
  CHECK(ProfileFamily(ProfileKind::kTrivyJavaDb) == "trivy");
  CHECK(ProfileVariant(ProfileKind::kTrivyJavaDb) == "java-db");
  CHECK_FALSE(ProfileKindFromName("json").has_value());
  CHECK(IsJsonKind(ProfileKind::kJsonPolicy));
  CHECK(IsTrivyKind(ProfileKind::kTrivyJavaDb));
  CHECK(IsMirrorKind(ProfileKind::kMirrorDelta));
  CHECK_FALSE(IsMirrorKind(ProfileKind::kDevportalOffline));
}

TEST_CASE("every kind parses from YAML and JSON to one digest") {
  for (const Pair& pair : AllKinds()) {
    INFO(ProfileKindName(pair.kind));
    ExportProfile from_yaml = Parse(pair.yaml, "p.yaml");
    ExportProfile from_json = Parse(pair.json, "p.json");
    CHECK(from_yaml.kind == pair.kind);
    CHECK(from_json.kind == pair.kind);
    CHECK(from_yaml.canonical_json == from_json.canonical_json);
    CHECK(from_yaml.digest == from_json.digest);
    CHECK(from_yaml.digest.rfind("sha256:", 0) == 0);
    CHECK(from_yaml.digest.size() == 7 + 64);
    // The stored bytes are what the typed fields give, and they parse back to themselves.
    CHECK(CanonicalProfile(from_yaml) == from_yaml.canonical_json);
    CHECK(ProfileDigest(from_yaml) == from_yaml.digest);
    ExportProfile again = Parse(from_yaml.canonical_json, "canonical");
    CHECK(again.canonical_json == from_yaml.canonical_json);
    // Blocks are set exactly for the kinds they apply to.
    CHECK(from_yaml.selectors.has_value() == IsJsonKind(pair.kind));
    CHECK(from_yaml.json.has_value() == IsJsonKind(pair.kind));
    CHECK(from_yaml.policy.has_value() == (pair.kind == ProfileKind::kJsonPolicy));
    CHECK(from_yaml.trivy.has_value() == IsTrivyKind(pair.kind));
    CHECK(from_yaml.mirror.has_value() == IsMirrorKind(pair.kind));
    CHECK(from_yaml.devportal.has_value() == (pair.kind == ProfileKind::kDevportalOffline));
    CHECK(from_yaml.compression.has_value() == (IsJsonKind(pair.kind) || IsMirrorKind(pair.kind)));
    CHECK_FALSE(from_yaml.distribution.empty());
  }
}

TEST_CASE("profile fields are typed") {
  SECTION("json:raw") {
    ExportProfile p = Parse(kJsonRawYaml);
    CHECK(p.name == "daily-vex");
    CHECK(p.tenant == "acme");
    CHECK(p.revision == "r3");
    CHECK(p.revision_number == 3);
    CHECK(p.labels == std::map<std::string, std::string>{{"team", "sec"}});
    REQUIRE(p.selectors.has_value());
    CHECK(p.selectors->tenant == "acme");
    CHECK(p.selectors->kinds == std::vector<std::string>{"advisory", "vex"});  // sorted
    CHECK(p.selectors->ecosystems == std::vector<std::string>{"npm"});         // lower-cased
    CHECK(p.selectors->purl_globs == std::vector<std::string>{"pkg:npm/*"});
    CHECK(p.selectors->vulnerabilities == std::vector<std::string>{"CVE-2024-1234"});
    CHECK(p.selectors->modified_since == "2024-01-01T00:00:00Z");
    CHECK(p.selectors->modified_until == "2025-01-01T00:00:00Z");
    CHECK(p.selectors->min_severity == "high");
    REQUIRE(p.json.has_value());
    CHECK(p.json->shard_mib == 64);
    CHECK(p.json->image_compatible);
    REQUIRE(p.compression.has_value());
    CHECK(p.compression->codec == Codec::kZstd);
    CHECK(p.compression->level == 9);
    CHECK(p.signing_key == std::optional<std::string>("release-2025"));
    REQUIRE(p.distribution.size() == 2);
    CHECK(p.distribution[0].type == DistributionType::kRegistry);
    CHECK(p.distribution[0].ref == "registry.example/team/evidence:daily");
    CHECK(p.distribution[1].type == DistributionType::kDownload);
    REQUIRE(p.retention.has_value());
    CHECK(p.retention->days == 30);
    CHECK(p.retention->keep == 0);
    CHECK_FALSE(p.encryption.has_value());
  }
  SECTION("json:policy") {
    ExportProfile p = Parse(kJsonPolicyYaml);
    REQUIRE(p.policy.has_value());
    CHECK(p.policy->repository == "file:///srv/policy.git");
    CHECK(p.policy->ref == "v1");
    CHECK(p.policy->file == "packs/prod.yaml");
  }
  SECTION("trivy:db") {
    ExportProfile p = Parse(kTrivyDbYaml);
    REQUIRE(p.trivy.has_value());
    CHECK(p.trivy->sources == std::vector<std::string>{"/srv/osv", "/srv/ghsa"});  // order kept
    CHECK(p.trivy->next_update == "12h");
    CHECK(p.trivy->next_update_seconds == 12 * 3600);
    CHECK(p.revision_number == 12);
    REQUIRE(p.distribution.size() == 2);
    CHECK(p.distribution[1].type == DistributionType::kLayout);
    CHECK(p.distribution[1].path == "/srv/oci/trivy");
    REQUIRE(p.retention.has_value());
    CHECK(p.retention->keep == 10);
    CHECK(p.retention->days == 0);
  }
  SECTION("mirror:full") {
    ExportProfile p = Parse(MirrorFullYaml());
    REQUIRE(p.mirror.has_value());
    CHECK(p.mirror->base.empty());
    CHECK(p.mirror->spec.name == "prod");
    REQUIRE(p.mirror->spec.repositories.size() == 1);
    CHECK(p.mirror->spec.repositories[0].target == "team/app");
    CHECK_FALSE(p.mirror->spec.repositories[0].referrers);
    CHECK(p.mirror->spec.repositories[0].cosign_tags);
    REQUIRE(p.mirror->spec.exports.size() == 1);
    REQUIRE(p.compression.has_value());
    CHECK(p.compression->codec == Codec::kNone);
    CHECK(p.compression->level == 0);
    REQUIRE(p.encryption.has_value());
    std::vector<std::string> sorted = {Recipient(1), Recipient(2)};
    std::sort(sorted.begin(), sorted.end());
    CHECK(p.encryption->recipients == sorted);
    CHECK(p.encryption->strict);
    // The normalised spec is one mirror::ParseMirrorSpec reads back, defaults filled in.
    const std::string spec = CanonicalMirrorSpec(p.mirror->spec);
    CHECK(spec.find(R"("target":"team/app")") != std::string::npos);
    CHECK(spec.find(R"("cosignTags":true)") != std::string::npos);
    auto reread = mirror::ParseMirrorSpec(spec, "spec");
    REQUIRE_OK(reread);
    CHECK(CanonicalMirrorSpec(*reread) == spec);
  }
  SECTION("mirror:delta") {
    ExportProfile p = Parse(kMirrorDeltaYaml);
    REQUIRE(p.mirror.has_value());
    CHECK(p.mirror->base == "run-000122");
    CHECK(p.mirror->spec.repositories[0].semver == ">=1.2.0 <2.0.0");
  }
  SECTION("devportal:offline") {
    ExportProfile p = Parse(kDevportalYaml);
    REQUIRE(p.devportal.has_value());
    CHECK(p.devportal->source == "/srv/portal");
    CHECK(p.devportal->release_version == "1.4.0");
    CHECK(p.devportal->image_compatible);
  }
}

TEST_CASE("profile defaults are filled in") {
  ExportProfile p = Parse(Doc(StrCat("  kind: json:raw\n", kDownload)));
  CHECK(p.revision == "r1");
  CHECK(p.revision_number == 1);
  CHECK(p.labels.empty());
  REQUIRE(p.selectors.has_value());
  CHECK(p.selectors->tenant == "acme");
  CHECK(p.selectors->kinds.empty());
  CHECK(p.selectors->min_severity.empty());
  REQUIRE(p.json.has_value());
  CHECK(p.json->shard_mib == 32);
  CHECK_FALSE(p.json->image_compatible);
  REQUIRE(p.compression.has_value());
  CHECK(p.compression->codec == Codec::kZstd);
  CHECK(p.compression->level == 3);
  CHECK_FALSE(p.signing_key.has_value());
  CHECK_FALSE(p.retention.has_value());
  CHECK(p.canonical_json ==
        R"({"apiVersion":"export-center/v1","kind":"ExportProfile","metadata":{"name":"nightly","revision":"r1",)"
        R"("tenant":"acme"},"spec":{"compression":{"codec":"zstd","level":3},"distribution":[{"type":"download"}],)"
        R"("json":{"imageCompatible":false,"shardMiB":32},"kind":"json:raw","selectors":{}}})");

  ExportProfile policy = Parse(Doc(StrCat("  kind: json:policy\n  policy: {repository: /srv/policy}\n", kDownload)));
  REQUIRE(policy.policy.has_value());
  CHECK(policy.policy->ref == "HEAD");
  CHECK(policy.policy->file.empty());

  ExportProfile trivy = Parse(Doc(StrCat("  kind: trivy:db\n  trivy: {sources: [/srv/osv]}\n", kDownload)));
  REQUIRE(trivy.trivy.has_value());
  CHECK(trivy.trivy->next_update == "24h");
  CHECK(trivy.trivy->next_update_seconds == 86400);
  CHECK_FALSE(trivy.compression.has_value());
  ExportProfile java = Parse(kTrivyJavaDbYaml);
  REQUIRE(java.trivy.has_value());
  CHECK(java.trivy->next_update == "72h");

  ExportProfile portal = Parse(Doc(StrCat("  kind: devportal:offline\n  devportal: {source: /srv/portal}\n", kDownload)));
  REQUIRE(portal.devportal.has_value());
  CHECK(portal.devportal->release_version == "unversioned");
  CHECK_FALSE(portal.devportal->image_compatible);

  ExportProfile delta = Parse(kMirrorDeltaYaml);
  REQUIRE(delta.compression.has_value());
  CHECK(delta.compression->codec == Codec::kZstd);
  CHECK(delta.compression->level == 3);
  CHECK_FALSE(delta.encryption.has_value());
}

TEST_CASE("the profile digest follows meaning, not spelling") {
  const ExportProfile base = Parse(Doc(StrCat("  kind: json:raw\n  selectors: {kinds: [vex, advisory]}\n", kDownload)));
  auto digest = [](std::string_view bytes) { return Parse(bytes).digest; };

  // Key order, whitespace, flow or block style, JSON: the same digest.
  CHECK(digest("apiVersion: export-center/v1\nkind: ExportProfile\nspec:\n  distribution:\n    - type: download\n"
               "  selectors:\n    kinds:\n      - advisory\n      - vex\n  kind: json:raw\n"
               "metadata:\n  tenant: acme\n  name: nightly\n") == base.digest);
  CHECK(digest(R"({ "metadata" : { "tenant" : "acme" , "name" : "nightly" } , "spec" : { "kind" : "json:raw" ,
      "distribution" : [ { "type" : "download" } ] , "selectors" : { "kinds" : [ "advisory" , "vex" ] } } ,
      "kind" : "ExportProfile" , "apiVersion" : "export-center/v1" })") == base.digest);
  // Defaults written out, and selector lists repeated or reordered: the same profile.
  CHECK(digest(Doc("  kind: json:raw\n  selectors: {kinds: [advisory, vex, vex]}\n  json: {shardMiB: 32, imageCompatible: false}\n"
                   "  compression: {codec: zstd, level: 3}\n  distribution: [{type: download}]\n",
                   "{name: nightly, tenant: acme, revision: r1}")) == base.digest);

  // Any field that means something changes it.
  CHECK(digest(Doc(StrCat("  kind: json:raw\n  selectors: {kinds: [vex, advisory]}\n", kDownload),
                   "{name: nightly, tenant: acme, revision: r2}")) != base.digest);
  CHECK(digest(Doc(StrCat("  kind: json:raw\n  selectors: {kinds: [vex]}\n", kDownload))) != base.digest);
  CHECK(digest(Doc(StrCat("  kind: json:raw\n  selectors: {kinds: [vex, advisory], severity: high}\n", kDownload))) !=
        base.digest);
  CHECK(digest(Doc(StrCat("  kind: json:raw\n  selectors: {kinds: [vex, advisory]}\n", kDownload),
                   "{name: nightly, tenant: acme, labels: {team: sec}}")) != base.digest);
  CHECK(digest(Doc(StrCat("  kind: json:raw\n  selectors: {kinds: [vex, advisory]}\n  compression: {level: 4}\n",
                          kDownload))) != base.digest);
  CHECK(digest(Doc(StrCat("  kind: json:raw\n  selectors: {kinds: [vex, advisory]}\n", kDownload),
                   "{name: nightly, tenant: other}")) != base.digest);

  // The typed fields are the source: change one and the digest follows.
  ExportProfile changed = base;
  changed.retention = Retention{7, 0};
  CHECK(ProfileDigest(changed) != base.digest);
  CHECK(CanonicalProfile(changed).find(R"("retention":{"days":7})") != std::string::npos);
}

TEST_CASE("profile errors name the field") {
  // Document shape.
  CHECK(Error("- a\n") == "p.yaml: document: got array, want a mapping");
  CHECK(Error("apiVersion: v2\nkind: ExportProfile\n") == "p.yaml: apiVersion: got \"v2\", want export-center/v1");
  CHECK(Error("apiVersion: export-center/v1\nkind: MirrorSpec\n") ==
        "p.yaml: kind: got \"MirrorSpec\", want ExportProfile");
  CHECK(Error("apiVersion: export-center/v1\nkind: ExportProfile\nstatus: {}\n") ==
        "p.yaml: status: unknown field, want one of apiVersion, kind, metadata, spec");
  CHECK(Error("apiVersion: export-center/v1\nkind: ExportProfile\nspec: {}\n") == "p.yaml: metadata: required");
  CHECK(Error("apiVersion: export-center/v1\nkind: ExportProfile\nmetadata: {name: nightly, tenant: acme}\n") ==
        "p.yaml: spec: required");
  CHECK(Error(Doc("  kind: json:raw\n  kind: json:policy\n")) == "p.yaml: spec.kind: duplicate key");
  CHECK(Error(R"({"apiVersion":"export-center/v1","kind":"ExportProfile","metadata":{"name":"nightly","tenant":"acme"},)"
              R"("spec":{"kind":"json:raw","kind":"json:policy","distribution":[{"type":"download"}]}})",
              "p.json") == "p.json: spec.kind: duplicate key");
  CHECK(Error("{\"apiVersion\": ", "p.json").rfind("p.json: not valid JSON: ", 0) == 0);

  // metadata.
  CHECK(Error(Doc(kDownload, "{tenant: acme}")) == "p.yaml: metadata.name: required");
  CHECK(Error(Doc(kDownload, "{name: Daily, tenant: acme}")) ==
        "p.yaml: metadata.name \"Daily\": want 3-64 characters of a-z, 0-9 and inner '-'");
  CHECK(Error(Doc(kDownload, "{name: ab, tenant: acme}")) ==
        "p.yaml: metadata.name \"ab\": want 3-64 characters of a-z, 0-9 and inner '-'");
  CHECK(Error(Doc(kDownload, "{name: nightly}")) == "p.yaml: metadata.tenant: required");
  CHECK(Error(Doc(kDownload, "{name: nightly, tenant: Acme}")) ==
        "p.yaml: metadata.tenant \"Acme\": want 1-63 characters of a-z, 0-9 and inner '-'");
  CHECK(Error(Doc(kDownload, "{name: nightly, tenant: acme, revision: r0}")) ==
        "p.yaml: metadata.revision \"r0\": want r<N> with N >= 1 (r1, r2, …)");
  CHECK(Error(Doc(kDownload, "{name: nightly, tenant: acme, revision: \"3\"}")) ==
        "p.yaml: metadata.revision \"3\": want r<N> with N >= 1 (r1, r2, …)");
  CHECK(Error(Doc(kDownload, "{name: nightly, tenant: acme, owner: me}")) ==
        "p.yaml: metadata.owner: unknown field, want one of name, tenant, revision, labels");
  CHECK(Error(Doc(kDownload, "{name: nightly, tenant: acme, labels: {team: [a]}}")) ==
        "p.yaml: metadata.labels.team: got array, want a string");
  CHECK(Error(Doc(kDownload, "{name: nightly, tenant: acme, labels: {team: \"a\\tb\"}}")) ==
        "p.yaml: metadata.labels.team: holds a control character");

  // spec.kind.
  CHECK(Error(Doc(kDownload)) == "p.yaml: spec.kind: required");
  CHECK(Error(Doc(StrCat("  kind: json:xml\n", kDownload))) ==
        "p.yaml: spec.kind \"json:xml\": want one of json:raw, json:policy, trivy:db, trivy:java-db, mirror:full, "
        "mirror:delta, devportal:offline");

  // Unknown fields, wrong types.
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  selectors: {severty: high}\n", kDownload))) ==
        "p.yaml: spec.selectors.severty: unknown field, want one of kinds, ecosystems, purls, vulnerabilities, "
        "modifiedSince, modifiedUntil, severity");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  schedule: daily\n", kDownload))) ==
        "p.yaml: spec.schedule: unknown field, want one of kind, selectors, policy, json, trivy, mirror, devportal, "
        "compression, encryption, signing, distribution, retention");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  selectors: {kinds: advisory}\n", kDownload))) ==
        "p.yaml: spec.selectors.kinds: got string, want a list");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  selectors: {kinds: [[advisory]]}\n", kDownload))) ==
        "p.yaml: spec.selectors.kinds[0]: got array, want a string");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  selectors: [advisory]\n", kDownload))) ==
        "p.yaml: spec.selectors: got array, want a mapping");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  json: {imageCompatible: yes}\n", kDownload))) ==
        "p.yaml: spec.json.imageCompatible: got \"yes\", want true or false");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  json: {shardMiB: 0}\n", kDownload))) ==
        "p.yaml: spec.json.shardMiB 0: want 1 to 1024");

  // Selectors: the evidence module's rules, in the profile's words.
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  selectors: {tenant: other}\n", kDownload))) ==
        "p.yaml: spec.selectors.tenant: unknown field; the tenant is metadata.tenant");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  selectors: {kinds: [finding]}\n", kDownload))) ==
        "p.yaml: spec.selectors.kinds \"finding\": want advisory, vex or sbom");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  selectors: {purls: [\"npm/*\"]}\n", kDownload))) ==
        "p.yaml: spec.selectors.purls \"npm/*\": want a purl pattern starting with pkg: (e.g. pkg:npm/*)");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  selectors: {severity: urgent}\n", kDownload))) ==
        "p.yaml: spec.selectors.severity \"urgent\": want critical, high, medium, low or none");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  selectors: {severity: [high, critical]}\n", kDownload))) ==
        "p.yaml: spec.selectors.severity: got array, want a string: the lowest severity taken (critical, high, "
        "medium, low or none)");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  selectors: {modifiedSince: yesterday}\n", kDownload))) ==
        "p.yaml: spec.selectors.modifiedSince \"yesterday\": want RFC 3339 UTC like 2024-01-31T00:00:00Z");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  selectors: {modifiedSince: 2024-06-01T00:00:00Z, "
                         "modifiedUntil: 2024-01-01T00:00:00Z}\n",
                         kDownload))) ==
        "p.yaml: spec.selectors.modifiedUntil 2024-01-01T00:00:00Z is not after spec.selectors.modifiedSince "
        "2024-06-01T00:00:00Z: the window is empty");

  // Blocks that do not apply to the kind, and required ones.
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  policy: {repository: /srv/policy}\n", kDownload))) ==
        "p.yaml: spec.policy: applies to json:policy only");
  CHECK(Error(Doc(StrCat("  kind: trivy:db\n  trivy: {sources: [/a]}\n  selectors: {kinds: [vex]}\n", kDownload))) ==
        "p.yaml: spec.selectors: applies to json:raw, json:policy only");
  CHECK(Error(Doc(StrCat("  kind: trivy:db\n  trivy: {sources: [/a]}\n  compression: {codec: zstd}\n", kDownload))) ==
        "p.yaml: spec.compression: applies to json:raw, json:policy, mirror:full, mirror:delta only");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  encryption: {recipients: [", Recipient(1), "]}\n", kDownload))) ==
        "p.yaml: spec.encryption: applies to mirror:full, mirror:delta only");
  CHECK(Error(Doc(StrCat("  kind: json:policy\n", kDownload))) == "p.yaml: spec.policy: required for json:policy");
  CHECK(Error(Doc(StrCat("  kind: trivy:java-db\n", kDownload))) == "p.yaml: spec.trivy: required for trivy:java-db");
  CHECK(Error(Doc(StrCat("  kind: devportal:offline\n", kDownload))) ==
        "p.yaml: spec.devportal: required for devportal:offline");
  CHECK(Error(Doc("  kind: json:raw\n")) == "p.yaml: spec.distribution: required");
  CHECK(Error(Doc(StrCat("  kind: mirror:full\n  mirror: {base: run-1}\n", kDownload))) ==
        "p.yaml: spec.mirror.spec: required");
  CHECK(Error(Doc(StrCat("  kind: mirror:delta\n  mirror: {spec: {repositories: [{source: r.example/a, tags: [x]}]}}\n",
                         kDownload))) == "p.yaml: spec.mirror.base: required for mirror:delta");
  CHECK(Error(Doc(StrCat("  kind: mirror:full\n  mirror: {base: run-1, spec: {repositories: [{source: r.example/a, "
                         "tags: [x]}]}}\n",
                         kDownload))) == "p.yaml: spec.mirror.base: applies to mirror:delta only");

  // The inline mirror spec is mirror::ParseMirrorSpec's to judge.
  CHECK(Error(Doc(StrCat("  kind: mirror:full\n  mirror: {spec: {repositories: [{source: r.example/a, tag: [x]}]}}\n",
                         kDownload))) ==
        "p.yaml: spec.mirror.spec: repositories[0].tag: unknown key, want "
        "source|target|tags|tagRegex|semver|digests|platforms|referrers|cosignTags");
  CHECK(Error(Doc(StrCat("  kind: mirror:full\n  mirror: {spec: registry.example/a}\n", kDownload))) ==
        "p.yaml: spec.mirror.spec: got string, want a mapping (an inline MirrorSpec)");

  // Other blocks.
  CHECK(Error(Doc(StrCat("  kind: json:policy\n  policy: {repository: \"https://git.example/policy.git\"}\n", kDownload))) ==
        "p.yaml: spec.policy.repository \"https://git.example/policy.git\": want a local path or a file:// URL (policy "
        "is never fetched)");
  CHECK(Error(Doc(StrCat("  kind: json:policy\n  policy: {repository: /srv/p, file: ../policy.yaml}\n", kDownload))) ==
        "p.yaml: spec.policy.file \"../policy.yaml\": want a relative path inside the repository (no empty, . or .. "
        "parts)");
  CHECK(Error(Doc(StrCat("  kind: trivy:db\n  trivy: {sources: []}\n", kDownload))) ==
        "p.yaml: spec.trivy.sources: required: at least one file or directory");
  CHECK(Error(Doc(StrCat("  kind: trivy:db\n  trivy: {sources: [/a, /a]}\n", kDownload))) ==
        "p.yaml: spec.trivy.sources[1] \"/a\": listed twice");
  CHECK(Error(Doc(StrCat("  kind: trivy:db\n  trivy: {sources: [/a], nextUpdate: soon}\n", kDownload))) ==
        "p.yaml: spec.trivy.nextUpdate \"soon\": want a positive duration such as 90m, 24h or 3d");
  CHECK(Error(Doc(StrCat("  kind: devportal:offline\n  devportal: {source: /p, releaseVersion: \"1.0 beta\"}\n", kDownload))) ==
        "p.yaml: spec.devportal.releaseVersion \"1.0 beta\": want 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-', "
        "starting with a letter or digit");

  // Compression.
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  compression: {codec: brotli}\n", kDownload))) ==
        "p.yaml: spec.compression.codec \"brotli\": want one of zstd, gzip, none");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  compression: {codec: gzip}\n", kDownload))) ==
        "p.yaml: spec.compression.codec \"gzip\": json:raw writes zstd shards; want zstd");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  compression: {level: 25}\n", kDownload))) ==
        "p.yaml: spec.compression.level 25: want 1 to 19");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  compression: {level: max}\n", kDownload))) ==
        "p.yaml: spec.compression.level: got \"max\", want an integer from 1 to 19");
  const std::string mirror_spec = "  mirror: {spec: {repositories: [{source: r.example/a, tags: [x]}]}}\n";
  CHECK(Error(Doc(StrCat("  kind: mirror:full\n", mirror_spec, "  compression: {level: 9}\n", kDownload))) ==
        "p.yaml: spec.compression.level 9: mirror:full bundles are written at zstd level 3");
  CHECK(Error(Doc(StrCat("  kind: mirror:full\n", mirror_spec, "  compression: {codec: gzip}\n", kDownload))) ==
        "p.yaml: spec.compression.codec \"gzip\": mirror:full bundles are .tar.zst or .tar; want zstd or none");
  CHECK(Error(Doc(StrCat("  kind: mirror:full\n", mirror_spec, "  compression: {codec: none, level: 3}\n", kDownload))) ==
        "p.yaml: spec.compression.level: applies to codec zstd only");

  // Encryption.
  CHECK(Error(Doc(StrCat("  kind: mirror:full\n", mirror_spec, "  encryption: {recipients: []}\n", kDownload))) ==
        "p.yaml: spec.encryption.recipients: required: at least one age1… recipient");
  CHECK(Error(Doc(StrCat("  kind: mirror:full\n", mirror_spec, "  encryption: {recipients: [age1nope]}\n", kDownload)))
            .rfind("p.yaml: spec.encryption.recipients[0]: recipient \"age1nope\": ", 0) == 0);
  const std::string secret = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";
  const std::string secret_error =
      Error(Doc(StrCat("  kind: mirror:full\n", mirror_spec, "  encryption: {recipients: [", secret, "]}\n", kDownload)));
  CHECK(secret_error.rfind("p.yaml: spec.encryption.recipients[0]: ", 0) == 0);
  CHECK(secret_error.find("QQQQ") == std::string::npos);
  CHECK(Error(Doc(StrCat("  kind: mirror:full\n", mirror_spec, "  encryption: {recipients: [", Recipient(1),
                         "], strict: false}\n", kDownload))) ==
        "p.yaml: spec.encryption.strict: false is not supported: an encrypted bundle is never written in plaintext");
  CHECK(Error(Doc(StrCat("  kind: mirror:full\n", mirror_spec, "  encryption: {recipients: [", Recipient(1),
                         "]}\n  distribution: [{type: layout, path: /srv/b}]\n"))) ==
        "p.yaml: spec.distribution[0]: an encrypted bundle is a file, and layout writes a directory; want download");

  // Signing: a key's name, and key material is never echoed.
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  signing: {key: \"-----BEGIN PRIVATE KEY-----MC4CAQAwBQYDK2VwBCIEI\"}\n",
                         kDownload))) ==
        "p.yaml: spec.signing.key: want the name of a key the server holds (1-64 characters of a-z, 0-9, '.', '_' "
        "and '-'), never key material");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  signing: {}\n", kDownload))) == "p.yaml: spec.signing.key: required");

  // Distribution.
  CHECK(Error(Doc("  kind: json:raw\n  distribution: []\n")) ==
        "p.yaml: spec.distribution: want at least one of registry, download, layout");
  CHECK(Error(Doc("  kind: json:raw\n  distribution: [{type: s3}]\n")) ==
        "p.yaml: spec.distribution[0].type \"s3\": want one of registry, download, layout");
  CHECK(Error(Doc("  kind: json:raw\n  distribution: [{ref: registry.example/a}]\n")) ==
        "p.yaml: spec.distribution[0].type: required");
  CHECK(Error(Doc("  kind: json:raw\n  distribution: [{type: registry}]\n")) ==
        "p.yaml: spec.distribution[0].ref: required for type registry");
  CHECK(Error(Doc("  kind: json:raw\n  distribution: [{type: download, path: /srv/x}]\n")) ==
        "p.yaml: spec.distribution[0].path: applies to type layout only");
  CHECK(Error(Doc("  kind: json:raw\n  distribution: [{type: layout, ref: registry.example/a}]\n")) ==
        "p.yaml: spec.distribution[0].ref: applies to type registry only");
  CHECK(Error(Doc("  kind: json:raw\n  distribution: [{type: registry, ref: \"registry.example/a@sha256:"
                  "0000000000000000000000000000000000000000000000000000000000000000\"}]\n")) ==
        "p.yaml: spec.distribution[0].ref \"registry.example/a@sha256:"
        "0000000000000000000000000000000000000000000000000000000000000000\": want host/repository[:tag]; a push "
        "cannot name a digest");
  CHECK(Error(Doc("  kind: json:raw\n  distribution: [{type: registry, ref: \"registry.example/A\"}]\n"))
            .rfind("p.yaml: spec.distribution[0].ref: ", 0) == 0);
  CHECK(Error(Doc("  kind: json:raw\n  distribution:\n    - {type: download}\n    - {type: registry, ref: "
                  "registry.example/a}\n    - {type: registry, ref: \"registry.example/a:latest\"}\n")) ==
        "p.yaml: spec.distribution[2]: same as spec.distribution[1]");
  CHECK(Error(Doc("  kind: json:raw\n  distribution: [{type: download}, {type: download}]\n")) ==
        "p.yaml: spec.distribution[1]: same as spec.distribution[0]");
  CHECK(Error(Doc(StrCat("  kind: mirror:full\n", mirror_spec,
                         "  distribution: [{type: registry, ref: registry.example/a}]\n"))) ==
        "p.yaml: spec.distribution[0].type \"registry\": mirror:full bundles are files; want download or layout");

  // Retention.
  CHECK(Error(Doc(StrCat("  kind: json:raw\n", kDownload, "  retention: {days: 30, keep: 3}\n"))) ==
        "p.yaml: spec.retention: want either days (keep runs N days) or keep (keep the newest N runs)");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n", kDownload, "  retention: {}\n"))) ==
        "p.yaml: spec.retention: want either days (keep runs N days) or keep (keep the newest N runs)");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n", kDownload, "  retention: {days: 0}\n"))) ==
        "p.yaml: spec.retention.days 0: want 1 to 3650");
  CHECK(Error(StrCat(R"({"apiVersion":"export-center/v1","kind":"ExportProfile","metadata":{"name":"nightly",)",
                     R"("tenant":"acme"},"spec":{"kind":"json:raw","distribution":[{"type":"download"}],)",
                     R"("retention":{"days":1.5}}})"),
              "p.json") == "p.json: spec.retention.days: got 1.5, want an integer from 1 to 3650");
}

TEST_CASE("profile size limits") {
  const std::string minimal = Doc(StrCat("  kind: json:raw\n", kDownload));

  // The whole document: exactly kMaxProfileBytes parses, one byte more does not.
  std::string padded = minimal + "#";
  padded += std::string(kMaxProfileBytes - padded.size() - 1, 'x') + "\n";
  REQUIRE(padded.size() == kMaxProfileBytes);
  CHECK(Parse(padded).digest == Parse(minimal).digest);
  padded += "\n";
  CHECK(Error(padded) == "p.yaml: 1048577 bytes, want at most 1048576 (kMaxProfileBytes)");

  // Selector lists.
  auto purls = [](std::size_t n) {
    std::string list;
    for (std::size_t i = 0; i < n; ++i) list += StrCat(i == 0 ? "" : ", ", "\"pkg:npm/p", i, "\"");
    return Doc(StrCat("  kind: json:raw\n  selectors: {purls: [", list, "]}\n", kDownload));
  };
  ExportProfile most = Parse(purls(kMaxSelectorValues));
  CHECK(most.selectors->purl_globs.size() == kMaxSelectorValues);
  CHECK(Error(purls(kMaxSelectorValues + 1)) == "p.yaml: spec.selectors.purls: 1001 items, want at most 1000");

  // Labels.
  auto labels = [](std::size_t n) {
    std::string list;
    for (std::size_t i = 0; i < n; ++i) list += StrCat(i == 0 ? "" : ", ", "l", i, ": v");
    return Doc(StrCat("  kind: json:raw\n", kDownload), StrCat("{name: nightly, tenant: acme, labels: {", list, "}}"));
  };
  CHECK(Parse(labels(kMaxLabels)).labels.size() == kMaxLabels);
  CHECK(Error(labels(kMaxLabels + 1)) == "p.yaml: metadata.labels: 65 labels, want at most 64");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n", kDownload),
                  StrCat("{name: nightly, tenant: acme, labels: {team: ", std::string(kMaxLabelValueBytes + 1, 'v'), "}}"))) ==
        "p.yaml: metadata.labels.team: 129 bytes, want at most 128");

  // Distributions.
  std::string many;
  for (std::size_t i = 0; i <= kMaxDistributions; ++i) many += StrCat("    - {type: layout, path: /srv/oci/", i, "}\n");
  CHECK(Error(Doc(StrCat("  kind: json:raw\n  distribution:\n", many))) ==
        "p.yaml: spec.distribution: 17 items, want at most 16");

  // Names.
  CHECK(Parse(Doc(StrCat("  kind: json:raw\n", kDownload), StrCat("{name: ", std::string(64, 'n'), ", tenant: acme}")))
            .name.size() == 64);
  CHECK(Error(Doc(StrCat("  kind: json:raw\n", kDownload), StrCat("{name: ", std::string(65, 'n'), ", tenant: acme}")))
            .rfind("p.yaml: metadata.name \"nnn", 0) == 0);
}

}  // namespace
}  // namespace ec::service
