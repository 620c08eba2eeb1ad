#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "evidence/evaluate.h"
#include "support/test_support.h"

namespace ec::evidence {
namespace {

Record Advisory(std::string vuln, std::string purl, std::string severity,
                std::vector<std::string> fixed = {"2.0.0"}) {
  Record r;
  r.kind = SourceKind::kAdvisory;
  r.vulnerability = std::move(vuln);
  r.purl = std::move(purl);
  auto slash = r.purl.rfind('/');
  if (slash != std::string::npos) {
    r.package = r.purl.substr(slash + 1, r.purl.find('@', slash) - slash - 1);
  }
  r.severity = std::move(severity);
  r.fixed_versions = std::move(fixed);
  return r;
}

Record Vex(std::string vuln, std::string purl, std::string status, std::string modified = "",
           std::string justification = "") {
  Record r;
  r.kind = SourceKind::kVex;
  r.vulnerability = std::move(vuln);
  r.purl = std::move(purl);
  r.vex_status = std::move(status);
  r.modified = std::move(modified);
  r.justification = std::move(justification);
  return r;
}

PolicyPack Pack(const std::string& rules) {
  auto r = ParsePolicyPack(
      "apiVersion: export-center/v1\nkind: PolicyPack\nmetadata: {name: t}\nrules:\n" + rules,
      "test pack");
  REQUIRE_OK(r);
  return *r;
}

const std::string kBaseline = R"(  severityThreshold: high
  vex: {notAffected: allow, fixed: allow, underInvestigation: warn}
  fixAvailability: {noFix: warn}
  allow: {purls: ["pkg:npm/lodash@*"], vulnerabilities: ["CVE-2021-1234"]}
  deny:  {purls: ["pkg:pypi/insecure-*"], vulnerabilities: ["GHSA-xxxx-*"]}
)";

Decision One(const PolicyPack& pack, const Finding& f) {
  auto out = Evaluate(pack, {f});
  REQUIRE(out.size() == 1);
  return out[0];
}

Finding F(std::string vuln, std::string purl, std::string severity,
          std::vector<std::string> fixed = {"2.0.0"}) {
  Finding f;
  f.vulnerability = std::move(vuln);
  f.purl = std::move(purl);
  f.severity = std::move(severity);
  f.fixed_versions = std::move(fixed);
  return f;
}

std::string Dump(const std::vector<Decision>& decisions) {
  std::string out;
  for (const Decision& d : decisions) out += DecisionToJson(d).dump() + "\n";
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("evidence: BuildFindings joins VEX by versionless purl, package name and alias",
          "[evidence][evaluate]") {
  Record ghsa = Advisory("GHSA-aaaa-bbbb-cccc", "pkg:npm/foo", "high");
  ghsa.aliases = {"CVE-2024-0001"};
  Record named = Advisory("CVE-2024-0002", "", "low");
  named.package = "libbar";
  Record sbom;
  sbom.kind = SourceKind::kSbom;
  sbom.purl = "pkg:npm/foo@1.2.3";

  Record by_alias = Vex("CVE-2024-0001", "pkg:npm/foo@1.2.3?arch=x#sub", "not_affected", "",
                        "component_not_present");
  Record other_ecosystem = Vex("CVE-2024-0001", "pkg:pypi/foo", "affected", "2030-01-01T00:00:00Z");
  Record by_name = Vex("cve-2024-0002", "", "fixed");  // ids compare without case
  by_name.package = "libbar";
  Record other_package = Vex("CVE-2024-0002", "", "affected", "2030-01-01T00:00:00Z");
  other_package.package = "libbaz";

  auto findings = BuildFindings({sbom, other_ecosystem, ghsa, by_alias, named, by_name,
                                 other_package, ghsa /* the same advisory twice */});
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].vulnerability == "CVE-2024-0002");
  CHECK(findings[0].package == "libbar");
  CHECK(findings[0].vex_status == "fixed");
  CHECK(findings[1].vulnerability == "GHSA-aaaa-bbbb-cccc");
  CHECK(findings[1].aliases == Strings{"CVE-2024-0001"});
  CHECK(findings[1].purl == "pkg:npm/foo");
  CHECK(findings[1].severity == "high");
  CHECK(findings[1].fixed_versions == Strings{"2.0.0"});
  CHECK(findings[1].vex_status == "not_affected");
  CHECK(findings[1].vex_justification == "component_not_present");
}

