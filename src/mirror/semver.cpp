#include "mirror/semver.h"

#include <charconv>
#include <sstream>

namespace ec::mirror {
namespace {

bool ParseNumber(std::string_view s, std::uint64_t* out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;  // no leading zeros
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool IsNumeric(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos; }

int CompareIdentifiers(const std::string& a, const std::string& b) {
  const bool na = IsNumeric(a), nb = IsNumeric(b);
  if (na && nb) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  if (na != nb) return na ? -1 : 1;  // numeric identifiers sort first
  return a < b ? -1 : (a > b ? 1 : 0);
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    std::size_t i = s.find(sep);
    out.push_back(s.substr(0, i));
    if (i == std::string_view::npos) return out;
    s.remove_prefix(i + 1);
  }
}

bool IsWildcard(std::string_view s) { return s == "x" || s == "X" || s == "*"; }

}  // namespace

std::optional<Version> Version::Parse(std::string_view text) {
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  if (std::size_t plus = text.find('+'); plus != std::string_view::npos) text = text.substr(0, plus);
  Version v;
  if (std::size_t dash = text.find('-'); dash != std::string_view::npos) {
    for (std::string_view id : Split(text.substr(dash + 1), '.')) {
      if (id.empty() || id.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") != std::string_view::npos) {
        return std::nullopt;
      }
      if (IsNumeric(id) && id.size() > 1 && id[0] == '0') return std::nullopt;
      v.prerelease.emplace_back(id);
    }
    text = text.substr(0, dash);
  }
  std::vector<std::string_view> parts = Split(text, '.');
  if (parts.size() != 3 || !ParseNumber(parts[0], &v.major) || !ParseNumber(parts[1], &v.minor) ||
      !ParseNumber(parts[2], &v.patch)) {
    return std::nullopt;
  }
  return v;
}

int Compare(const Version& a, const Version& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    if (a.prerelease.empty() == b.prerelease.empty()) return 0;
    return a.prerelease.empty() ? 1 : -1;  // a release sorts after its pre-releases
  }
  for (std::size_t i = 0; i < a.prerelease.size() && i < b.prerelease.size(); ++i) {
    if (int c = CompareIdentifiers(a.prerelease[i], b.prerelease[i]); c != 0) return c;
  }
  if (a.prerelease.size() == b.prerelease.size()) return 0;
  return a.prerelease.size() < b.prerelease.size() ? -1 : 1;
}

