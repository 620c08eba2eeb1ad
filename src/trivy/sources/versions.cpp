#include "trivy/sources/versions.h"

#include <algorithm>
#include <cctype>

namespace ec::trivy {
namespace {

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

std::string_view StripZeros(std::string_view s) {
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  return s;
}

// A small cursor over a lower-cased version string.
struct Cursor {
  std::string s;
  std::size_t pos = 0;

  bool Done() const { return pos >= s.size(); }
  bool Peek(char c) const { return pos < s.size() && s[pos] == c; }
  bool Eat(char c) {
    if (!Peek(c)) return false;
    ++pos;
    return true;
  }
  bool EatWord(std::string_view w) {
    if (s.compare(pos, w.size(), w) != 0) return false;
    pos += w.size();
    return true;
  }
  std::string Digits() {
    std::size_t start = pos;
    while (pos < s.size() && IsDigit(s[pos])) ++pos;
    return s.substr(start, pos - start);
  }
  void EatSeparator() {
    if (pos < s.size() && (s[pos] == '-' || s[pos] == '_' || s[pos] == '.')) ++pos;
  }
};

// Pre-release rank: none-with-dev-only < a < b < rc < none.
int PreRank(const Pep440Version& v) {
  if (v.pre_label.empty()) return (!v.post && v.dev) ? -1 : 3;
  if (v.pre_label == "a") return 0;
  if (v.pre_label == "b") return 1;
  return 2;
}

int CompareReleases(std::vector<std::string> a, std::vector<std::string> b) {
  auto trim = [](std::vector<std::string>& r) {
    while (r.size() > 1 && StripZeros(r.back()) == "0") r.pop_back();
  };
  trim(a);
  trim(b);
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (int c = CompareNumeric(a[i], b[i]); c != 0) return c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

int CompareLocal(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    bool an = std::all_of(a[i].begin(), a[i].end(), IsDigit);
    bool bn = std::all_of(b[i].begin(), b[i].end(), IsDigit);
    int c;
    if (an && bn) {
      c = CompareNumeric(a[i], b[i]);
    } else if (an != bn) {
      c = an ? 1 : -1;  // numeric segments sort after alphanumeric ones
    } else {
      c = a[i].compare(b[i]);
    }
    if (c != 0) return c < 0 ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

bool IsNumericIdentifier(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

}  // namespace

int CompareNumeric(std::string_view a, std::string_view b) {
  a = StripZeros(a);
  b = StripZeros(b);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::optional<Pep440Version> Pep440Version::Parse(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  Cursor c;
  c.s.reserve(text.size());
  for (char ch : text) c.s += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));

  Pep440Version v;
  c.Eat('v');
  std::string first = c.Digits();
  if (first.empty()) return std::nullopt;
  if (c.Eat('!')) {
    v.epoch = first;
    first = c.Digits();
    if (first.empty()) return std::nullopt;
  }
  v.release.push_back(first);
  while (c.Peek('.') && c.pos + 1 < c.s.size() && IsDigit(c.s[c.pos + 1])) {
    ++c.pos;
    v.release.push_back(c.Digits());
  }
  // Pre-release.
  {
    std::size_t save = c.pos;
    c.EatSeparator();
    static constexpr std::pair<std::string_view, std::string_view> kPre[] = {
        {"alpha", "a"}, {"beta", "b"}, {"preview", "rc"}, {"pre", "rc"},
        {"rc", "rc"},   {"a", "a"},    {"b", "b"},        {"c", "rc"}};
    bool found = false;
    for (const auto& [word, label] : kPre) {
      if (c.EatWord(word)) {
        v.pre_label = label;
        found = true;
        break;
      }
    }
    if (found) {
      std::size_t before = c.pos;
      c.EatSeparator();
      v.pre_number = c.Digits();
      if (v.pre_number.empty()) {
        c.pos = before;
        v.pre_number = "0";
      }
    } else {
      c.pos = save;
    }
  }
  // Post-release.
  {
    std::size_t save = c.pos;
    if (c.Eat('-') && !c.Done() && IsDigit(c.s[c.pos])) {
      v.post = c.Digits();
    } else {
      c.pos = save;
      c.EatSeparator();
      if (c.EatWord("post") || c.EatWord("rev") || c.EatWord("r")) {
        std::size_t before = c.pos;
        c.EatSeparator();
        std::string n = c.Digits();
        if (n.empty()) c.pos = before;
        v.post = n.empty() ? "0" : n;
      } else {
        c.pos = save;
      }
    }
  }
  // Development release.
  {
    std::size_t save = c.pos;
    c.EatSeparator();
    if (c.EatWord("dev")) {
      std::size_t before = c.pos;
      c.EatSeparator();
      std::string n = c.Digits();
      if (n.empty()) c.pos = before;
      v.dev = n.empty() ? "0" : n;
    } else {
      c.pos = save;
    }
  }
  // Local version.
  if (c.Eat('+')) {
    std::string segment;
    while (!c.Done()) {
      char ch = c.s[c.pos++];
      if (IsAlnum(ch)) {
        segment += ch;
      } else if ((ch == '-' || ch == '_' || ch == '.') && !segment.empty()) {
        v.local.push_back(segment);
        segment.clear();
      } else {
        return std::nullopt;
      }
    }
    if (segment.empty()) return std::nullopt;
    v.local.push_back(segment);
  }
  if (!c.Done()) return std::nullopt;
  return v;
}

Pep440Version Pep440Version::Public() const {
  Pep440Version v = *this;
  v.local.clear();
  return v;
}

Pep440Version Pep440Version::Base() const {
  Pep440Version v;
  v.epoch = epoch;
  v.release = release;
  return v;
}

int Compare(const Pep440Version& a, const Pep440Version& b) {
  if (int c = CompareNumeric(a.epoch, b.epoch); c != 0) return c;
  if (int c = CompareReleases(a.release, b.release); c != 0) return c;
  int ra = PreRank(a), rb = PreRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra >= 0 && ra <= 2) {
    if (int c = CompareNumeric(a.pre_number, b.pre_number); c != 0) return c;
  }
  if (a.post.has_value() != b.post.has_value()) return a.post ? 1 : -1;
  if (a.post) {
    if (int c = CompareNumeric(*a.post, *b.post); c != 0) return c;
  }
  if (a.dev.has_value() != b.dev.has_value()) return a.dev ? -1 : 1;
  if (a.dev) {
    if (int c = CompareNumeric(*a.dev, *b.dev); c != 0) return c;
  }
  return CompareLocal(a.local, b.local);
}

std::optional<GenericVersion> GenericVersion::Parse(std::string_view text) {
  std::size_t pos = 0;
  if (pos < text.size() && (text[pos] == 'v' || text[pos] == 'V')) ++pos;
  GenericVersion v;
  while (true) {
    std::size_t start = pos;
    while (pos < text.size() && IsDigit(text[pos])) ++pos;
    if (pos == start) return std::nullopt;
    v.release.emplace_back(text.substr(start, pos - start));
    if (pos + 1 < text.size() && text[pos] == '.' && IsDigit(text[pos + 1])) {
      ++pos;
      continue;
    }
    break;
  }
  std::string_view rest = text.substr(pos);
  rest = rest.substr(0, rest.find('+'));  // build metadata never affects order
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '.' || rest.front() == '_')) {
    rest.remove_prefix(1);
    if (rest.empty()) return std::nullopt;
  }
  while (!rest.empty()) {
    auto dot = rest.find('.');
    std::string_view id = rest.substr(0, dot);
    if (id.empty()) return std::nullopt;
    for (char ch : id) {
      if (!IsAlnum(ch) && ch != '-' && ch != '_' && ch != '~') return std::nullopt;
    }
    v.pre.emplace_back(id);
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
    if (rest.empty()) return std::nullopt;
  }
  return v;
}

