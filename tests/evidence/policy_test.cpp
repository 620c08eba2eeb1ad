#include <catch2/catch.hpp>

#include <string>

#include "evidence/policy.h"
#include "support/test_support.h"

namespace ec::evidence {
namespace {

const char* kFullYaml = R"(apiVersion: export-center/v1
kind: PolicyPack
metadata: {name: baseline, description: "the default pack"}
rules:
  severityThreshold: high        # findings at or above are denied
  vex:
    notAffected: allow
    fixed: allow
    underInvestigation: warn
  fixAvailability:
    noFix: warn
  allow: {purls: ["pkg:npm/lodash@*"], vulnerabilities: ["CVE-2021-1234"]}
  deny:  {purls: ["pkg:pypi/insecure-*"], vulnerabilities: ["GHSA-xxxx-*"]}
)";

const char* kFullJson = R"({
  "apiVersion": "export-center/v1", "kind": "PolicyPack",
  "metadata": {"name": "baseline", "description": "the default pack"},
  "rules": {
    "severityThreshold": "high",
    "vex": {"notAffected": "allow", "fixed": "allow", "underInvestigation": "warn"},
    "fixAvailability": {"noFix": "warn"},
    "allow": {"purls": ["pkg:npm/lodash@*"], "vulnerabilities": ["CVE-2021-1234"]},
    "deny": {"purls": ["pkg:pypi/insecure-*"], "vulnerabilities": ["GHSA-xxxx-*"]}
  }
})";

const std::string kHead = "apiVersion: export-center/v1\nkind: PolicyPack\nmetadata: {name: p}\n";

std::string ErrorOf(std::string_view bytes) {
  auto r = ParsePolicyPack(bytes, "policy.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  return r.status().message();
}

void CheckFull(const PolicyPack& p) {
  CHECK(p.name == "baseline");
  CHECK(p.description == "the default pack");
  CHECK(p.severity_threshold == Severity::kHigh);
  CHECK(p.vex_not_affected == Action::kAllow);
  CHECK(p.vex_fixed == Action::kAllow);
  CHECK(p.vex_under_investigation == Action::kWarn);
  CHECK(p.no_fix == Action::kWarn);
  CHECK(p.allow.purls == std::vector<std::string>{"pkg:npm/lodash@*"});
  CHECK(p.allow.vulnerabilities == std::vector<std::string>{"CVE-2021-1234"});
  CHECK(p.deny.purls == std::vector<std::string>{"pkg:pypi/insecure-*"});
  CHECK(p.deny.vulnerabilities == std::vector<std::string>{"GHSA-xxxx-*"});
}

}  // namespace

TEST_CASE("evidence: ParsePolicyPack reads the documented YAML and JSON forms alike",
          "[evidence][policy]") {
  auto yaml = ParsePolicyPack(kFullYaml, "policy.yaml");
  REQUIRE_OK(yaml);
  CheckFull(*yaml);
  auto json = ParsePolicyPack(kFullJson, "policy.json");
  REQUIRE_OK(json);
  CheckFull(*json);
}

TEST_CASE("evidence: ParsePolicyPack leaves absent rules off", "[evidence][policy]") {
  auto r = ParsePolicyPack(kHead + "rules: {}\n", "p");
  REQUIRE_OK(r);
  CHECK_FALSE(r->severity_threshold);
  CHECK_FALSE(r->vex_not_affected);
  CHECK_FALSE(r->vex_fixed);
  CHECK_FALSE(r->vex_under_investigation);
  CHECK_FALSE(r->no_fix);
  CHECK(r->allow.purls.empty());
  CHECK(r->deny.vulnerabilities.empty());

  auto none = ParsePolicyPack(kHead + "rules: {severityThreshold: none}\n", "p");
  REQUIRE_OK(none);
  CHECK_FALSE(none->severity_threshold);  // "none" turns the rule off
}