TEST_CASE("evidence: BuildFindings matches %40 and @ in npm scopes", "[evidence][evaluate]") {
  auto findings = BuildFindings({Advisory("CVE-1", "pkg:npm/%40scope/pkg@1.0.0", "low"),
                                 Vex("CVE-1", "pkg:NPM/@scope/pkg", "fixed")});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].vex_status == "fixed");
}

TEST_CASE("evidence: BuildFindings picks the newest VEX statement, then by status",
          "[evidence][evaluate]") {
  Record adv = Advisory("CVE-1", "pkg:npm/foo@1.0.0", "high");
  auto status_of = [&](std::vector<Record> vex) {
    vex.push_back(adv);
    auto f = BuildFindings(vex);
    REQUIRE(f.size() == 1);
    return f[0].vex_status;
  };
  // Newer wins whatever its status; "unknown" is oldest; fractions order correctly.
  CHECK(status_of({Vex("CVE-1", "pkg:npm/foo", "fixed", "2024-01-01T00:00:00Z"),
                   Vex("CVE-1", "pkg:npm/foo", "under_investigation", "2024-02-01T00:00:00Z")}) ==
        "under_investigation");
  CHECK(status_of({Vex("CVE-1", "pkg:npm/foo", "fixed", ""),
                   Vex("CVE-1", "pkg:npm/foo", "affected", "2020-01-01T00:00:00Z")}) ==
        "affected");
  CHECK(status_of({Vex("CVE-1", "pkg:npm/foo", "fixed", "2024-01-01T00:00:00Z"),
                   Vex("CVE-1", "pkg:npm/foo", "affected", "2024-01-01T00:00:00.5Z")}) ==
        "affected");
  // Same time: fixed > not_affected > affected > under_investigation.
  const std::string t = "2024-01-01T00:00:00Z";
  std::vector<Record> all = {Vex("CVE-1", "pkg:npm/foo", "under_investigation", t),
                             Vex("CVE-1", "pkg:npm/foo", "affected", t),
                             Vex("CVE-1", "pkg:npm/foo", "not_affected", t),
                             Vex("CVE-1", "pkg:npm/foo", "fixed", t)};
  CHECK(status_of(all) == "fixed");
  all.pop_back();
  CHECK(status_of(all) == "not_affected");
  all.pop_back();
  CHECK(status_of(all) == "affected");
  all.pop_back();
  CHECK(status_of(all) == "under_investigation");
}