int Compare(const GenericVersion& a, const GenericVersion& b) {
  std::size_t n = std::max(a.release.size(), b.release.size());
  for (std::size_t i = 0; i < n; ++i) {
    std::string_view x = i < a.release.size() ? std::string_view(a.release[i]) : "0";
    std::string_view y = i < b.release.size() ? std::string_view(b.release[i]) : "0";
    if (int c = CompareNumeric(x, y); c != 0) return c;
  }
  if (a.pre.empty() != b.pre.empty()) return a.pre.empty() ? 1 : -1;
  for (std::size_t i = 0; i < std::min(a.pre.size(), b.pre.size()); ++i) {
    bool an = IsNumericIdentifier(a.pre[i]);
    bool bn = IsNumericIdentifier(b.pre[i]);
    int c;
    if (an && bn) {
      c = CompareNumeric(a.pre[i], b.pre[i]);
    } else if (an != bn) {
      c = an ? -1 : 1;
    } else {
      c = a.pre[i].compare(b.pre[i]);
    }
    if (c != 0) return c < 0 ? -1 : 1;
  }
  return a.pre.size() < b.pre.size() ? -1 : (a.pre.size() > b.pre.size() ? 1 : 0);
}

int CompareNatural(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool da = IsDigit(a[i]), db = IsDigit(b[j]);
    std::size_t si = i, sj = j;
    if (da && db) {
      while (i < a.size() && IsDigit(a[i])) ++i;
      while (j < b.size() && IsDigit(b[j])) ++j;
      if (int c = CompareNumeric(a.substr(si, i - si), b.substr(sj, j - sj)); c != 0) return c;
      continue;
    }
    while (i < a.size() && !IsDigit(a[i])) ++i;
    while (j < b.size() && !IsDigit(b[j])) ++j;
    int c = a.substr(si, i - si).compare(b.substr(sj, j - sj));
    if (c != 0) return c < 0 ? -1 : 1;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

}  // namespace ec::trivy
