#include "evidence/cvss_severity.h"

#include <array>
#include <cctype>
#include <cmath>

namespace ec::evidence {
namespace {

struct Metric {
  std::string_view name;
  std::string_view values;  // allowed one-letter values
};

// Base metrics first (their index is where the value is stored), then the optional ones.
constexpr std::array<Metric, 22> kMetrics = {{
    {"AV", "NALP"},  {"AC", "LH"},    {"PR", "NLH"},   {"UI", "NR"},    {"S", "UC"},
    {"C", "HLN"},    {"I", "HLN"},    {"A", "HLN"},    {"E", "XHFPU"},  {"RL", "XUWTO"},
    {"RC", "XCRU"},  {"CR", "XHML"},  {"IR", "XHML"},  {"AR", "XHML"},  {"MAV", "XNALP"},
    {"MAC", "XLH"},  {"MPR", "XNLH"}, {"MUI", "XNR"},  {"MS", "XUC"},   {"MC", "XHLN"},
    {"MI", "XHLN"},  {"MA", "XHLN"},
}};
constexpr std::size_t kBaseMetrics = 8;

double Cia(char v) { return v == 'H' ? 0.56 : v == 'L' ? 0.22 : 0.0; }

// v3.1 Roundup (spec Appendix A): integer arithmetic avoids 4.000000001 → 4.1.
double RoundUp31(double x) {
  long long n = std::llround(x * 100000);
  if (n % 10000 == 0) return static_cast<double>(n) / 100000.0;
  return (std::floor(static_cast<double>(n) / 10000) + 1) / 10.0;
}
// v3.0 rounds up to one decimal directly.
double RoundUp30(double x) { return std::ceil(x * 10 - 1e-9) / 10.0; }

}  // namespace

Result<double> CvssV3BaseScore(std::string_view vector) {
  bool v31;
  if (vector.substr(0, 9) == "CVSS:3.1/") {
    v31 = true;
  } else if (vector.substr(0, 9) == "CVSS:3.0/") {
    v31 = false;
  } else {
    return InvalidArgument(
        StrCat("CVSS vector \"", vector, "\": got no CVSS:3.0/ or CVSS:3.1/ prefix, want one"));
  }
  std::array<char, kMetrics.size()> seen{};  // 0 = absent
  std::string_view rest = vector.substr(9);
  while (true) {
    std::size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    std::size_t colon = part.find(':');
    if (colon == std::string_view::npos || colon + 2 != part.size()) {
      return InvalidArgument(
          StrCat("CVSS vector \"", vector, "\": got metric \"", part, "\", want NAME:V"));
    }
    std::string_view name = part.substr(0, colon);
    char value = part[colon + 1];
    std::size_t i = 0;
    while (i < kMetrics.size() && kMetrics[i].name != name) ++i;
    if (i == kMetrics.size()) {
      return InvalidArgument(StrCat("CVSS vector \"", vector, "\": unknown metric ", name));
    }
    if (kMetrics[i].values.find(value) == std::string_view::npos) {
      return InvalidArgument(StrCat("CVSS vector \"", vector, "\": got ", name, ":", value,
                                    ", want one of ", kMetrics[i].values));
    }
    if (seen[i] != 0) {
      return InvalidArgument(StrCat("CVSS vector \"", vector, "\": metric ", name, " given twice"));
    }
    seen[i] = value;
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  for (std::size_t i = 0; i < kBaseMetrics; ++i) {
    if (seen[i] == 0) {
      return InvalidArgument(
          StrCat("CVSS vector \"", vector, "\": missing base metric ", kMetrics[i].name));
    }
  }
  const char av = seen[0], ac = seen[1], pr = seen[2], ui = seen[3], s = seen[4];
  const bool changed = s == 'C';
  double iss = 1 - (1 - Cia(seen[5])) * (1 - Cia(seen[6])) * (1 - Cia(seen[7]));
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double av_w = av == 'N' ? 0.85 : av == 'A' ? 0.62 : av == 'L' ? 0.55 : 0.2;
  double ac_w = ac == 'L' ? 0.77 : 0.44;
  double pr_w = pr == 'N' ? 0.85 : pr == 'L' ? (changed ? 0.68 : 0.62) : (changed ? 0.5 : 0.27);
  double ui_w = ui == 'N' ? 0.85 : 0.62;
  double exploitability = 8.22 * av_w * ac_w * pr_w * ui_w;
  if (impact <= 0) return 0.0;
  double sum = changed ? 1.08 * (impact + exploitability) : impact + exploitability;
  sum = std::min(sum, 10.0);
  return v31 ? RoundUp31(sum) : RoundUp30(sum);
}

std::string_view SeverityFromScore(double score) {
  if (!(score >= 0 && score <= 10)) return "";  // also rejects NaN
  if (score == 0) return "none";
  if (score < 4) return "low";
  if (score < 7) return "medium";
  if (score < 9) return "high";
  return "critical";
}

std::string_view SeverityFromV2Score(double score) {
  if (!(score >= 0 && score <= 10)) return "";
  if (score < 4) return "low";
  if (score < 7) return "medium";
  return "high";
}

std::string_view SeverityFromCvssV3(std::string_view vector) {
  auto score = CvssV3BaseScore(vector);
  return score.ok() ? SeverityFromScore(*score) : std::string_view();
}

std::string_view SeverityFromWord(std::string_view word) {
  std::string lower;
  lower.reserve(word.size());
  for (char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "critical") return "critical";
  if (lower == "high" || lower == "important") return "high";
  if (lower == "medium" || lower == "moderate") return "medium";
  if (lower == "low") return "low";
  if (lower == "none" || lower == "info" || lower == "informational") return "none";
  return "";
}

}  // namespace ec::evidence