TEST_CASE("evidence: Evaluate applies each rule on its own", "[evidence][evaluate]") {
  PolicyPack pack = Pack(kBaseline);

  Decision allow_purl = One(pack, F("CVE-9", "pkg:npm/lodash@4.17.20", "critical"));
  CHECK(allow_purl.decision == "allow");
  CHECK(allow_purl.reasons ==
        Strings{"allow-list: purl pkg:npm/lodash@* matched",
                "severity critical >= threshold high"});

  Finding aliased = F("GHSA-1", "pkg:npm/x@1", "critical");
  aliased.aliases = {"cve-2021-1234"};
  CHECK(One(pack, aliased).reasons ==
        Strings{"allow-list: vulnerability CVE-2021-1234 matched alias cve-2021-1234",
                "severity critical >= threshold high"});

  Decision deny_vuln = One(pack, F("GHSA-xxxx-0001", "pkg:npm/x@1", "low"));
  CHECK(deny_vuln.decision == "deny");
  CHECK(deny_vuln.reasons == Strings{"deny-list: vulnerability GHSA-xxxx-* matched"});

  Decision deny_purl = One(pack, F("CVE-9", "pkg:pypi/insecure-lib@0.1", "low"));
  CHECK(deny_purl.decision == "deny");
  CHECK(deny_purl.reasons == Strings{"deny-list: purl pkg:pypi/insecure-* matched"});

  Finding not_affected = F("CVE-9", "pkg:npm/x@1", "low");
  not_affected.vex_status = "not_affected";
  not_affected.vex_justification = "component_not_present";
  CHECK(One(pack, not_affected).decision == "allow");
  CHECK(One(pack, not_affected).reasons == Strings{"vex: not_affected (component_not_present)"});

  Finding investigating = F("CVE-9", "pkg:npm/x@1", "low");
  investigating.vex_status = "under_investigation";
  CHECK(One(pack, investigating).decision == "warn");
  CHECK(One(pack, investigating).reasons == Strings{"vex: under_investigation"});

  Finding affected = F("CVE-9", "pkg:npm/x@1", "low");
  affected.vex_status = "affected";  // no rule: falls through
  CHECK(One(pack, affected).reasons == Strings{"no rule matched"});

  Decision high = One(pack, F("CVE-9", "pkg:npm/x@1", "high"));
  CHECK(high.decision == "deny");
  CHECK(high.reasons == Strings{"severity high >= threshold high"});
  CHECK(One(pack, F("CVE-9", "pkg:npm/x@1", "medium")).decision == "allow");
  CHECK(One(pack, F("CVE-9", "pkg:npm/x@1", "")).decision == "allow");  // unknown severity

  Decision no_fix = One(pack, F("CVE-9", "pkg:npm/x@1", "medium", {}));
  CHECK(no_fix.decision == "warn");
  CHECK(no_fix.reasons == Strings{"no fixed version"});

  Decision clean = One(pack, F("CVE-9", "pkg:npm/x@1", "low"));
  CHECK(clean.decision == "allow");
  CHECK(clean.reasons == Strings{"no rule matched"});
}

TEST_CASE("evidence: Evaluate follows the documented precedence", "[evidence][evaluate]") {
  PolicyPack pack = Pack(kBaseline + "  # deny lodash too\n");
  pack.deny.purls.push_back("pkg:npm/lodash@*");

  Finding everything = F("GHSA-xxxx-0002", "pkg:npm/lodash@1.0.0", "critical", {});
  everything.vex_status = "under_investigation";
  Decision d = One(pack, everything);
  CHECK(d.decision == "allow");
  CHECK(d.reasons == Strings{"allow-list: purl pkg:npm/lodash@* matched",
                             "deny-list: purl pkg:npm/lodash@* matched",
                             "deny-list: vulnerability GHSA-xxxx-* matched",
                             "vex: under_investigation", "severity critical >= threshold high",
                             "no fixed version"});

  // deny-list beats VEX; VEX beats severity; severity beats noFix.
  Finding denied = F("GHSA-xxxx-0003", "pkg:npm/x@1", "low");
  denied.vex_status = "not_affected";
  CHECK(One(pack, denied).decision == "deny");
  Finding settled = F("CVE-9", "pkg:npm/x@1", "critical", {});
  settled.vex_status = "fixed";
  CHECK(One(pack, settled).decision == "allow");
  CHECK(One(pack, settled).reasons ==
        Strings{"vex: fixed", "severity critical >= threshold high", "no fixed version"});
  CHECK(One(pack, F("CVE-9", "pkg:npm/x@1", "critical", {})).decision == "deny");

  // An empty pack allows everything.
  CHECK(One(Pack("  {}\n"), everything).reasons == Strings{"no rule matched"});
}

