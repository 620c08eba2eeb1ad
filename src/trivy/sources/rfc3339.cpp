#include "trivy/sources/rfc3339.h"

#include <cctype>

namespace ec::trivy {
namespace {

bool Digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<Timestamp> ParseRfc3339(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, month) ||
      s[7] != '-' || !Digits(s, 8, 2, day) || s[10] != 'T' || !Digits(s, 11, 2, hour) ||
      s[13] != ':' || !Digits(s, 14, 2, minute) || s[16] != ':' || !Digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::string fraction;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      fraction += s[pos++];
    }
    if (fraction.empty() || fraction.size() > 9) return std::nullopt;
  }
  int offset_minutes = 0;
  std::string zone;
  if (pos < s.size() && s[pos] == 'Z') {
    zone = "Z";
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    zone = offset_minutes == 0 ? "Z" : std::string(s.substr(pos, 6));
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;

  Timestamp t;
  t.unix_seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
                   static_cast<std::int64_t>(offset_minutes) * 60;
  std::string padded = fraction + std::string(9 - fraction.size(), '0');
  t.nanos = std::stoi(padded);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  t.text = std::string(s.substr(0, 19));
  if (!fraction.empty()) t.text += "." + fraction;
  t.text += zone;
  t.is_zero = year == 1 && month == 1 && day == 1 && hour == 0 && minute == 0 && second == 0 &&
              t.nanos == 0 && offset_minutes == 0;
  return t;
}

}  // namespace ec::trivy