Result<VersionRange> VersionRange::Parse(std::string_view text) {
  VersionRange range;
  auto bad = [&](std::string_view part) {
    return InvalidArgument(StrCat("semver range \"", text, "\": bad version \"", part,
                                  "\" (want 1.2.3, ^1.2, ~1.2.3, 1.x, >=1.0.0 <2.0.0, joined by ||)"));
  };
  for (std::string_view alternative : Split(text, '|')) {
    if (alternative.empty()) continue;  // the empty piece between the two bars of "||"
    std::vector<Comparator> all;
    std::istringstream words{std::string(alternative)};
    for (std::string word; words >> word;) {
      std::string_view w = word;
      Comparator::Op op = Comparator::Op::kEq;
      char shorthand = 0;
      if (w.starts_with(">=")) { op = Comparator::Op::kGe; w.remove_prefix(2); }
      else if (w.starts_with("<=")) { op = Comparator::Op::kLe; w.remove_prefix(2); }
      else if (w.starts_with(">")) { op = Comparator::Op::kGt; w.remove_prefix(1); }
      else if (w.starts_with("<")) { op = Comparator::Op::kLt; w.remove_prefix(1); }
      else if (w.starts_with("=")) { w.remove_prefix(1); }
      else if (w.starts_with("^") || w.starts_with("~")) { shorthand = w[0]; w.remove_prefix(1); }
      if (!w.empty() && (w[0] == 'v' || w[0] == 'V')) w.remove_prefix(1);
      // Partial versions and wildcards: "1", "1.2", "1.x", "*".
      std::vector<std::string_view> parts = w.empty() ? std::vector<std::string_view>{} : Split(w.substr(0, w.find('-')), '.');
      std::size_t fixed = 0;
      Version lo;
      std::uint64_t* fields[] = {&lo.major, &lo.minor, &lo.patch};
      bool wildcard = parts.empty();
      for (std::size_t i = 0; i < parts.size() && i < 3; ++i) {
        if (IsWildcard(parts[i])) {
          wildcard = true;
          continue;
        }
        // A number after a wildcard ("1.x.3") means nothing.
        if (wildcard || !ParseNumber(parts[i], fields[i])) return bad(word);
        ++fixed;
      }
      if (shorthand != 0 && fixed == 0) return bad(word);
      if (parts.size() > 3) return bad(word);
      if (fixed == 3) {
        auto full = Version::Parse(w);
        if (!full) return bad(word);
        lo = *full;
      }
      if (fixed < 3 && !wildcard && parts.size() != fixed) return bad(word);
      if (fixed < 3 && op != Comparator::Op::kEq) {
        // ">=1.2" is ">=1.2.0"; "<1.2" is "<1.2.0"; ">1.2" is ">=1.3.0"; "<=1.2" is "<1.3.0".
        Version next = lo;
        if (fixed == 0) return bad(word);
        if (fixed == 1) { next.major += 1; next.minor = 0; next.patch = 0; }
        else { next.minor += 1; next.patch = 0; }
        if (op == Comparator::Op::kGt) { all.push_back({Comparator::Op::kGe, next}); continue; }
        if (op == Comparator::Op::kLe) { all.push_back({Comparator::Op::kLt, next}); continue; }
        all.push_back({op, lo});
        continue;
      }
      if (shorthand == '^' || shorthand == '~' || fixed < 3) {
        if (fixed == 0) continue;  // "*": anything (releases)
        Version hi = lo;
        hi.prerelease.clear();
        if (shorthand == '~' || (shorthand == 0 && fixed == 2)) {
          if (fixed == 1) { hi.major += 1; hi.minor = 0; } else { hi.minor += 1; }
          hi.patch = 0;
        } else if (shorthand == '^') {
          if (lo.major != 0 || fixed == 1) { hi.major += 1; hi.minor = 0; hi.patch = 0; }
          else if (lo.minor != 0 || fixed == 2) { hi.minor += 1; hi.patch = 0; }
          else { hi.patch += 1; }
        } else {  // "1" or "1.x"
          hi.major += 1; hi.minor = 0; hi.patch = 0;
        }
        all.push_back({Comparator::Op::kGe, lo});
        all.push_back({Comparator::Op::kLt, hi});
        continue;
      }
      all.push_back({op, lo});
    }
    range.alternatives_.push_back(std::move(all));
  }
  if (range.alternatives_.empty()) return InvalidArgument(StrCat("semver range \"", text, "\": empty"));
  return range;
}

bool VersionRange::Contains(const Version& v) const {
  for (const auto& all : alternatives_) {
    bool ok = true;
    bool prerelease_allowed = v.prerelease.empty();
    for (const Comparator& c : all) {
      const int cmp = Compare(v, c.version);
      switch (c.op) {
        case Comparator::Op::kEq: ok = ok && cmp == 0; break;
        case Comparator::Op::kLt: ok = ok && cmp < 0; break;
        case Comparator::Op::kLe: ok = ok && cmp <= 0; break;
        case Comparator::Op::kGt: ok = ok && cmp > 0; break;
        case Comparator::Op::kGe: ok = ok && cmp >= 0; break;
      }
      if (!c.version.prerelease.empty() && c.version.major == v.major && c.version.minor == v.minor &&
          c.version.patch == v.patch) {
        prerelease_allowed = true;
      }
    }
    if (ok && prerelease_allowed) return true;
  }
  return false;
}

}  // namespace ec::mirror