TEST_CASE("evidence: BuildFindings and Evaluate do not depend on input order",
          "[evidence][evaluate]") {
  std::vector<Record> records;
  for (int i = 0; i < 30; ++i) {
    std::string id = "CVE-2024-" + std::to_string(1000 + i % 7);
    std::string purl = "pkg:npm/p" + std::to_string(i % 5) + "@1.0." + std::to_string(i);
    records.push_back(Advisory(id, purl,
                               i % 3 == 0 ? "critical" : "medium",
                               i % 4 == 0 ? Strings{} : Strings{"2.0.0"}));
    records.push_back(Vex(id, "pkg:npm/p" + std::to_string(i % 5), i % 2 ? "fixed" : "affected",
                          "2024-01-0" + std::to_string(1 + i % 9) + "T00:00:00Z"));
  }
  PolicyPack pack = Pack(kBaseline);
  auto findings = BuildFindings(records);
  auto expected = Evaluate(pack, findings);
  std::string want = Dump(expected);
  REQUIRE(expected.size() == findings.size());
  for (std::size_t i = 1; i < expected.size(); ++i) {
    const Finding& a = expected[i - 1].finding;
    const Finding& b = expected[i].finding;
    CHECK(std::tie(a.vulnerability, a.purl) <= std::tie(b.vulnerability, b.purl));
  }

  std::mt19937 rng(7);
  for (int round = 0; round < 10; ++round) {
    std::shuffle(records.begin(), records.end(), rng);
    auto shuffled_findings = BuildFindings(records);
    std::shuffle(shuffled_findings.begin(), shuffled_findings.end(), rng);
    CHECK(Dump(Evaluate(pack, shuffled_findings)) == want);
  }
}

TEST_CASE("evidence: DecisionToJson and SnapshotToJson use camelCase keys",
          "[evidence][evaluate]") {
  Finding f = F("GHSA-1", "pkg:npm/x@1", "high", {"1.1", "2.0"});
  f.aliases = {"CVE-1"};
  f.package = "x";
  f.vex_status = "not_affected";
  f.vex_justification = "inline_mitigations_already_exist";
  Decision d{f, "allow", {"vex: not_affected (inline_mitigations_already_exist)"}};
  CHECK(DecisionToJson(d).dump() ==
        R"({"aliases":["CVE-1"],"decision":"allow","fixedVersions":["1.1","2.0"],"package":"x",)"
        R"j("purl":"pkg:npm/x@1",)j"
        R"j("reasons":["vex: not_affected (inline_mitigations_already_exist)"],)j"
        R"("severity":"high","vexJustification":"inline_mitigations_already_exist",)"
        R"("vexStatus":"not_affected","vulnerability":"GHSA-1"})");
  Decision bare{F("CVE-2", "", "", {}), "allow", {"no rule matched"}};
  CHECK(DecisionToJson(bare).dump() ==
        R"({"decision":"allow","reasons":["no rule matched"],"vulnerability":"CVE-2"})");

  PolicySnapshot s = MakePolicySnapshot(std::string(40, 'a'), "apiVersion: x",
                                        {"sha256:bbb", "sha256:aaa", "sha256:bbb"});
  CHECK(s.policy_digest ==
        "sha256:33eb2ce6f60695247853bdacfdf552c0f871cb0b61d0d8c385e0b6f85b110182");
  // sha256("sha256:aaa\nsha256:bbb"): sorted, duplicates dropped, no trailing newline.
  CHECK(s.inputs_hash ==
        "sha256:df0608cebf332ad3a3035b39f1707db24c386261d473e0d75776ba44dbbc9daa");
  CHECK(InputsHash({"sha256:aaa", "sha256:bbb"}) == s.inputs_hash);
  CHECK(SnapshotToJson(s).dump() ==
        R"({"inputsHash":")" + s.inputs_hash + R"(","policyDigest":")" + s.policy_digest +
            R"(","policyVersion":")" + std::string(40, 'a') + R"("})");
}

}  // namespace ec::evidence
