#include "oci/remote/http_headers.h"

#include <charconv>
#include <limits>

namespace ec::oci::remote {
namespace {

constexpr std::size_t kMaxQuotedHeader = 200;

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t'; }
char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 7230 tchar.
bool IsTchar(char c) {
  if (IsAlpha(c) || IsDigit(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// RFC 7235 token68 characters, without the trailing '='.
bool IsToken68Char(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' ||
         c == '/';
}

// A visible ASCII character allowed in a leniently read unquoted parameter value.
bool IsLenientValueChar(char c) { return c > ' ' && c < 0x7f && c != ',' && c != '"'; }

std::string_view ReadToken(std::string_view s, std::size_t& i) {
  std::size_t start = i;
  while (i < s.size() && IsTchar(s[i])) ++i;
  return s.substr(start, i - start);
}

void SkipSpaces(std::string_view s, std::size_t& i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
}

void SkipListSeparators(std::string_view s, std::size_t& i) {
  while (i < s.size() && (IsSpace(s[i]) || s[i] == ',')) ++i;
}

// Reads a quoted-string starting at s[i] == '"'; on success `i` is past the closing quote.
bool ReadQuoted(std::string_view s, std::size_t& i, std::string& out) {
  out.clear();
  for (std::size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] == '"') {
      i = j + 1;
      return true;
    }
    if (s[j] == '\\') {
      if (++j == s.size()) return false;
    }
    out += s[j];
  }
  return false;
}

std::string QuoteHeader(std::string_view s) {
  if (s.size() <= kMaxQuotedHeader) return StrCat("\"", s, "\"");
  return StrCat("\"", s.substr(0, kMaxQuotedHeader), "...\"");
}

std::string DescribeAt(std::string_view s, std::size_t i) {
  if (i >= s.size()) return "end of header";
  return StrCat("'", s[i], "'");
}

// If a token68 starts at s[i] and is followed by end or ',', returns the offset after it. A run
// with exactly one trailing '=' is read as a parameter with no value instead, so that
// `realm=` is reported rather than silently accepted.
std::optional<std::size_t> Token68End(std::string_view s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size() && IsToken68Char(s[j])) ++j;
  if (j == i) return std::nullopt;
  std::size_t equals = 0;
  while (j < s.size() && s[j] == '=') {
    ++j;
    ++equals;
  }
  std::size_t k = j;
  SkipSpaces(s, k);
  if (k != s.size() && s[k] != ',') return std::nullopt;
  if (equals == 1) return std::nullopt;
  return j;
}

// Whether s[i..] starts with `token BWS "="`, i.e. another auth-param rather than a new scheme.
bool StartsParam(std::string_view s, std::size_t i) {
  if (ReadToken(s, i).empty()) return false;
  SkipSpaces(s, i);
  return i < s.size() && s[i] == '=';
}

// ---- dates (RFC 7231 section 7.1.1.1) ----

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The Gregorian year containing `days` since 1970-01-01 (H. Hinnant's civil_from_days).
std::int64_t YearFromDays(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (month <= 2 ? 1 : 0);
}

int DaysInMonth(std::int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool Consume(std::string_view& s, std::string_view literal) {
  if (s.substr(0, literal.size()) != literal) return false;
  s.remove_prefix(literal.size());
  return true;
}

bool ReadFixedDigits(std::string_view& s, std::size_t count, int& out) {
  if (s.size() < count) return false;
  out = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (!IsDigit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  s.remove_prefix(count);
  return true;
}

bool ReadMonth(std::string_view& s, int& month) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int m = 0; m < 12; ++m) {
    if (EqualsIgnoreCase(s.substr(0, 3), kMonths[m])) {
      month = m + 1;
      s.remove_prefix(3);
      return true;
    }
  }
  return false;
}

bool IsDayName(std::string_view name, bool long_form) {
  static constexpr std::string_view kShort[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr std::string_view kLong[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                               "Friday", "Saturday", "Sunday"};
  for (int d = 0; d < 7; ++d) {
    if (EqualsIgnoreCase(name, long_form ? kLong[d] : kShort[d])) return true;
  }
  return false;
}

bool ReadTimeOfDay(std::string_view& s, int& hour, int& minute, int& second) {
  return ReadFixedDigits(s, 2, hour) && Consume(s, ":") && ReadFixedDigits(s, 2, minute) &&
         Consume(s, ":") && ReadFixedDigits(s, 2, second) && hour <= 23 && minute <= 59 &&
         second <= 60;
}

// Unix seconds of an HTTP-date in any of its three forms.
std::optional<std::int64_t> ParseHttpDate(std::string_view s, long now_unix) {
  int day = 0, month = 0, hour = 0, minute = 0, second = 0;
  std::int64_t year = 0;
  std::size_t comma = s.find(',');
  if (comma == 3 && IsDayName(s.substr(0, 3), false)) {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
    s.remove_prefix(4);
    int y = 0;
    if (!Consume(s, " ") || !ReadFixedDigits(s, 2, day) || !Consume(s, " ") ||
        !ReadMonth(s, month) || !Consume(s, " ") || !ReadFixedDigits(s, 4, y) ||
        !Consume(s, " ") || !ReadTimeOfDay(s, hour, minute, second) || s != " GMT") {
      return std::nullopt;
    }
    year = y;
  } else if (comma != std::string_view::npos && IsDayName(s.substr(0, comma), true)) {
    // Obsolete RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT".
    s.remove_prefix(comma + 1);
    int yy = 0;
    if (!Consume(s, " ") || !ReadFixedDigits(s, 2, day) || !Consume(s, "-") ||
        !ReadMonth(s, month) || !Consume(s, "-") || !ReadFixedDigits(s, 2, yy) ||
        !Consume(s, " ") || !ReadTimeOfDay(s, hour, minute, second) || s != " GMT") {
      return std::nullopt;
    }
    // A year more than 50 years ahead is the most recent past year with the same digits.
    std::int64_t now_year = YearFromDays(now_unix / 86400);
    year = now_year - now_year % 100 + yy;
    if (year > now_year + 50) year -= 100;
  } else if (comma == std::string_view::npos && IsDayName(s.substr(0, 3), false)) {
    // asctime: "Sun Nov  6 08:49:37 1994".
    s.remove_prefix(3);
    int y = 0;
    if (!Consume(s, " ") || !ReadMonth(s, month) || !Consume(s, " ")) return std::nullopt;
    if (!s.empty() && s[0] == ' ') {
      s.remove_prefix(1);
      if (!ReadFixedDigits(s, 1, day)) return std::nullopt;
    } else if (!ReadFixedDigits(s, 2, day)) {
      return std::nullopt;
    }
    if (!Consume(s, " ") || !ReadTimeOfDay(s, hour, minute, second) || !Consume(s, " ") ||
        !ReadFixedDigits(s, 4, y) || !s.empty()) {
      return std::nullopt;
    }
    year = y;
  } else {
    return std::nullopt;
  }
  if (day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  return DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

// ---- URLs (RFC 3986 appendix B) ----

struct UrlParts {
  std::optional<std::string_view> scheme;
  std::optional<std::string_view> authority;
  std::string_view path;
  std::optional<std::string_view> query;
  std::optional<std::string_view> fragment;
};

bool IsScheme(std::string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return false;
  for (char c : s) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

UrlParts SplitUrl(std::string_view url) {
  UrlParts parts;
  std::size_t stop = url.find_first_of(":/?#");
  if (stop != std::string_view::npos && url[stop] == ':' && IsScheme(url.substr(0, stop))) {
    parts.scheme = url.substr(0, stop);
    url.remove_prefix(stop + 1);
  }
  if (url.substr(0, 2) == "//") {
    url.remove_prefix(2);
    std::size_t end = std::min(url.find_first_of("/?#"), url.size());
    parts.authority = url.substr(0, end);
    url.remove_prefix(end);
  }
  if (std::size_t hash = url.find('#'); hash != std::string_view::npos) {
    parts.fragment = url.substr(hash + 1);
    url = url.substr(0, hash);
  }
  if (std::size_t q = url.find('?'); q != std::string_view::npos) {
    parts.query = url.substr(q + 1);
    url = url.substr(0, q);
  }
  parts.path = url;
  return parts;
}

void PopLastSegment(std::string& out) {
  std::size_t slash = out.rfind('/');
  out.erase(slash == std::string::npos ? 0 : slash);
}

// RFC 3986 section 5.2.4.
std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../")) {
      in.remove_prefix(3);
      PopLastSegment(out);
    } else if (in == "/..") {
      in = "/";
      PopLastSegment(out);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      std::size_t end = std::min(in.find('/', 1), in.size());
      out.append(in.substr(0, end));
      in.remove_prefix(end);
    }
  }
  return out;
}

std::string MergePaths(const UrlParts& base, std::string_view ref_path) {
  if (base.authority.has_value() && base.path.empty()) return StrCat("/", ref_path);
  std::size_t slash = base.path.rfind('/');
  if (slash == std::string_view::npos) return std::string(ref_path);
  return StrCat(base.path.substr(0, slash + 1), ref_path);
}

}  // namespace

Result<std::vector<AuthChallenge>> ParseWwwAuthenticate(std::string_view value) {
  auto fail = [&](std::string_view why) {
    return InvalidArgument(
        StrCat("invalid WWW-Authenticate header ", QuoteHeader(value), ": ", why));
  };
  const std::size_t n = value.size();
  std::size_t i = 0;
  SkipListSeparators(value, i);
  if (i == n) return fail("no challenge");

  std::vector<AuthChallenge> out;
  while (i < n) {
    const std::size_t scheme_at = i;
    std::string_view scheme = ReadToken(value, i);
    if (scheme.empty()) {
      return fail(StrCat("expected an auth scheme at offset ", scheme_at, "; got ",
                         DescribeAt(value, scheme_at)));
    }
    AuthChallenge challenge;
    challenge.scheme = Lower(scheme);
    const bool spaced = i < n && IsSpace(value[i]);
    SkipSpaces(value, i);
    if (i == n || value[i] == ',') {  // a scheme without parameters
      out.push_back(std::move(challenge));
      SkipListSeparators(value, i);
      continue;
    }
    if (!spaced) {
      return fail(StrCat("expected a space after auth scheme ", scheme, " at offset ", i,
                         "; got ", DescribeAt(value, i)));
    }
    if (std::optional<std::size_t> end = Token68End(value, i)) {
      i = *end;
      out.push_back(std::move(challenge));
      SkipListSeparators(value, i);
      continue;
    }
    while (true) {
      const std::size_t name_at = i;
      std::string_view name = ReadToken(value, i);
      if (name.empty()) {
        return fail(StrCat("expected a parameter name at offset ", name_at, "; got ",
                           DescribeAt(value, name_at)));
      }
      SkipSpaces(value, i);
      if (i == n || value[i] != '=') {
        return fail(StrCat("expected '=' after parameter ", name, " at offset ", i, "; got ",
                           DescribeAt(value, i)));
      }
      ++i;
      SkipSpaces(value, i);
      std::string param_value;
      if (i < n && value[i] == '"') {
        const std::size_t quote_at = i;
        if (!ReadQuoted(value, i, param_value)) {
          return fail(StrCat("unterminated quoted value of parameter ", name, " at offset ",
                             quote_at));
        }
      } else {
        const std::size_t start = i;
        while (i < n && IsLenientValueChar(value[i])) ++i;
        if (i == start) return fail(StrCat("parameter ", name, " has no value"));
        param_value = std::string(value.substr(start, i - start));
      }
      challenge.params.emplace(Lower(name), std::move(param_value));
      SkipSpaces(value, i);
      if (i == n) break;
      if (value[i] != ',') {
        return fail(StrCat("expected ',' after parameter ", name, " at offset ", i, "; got ",
                           DescribeAt(value, i)));
      }
      SkipListSeparators(value, i);
      if (i == n || !StartsParam(value, i)) break;  // end, or the next challenge's scheme
    }
    out.push_back(std::move(challenge));
  }
  return out;
}

std::string ParseLinkNext(std::string_view value) {
  const std::size_t n = value.size();
  std::size_t i = 0;
  while (true) {
    SkipListSeparators(value, i);
    if (i == n) return "";
    if (value[i] != '<') return "";
    std::size_t close = value.find('>', i + 1);
    if (close == std::string_view::npos) return "";
    std::string_view target = Trim(value.substr(i + 1, close - i - 1));
    i = close + 1;
    bool next = false;
    while (true) {
      SkipSpaces(value, i);
      if (i == n || value[i] == ',') break;
      if (value[i] != ';') return "";
      ++i;
      SkipSpaces(value, i);
      std::string_view name = ReadToken(value, i);
      if (name.empty()) return "";
      SkipSpaces(value, i);
      std::string param_value;
      if (i < n && value[i] == '=') {
        ++i;
        SkipSpaces(value, i);
        if (i < n && value[i] == '"') {
          if (!ReadQuoted(value, i, param_value)) return "";
        } else {
          std::size_t start = i;
          while (i < n && !IsSpace(value[i]) && value[i] != ';' && value[i] != ',') ++i;
          param_value = std::string(value.substr(start, i - start));
        }
      }
      if (!EqualsIgnoreCase(name, "rel")) continue;
      std::string_view rels = param_value;
      while (!rels.empty()) {
        std::size_t space = std::min(rels.find_first_of(" \t"), rels.size());
        if (EqualsIgnoreCase(rels.substr(0, space), "next")) next = true;
        rels.remove_prefix(space);
        rels = Trim(rels);
      }
    }
    if (next) return std::string(target);
  }
}

std::optional<long> ParseRetryAfter(std::string_view value, long now_unix) {
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  std::string_view digits = value.front() == '-' ? value.substr(1) : value;
  if (!digits.empty() && IsDigit(digits.front())) {
    long seconds = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return value.front() == '-' ? 0 : seconds;
  }
  std::optional<std::int64_t> when = ParseHttpDate(value, now_unix);
  if (!when.has_value()) return std::nullopt;
  std::int64_t delta = *when - static_cast<std::int64_t>(now_unix);
  if (delta < 0) return 0;
  if (delta > std::numeric_limits<long>::max()) return std::numeric_limits<long>::max();
  return static_cast<long>(delta);
}

std::string ResolveUrl(std::string_view base, std::string_view ref) {
  UrlParts r = SplitUrl(ref);
  if (r.scheme.has_value()) return std::string(ref);
  UrlParts b = SplitUrl(base);

  std::optional<std::string_view> authority;
  std::string path;
  std::optional<std::string_view> query = r.query;
  if (r.authority.has_value()) {
    authority = r.authority;
    path = RemoveDotSegments(r.path);
  } else {
    authority = b.authority;
    if (r.path.empty()) {
      path = std::string(b.path);
      if (!query.has_value()) query = b.query;
    } else if (r.path.front() == '/') {
      path = RemoveDotSegments(r.path);
    } else {
      path = RemoveDotSegments(MergePaths(b, r.path));
    }
  }

  std::string out;
  if (b.scheme.has_value()) out += StrCat(*b.scheme, ":");
  if (authority.has_value()) out += StrCat("//", *authority);
  out += path;
  if (query.has_value()) out += StrCat("?", *query);
  if (r.fragment.has_value()) out += StrCat("#", *r.fragment);
  return out;
}

std::string UrlOrigin(std::string_view url) {
  UrlParts parts = SplitUrl(url);
  if (!parts.scheme.has_value() || !parts.authority.has_value()) return "";
  std::string scheme = Lower(*parts.scheme);
  std::string_view authority = *parts.authority;
  if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string host = Lower(authority);
  if (host.ends_with(':')) {
    host.pop_back();
  } else if (scheme == "https" && host.ends_with(":443")) {
    host.resize(host.size() - 4);
  } else if (scheme == "http" && host.ends_with(":80")) {
    host.resize(host.size() - 3);
  }
  return StrCat(scheme, "://", host);
}

std::optional<std::int64_t> ParseRangeEnd(std::string_view value) {
  value = Trim(value);
  if (value.size() >= 5 && EqualsIgnoreCase(value.substr(0, 5), "bytes")) {
    value.remove_prefix(5);
    if (value.empty() || (value.front() != '=' && !IsSpace(value.front()))) return std::nullopt;
    value.remove_prefix(1);
    value = Trim(value);
  }
  auto read_number = [&value](std::int64_t& out) {
    if (value.empty() || !IsDigit(value.front())) return false;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
    if (ec != std::errc()) return false;
    value.remove_prefix(static_cast<std::size_t>(end - value.data()));
    return true;
  };
  std::int64_t first = 0;
  std::int64_t last = 0;
  if (!read_number(first) || !Consume(value, "-") || !read_number(last)) return std::nullopt;
  if (Consume(value, "/")) {
    std::int64_t total = 0;
    if (value == "*") {
      value = {};
    } else if (!read_number(total) || total <= last) {
      return std::nullopt;
    }
  }
  if (!value.empty() || last < first) return std::nullopt;
  return last;
}

}  // namespace ec::oci::remote