TEST_CASE("evidence: ParsePolicyPack names the key path of every error", "[evidence][policy]") {
  CHECK(ErrorOf(kHead + "rules: {severityThreshold: urgent}\n") ==
        "policy.yaml: rules.severityThreshold: got \"urgent\", want "
        "critical|high|medium|low|none");
  CHECK(ErrorOf(kHead + "rules: {severityThreshold: [high]}\n") ==
        "policy.yaml: rules.severityThreshold: got a list, want critical|high|medium|low|none");
  CHECK(ErrorOf("apiVersion: export-center/v2\nkind: PolicyPack\nmetadata: {name: p}\nrules: {}") ==
        "policy.yaml: apiVersion: got \"export-center/v2\", want \"export-center/v1\"");
  CHECK(ErrorOf("kind: PolicyPack\nmetadata: {name: p}\nrules: {}") ==
        "policy.yaml: apiVersion: missing, want \"export-center/v1\"");
  CHECK(ErrorOf("apiVersion: export-center/v1\nkind: Policy\nmetadata: {name: p}\nrules: {}") ==
        "policy.yaml: kind: got \"Policy\", want \"PolicyPack\"");
  CHECK(ErrorOf(kHead + "rules: {}\nspec: {}\n") ==
        "policy.yaml: spec: unknown key, want apiVersion|kind|metadata|rules");
  CHECK(ErrorOf(kHead + "rules: {vex: {affected: deny}}\n") ==
        "policy.yaml: rules.vex.affected: unknown key, want notAffected|fixed|underInvestigation");
  CHECK(ErrorOf(kHead + "rules: {vex: {fixed: maybe}}\n") ==
        "policy.yaml: rules.vex.fixed: got \"maybe\", want allow|warn|deny");
  CHECK(ErrorOf(kHead + "rules: {fixAvailability: {noFix: block}}\n") ==
        "policy.yaml: rules.fixAvailability.noFix: got \"block\", want allow|warn|deny");
  CHECK(ErrorOf(kHead + "rules: {fixAvailability: {hasFix: allow}}\n") ==
        "policy.yaml: rules.fixAvailability.hasFix: unknown key, want noFix");
  CHECK(ErrorOf(kHead + "rules: {allow: {purls: [lodash]}}\n") ==
        "policy.yaml: rules.allow.purls[0]: got \"lodash\", want a purl glob starting with "
        "\"pkg:\"");
  CHECK(ErrorOf(kHead + "rules: {deny: {vulnerabilities: [CVE-1, \"\"]}}\n") ==
        "policy.yaml: rules.deny.vulnerabilities[1]: got \"\", want a non-empty glob");
  CHECK(ErrorOf(kHead + "rules: {deny: {purls: pkg:npm/x}}\n") ==
        "policy.yaml: rules.deny.purls: got \"pkg:npm/x\", want a list of globs");
  CHECK(ErrorOf(kHead + "rules: {deny: {cves: []}}\n") ==
        "policy.yaml: rules.deny.cves: unknown key, want purls|vulnerabilities");
  CHECK(ErrorOf(kHead + "rules:\n") == "policy.yaml: rules: got null, want a mapping");
  CHECK(ErrorOf(kHead) == "policy.yaml: rules: missing, want a mapping");
  CHECK(ErrorOf("apiVersion: export-center/v1\nkind: PolicyPack\nmetadata: {}\nrules: {}") ==
        "policy.yaml: metadata.name: missing, want a non-empty string");
  CHECK(ErrorOf("apiVersion: export-center/v1\nkind: PolicyPack\nrules: {}") ==
        "policy.yaml: metadata: missing, want a mapping");
  CHECK(ErrorOf("- a\n- b\n") == "policy.yaml: document: got a list, want a mapping");
  CHECK(ErrorOf("") == "policy.yaml: document: got null, want a mapping");
}

TEST_CASE("evidence: ParsePolicyPack rejects malformed YAML and JSON", "[evidence][policy]") {
  CHECK_THAT(ErrorOf("rules: {severityThreshold: high\n"),
             Catch::StartsWith("policy.yaml: not valid YAML: line "));
  CHECK(ErrorOf(kHead + "rules: {}\n---\n" + kHead + "rules: {}\n") ==
        "policy.yaml: got 2 YAML documents, want exactly 1");
  CHECK(ErrorOf(kHead + "rules: {vex: {fixed: allow, fixed: deny}}\n") ==
        "policy.yaml: rules.vex.fixed: duplicate key");
  CHECK_THAT(ErrorOf("{\"apiVersion\": }"),
             Catch::StartsWith("policy.yaml: not valid JSON: parse error at line 1"));
  CHECK(ErrorOf(R"({"apiVersion": "export-center/v1", "kind": "PolicyPack",
                    "metadata": {"name": "p"}, "rules": {"severityThreshold": 3}})") ==
        "policy.yaml: rules.severityThreshold: got 3, want critical|high|medium|low|none");
  // An alias bomb is refused before it is expanded.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'h'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" +
            prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + "]\n";
  }
  CHECK(ErrorOf(bomb) == "policy.yaml: more than 100000 YAML nodes (kMaxYamlNodes)");
}

TEST_CASE("evidence: GlobMatch knows * and ? only", "[evidence][policy]") {
  CHECK(GlobMatch("pkg:npm/lodash@*", "pkg:npm/lodash@4.17.21"));
  CHECK(GlobMatch("pkg:npm/lodash@*", "pkg:npm/lodash@"));
  CHECK_FALSE(GlobMatch("pkg:npm/lodash@*", "pkg:npm/lodash"));
  CHECK_FALSE(GlobMatch("pkg:npm/lodash", "pkg:npm/lodash@1"));  // whole string
  CHECK(GlobMatch("*", ""));
  CHECK(GlobMatch("a*b*c", "aXbYbZc"));
  CHECK_FALSE(GlobMatch("a*b*c", "aXbYbZ"));
  CHECK(GlobMatch("CVE-202?-*", "CVE-2021-1234"));
  CHECK_FALSE(GlobMatch("CVE-202?-*", "CVE-20-1234"));
  CHECK_FALSE(GlobMatch("pkg:[np]pm/*", "pkg:npm/x"));  // brackets are literal
  CHECK(GlobMatch("pkg:[np]pm/*", "pkg:[np]pm/x"));
  CHECK_FALSE(GlobMatch("ghsa-*", "GHSA-abcd"));
  CHECK(GlobMatch("ghsa-*", "GHSA-abcd", /*ignore_case=*/true));
  CHECK(GlobMatch("**a", "a"));
  CHECK_FALSE(GlobMatch("?", ""));
}

}  // namespace ec::evidence
