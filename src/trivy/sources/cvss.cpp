#include "trivy/sources/cvss.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>

namespace ec::trivy {
namespace {

struct MetricDef {
  const char* name;
  bool base;          // required
  const char* values; // allowed one-letter values
};

constexpr std::array<MetricDef, 22> kMetrics = {{
    {"AV", true, "NALP"},   {"AC", true, "LH"},     {"PR", true, "NLH"},  {"UI", true, "NR"},
    {"S", true, "UC"},      {"C", true, "HLN"},     {"I", true, "HLN"},   {"A", true, "HLN"},
    {"E", false, "XHFPU"},  {"RL", false, "XUWTO"}, {"RC", false, "XCRU"},
    {"CR", false, "XHML"},  {"IR", false, "XHML"},  {"AR", false, "XHML"},
    {"MAV", false, "XNALP"}, {"MAC", false, "XLH"}, {"MPR", false, "XNLH"},
    {"MUI", false, "XNR"},  {"MS", false, "XUC"},   {"MC", false, "XHLN"},
    {"MI", false, "XHLN"},  {"MA", false, "XHLN"},
}};

double AttackVector(char v) {
  switch (v) {
    case 'N': return 0.85;
    case 'A': return 0.62;
    case 'L': return 0.55;
    default: return 0.2;  // P
  }
}
double AttackComplexity(char v) { return v == 'L' ? 0.77 : 0.44; }
double PrivilegesRequired(char v, bool scope_changed) {
  switch (v) {
    case 'N': return 0.85;
    case 'L': return scope_changed ? 0.68 : 0.62;
    default: return scope_changed ? 0.5 : 0.27;  // H
  }
}
double UserInteraction(char v) { return v == 'N' ? 0.85 : 0.62; }
double Cia(char v) {
  switch (v) {
    case 'H': return 0.56;
    case 'L': return 0.22;
    default: return 0;
  }
}
double ExploitMaturity(char v) {
  switch (v) {
    case 'F': return 0.97;
    case 'P': return 0.94;
    case 'U': return 0.91;
    default: return 1;
  }
}
double RemediationLevel(char v) {
  switch (v) {
    case 'W': return 0.97;
    case 'T': return 0.96;
    case 'O': return 0.95;
    default: return 1;
  }
}
double ReportConfidence(char v) {
  switch (v) {
    case 'R': return 0.96;
    case 'U': return 0.92;
    default: return 1;
  }
}
double Requirement(char v) {
  switch (v) {
    case 'H': return 1.5;
    case 'L': return 0.5;
    default: return 1;
  }
}

// CVSS v3.1 Roundup (Appendix A), used by go-cvss for v3.0 too; x*100000 is rounded half to
// even as Go's math.RoundToEven does (the default FE_TONEAREST mode of nearbyint).
double RoundUp(double x) {
  double scaled = std::nearbyint(x * 100000);
  if (static_cast<long long>(scaled) % 10000 == 0) return scaled / 100000.0;
  return (std::floor(scaled / 10000) + 1) / 10.0;
}

}  // namespace

Result<double> CvssV3Score(std::string_view vector) {
  bool v31;
  if (vector.rfind("CVSS:3.0/", 0) == 0) {
    v31 = false;
  } else if (vector.rfind("CVSS:3.1/", 0) == 0) {
    v31 = true;
  } else {
    return InvalidArgument(StrCat("CVSS vector \"", vector, "\" does not start with CVSS:3.0/ or CVSS:3.1/"));
  }
  std::map<std::string, char> metrics;
  std::string_view rest = vector.substr(9);
  while (true) {
    auto slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    auto colon = part.find(':');
    if (colon == std::string_view::npos || colon + 2 != part.size()) {
      return InvalidArgument(StrCat("CVSS vector \"", vector, "\": malformed metric \"", part, "\""));
    }
    std::string name(part.substr(0, colon));
    char value = part[colon + 1];
    auto def = std::find_if(kMetrics.begin(), kMetrics.end(),
                            [&](const MetricDef& d) { return name == d.name; });
    if (def == kMetrics.end()) {
      return InvalidArgument(StrCat("CVSS vector \"", vector, "\": unknown metric ", name));
    }
    if (std::string_view(def->values).find(value) == std::string_view::npos) {
      return InvalidArgument(StrCat("CVSS vector \"", vector, "\": invalid value ", name, ":", value));
    }
    if (!metrics.emplace(name, value).second) {
      return InvalidArgument(StrCat("CVSS vector \"", vector, "\": metric ", name, " given twice"));
    }
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  for (const auto& def : kMetrics) {
    if (def.base && metrics.count(def.name) == 0) {
      return InvalidArgument(StrCat("CVSS vector \"", vector, "\": missing base metric ", def.name));
    }
  }
  auto get = [&](const char* name) {
    auto it = metrics.find(name);
    return it == metrics.end() ? 'X' : it->second;
  };
  // A modified metric left undefined takes the base metric's value.
  auto modified = [&](const char* modified_name, const char* base_name) {
    char v = get(modified_name);
    return v == 'X' ? get(base_name) : v;
  };

  bool scope_changed = modified("MS", "S") == 'C';
  double miss = std::min(1 - (1 - Requirement(get("CR")) * Cia(modified("MC", "C"))) *
                                 (1 - Requirement(get("IR")) * Cia(modified("MI", "I"))) *
                                 (1 - Requirement(get("AR")) * Cia(modified("MA", "A"))),
                         0.915);
  double impact;
  if (!scope_changed) {
    impact = 6.42 * miss;
  } else if (v31) {
    impact = 7.52 * (miss - 0.029) - 3.25 * std::pow(miss * 0.9731 - 0.02, 13);
  } else {
    impact = 7.52 * (miss - 0.029) - 3.25 * std::pow(miss - 0.02, 15);
  }
  double exploitability = 8.22 * AttackVector(modified("MAV", "AV")) *
                          AttackComplexity(modified("MAC", "AC")) *
                          PrivilegesRequired(modified("MPR", "PR"), scope_changed) *
                          UserInteraction(modified("MUI", "UI"));
  if (impact <= 0) return 0.0;
  double temporal = ExploitMaturity(get("E")) * RemediationLevel(get("RL")) *
                    ReportConfidence(get("RC"));
  double sum = scope_changed ? 1.08 * (impact + exploitability) : impact + exploitability;
  return RoundUp(RoundUp(std::min(sum, 10.0)) * temporal);
}

}  // namespace ec::trivy
