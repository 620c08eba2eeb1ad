#include "json/canonical.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace ec::json {
namespace {

// Decodes the code point at text[*pos] and advances *pos past it. On an invalid sequence
// (truncated, overlong, a surrogate, beyond U+10FFFF) returns nullopt and advances one byte.
std::optional<char32_t> NextCodePoint(std::string_view text, std::size_t* pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(*pos);
  std::size_t len;
  char32_t cp;
  char32_t min;
  if (lead < 0x80) {
    ++*pos;
    return lead;
  } else if ((lead & 0xe0) == 0xc0) {
    len = 2, cp = lead & 0x1f, min = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    len = 3, cp = lead & 0x0f, min = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    len = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    ++*pos;
    return std::nullopt;
  }
  if (text.size() - *pos < len) {
    ++*pos;
    return std::nullopt;
  }
  for (std::size_t i = 1; i < len; ++i) {
    const unsigned char b = byte(*pos + i);
    if ((b & 0xc0) != 0x80) {
      ++*pos;
      return std::nullopt;
    }
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    ++*pos;
    return std::nullopt;
  }
  *pos += len;
  return cp;
}

bool IsValidUtf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    if (!NextCodePoint(text, &pos)) return false;
  }
  return true;
}

// JCS orders member names by UTF-16 code units, which differs from UTF-8 byte order (and so
// from nlohmann's std::map order) once characters above U+FFFF meet U+E000..U+FFFF.
std::u16string Utf16SortKey(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = NextCodePoint(text, &pos).value_or(0xfffd);
    if (cp < 0x10000) {
      out.push_back(static_cast<char16_t>(cp));
    } else {
      out.push_back(static_cast<char16_t>(0xd800 + ((cp - 0x10000) >> 10)));
      out.push_back(static_cast<char16_t>(0xdc00 + ((cp - 0x10000) & 0x3ff)));
    }
  }
  return out;
}

bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

void AppendString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  std::size_t run = 0;  // start of the bytes copied as they are
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (!NeedsEscape(c)) continue;
    out->append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\t': *out += "\\t"; break;
      case '\n': *out += "\\n"; break;
      case '\f': *out += "\\f"; break;
      case '\r': *out += "\\r"; break;
      default:
        *out += "\\u00";
        out->push_back(kHex[(c >> 4) & 0xf]);
        out->push_back(kHex[c & 0xf]);
    }
  }
  out->append(text.data() + run, text.size() - run);
  out->push_back('"');
}

// ECMAScript Number::toString (ECMA-262 §6.1.6.1.20). std::to_chars gives the shortest
// round-trip digits (closest to the value on ties), which is the digit string ES asks for;
// only the layout differs.
void AppendDouble(double x, std::string* out) {
  if (!std::isfinite(x)) {
    *out += "null";
    return;
  }
  if (x == 0) {  // also -0
    out->push_back('0');
    return;
  }
  if (x < 0) {
    out->push_back('-');
    x = -x;
  }
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(result.ptr - buf));  // "d.ddde+XX"
  const std::size_t e = sci.find('e');
  std::string digits(1, sci[0]);
  if (e > 1) digits.append(sci.substr(2, e - 2));
  int exponent = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);

  // In ES terms the value is digits × 10^(n−k), with k digits.
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    *out += digits;
    out->append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out->append(digits, 0, static_cast<std::size_t>(n));
    out->push_back('.');
    out->append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    *out += "0.";
    out->append(static_cast<std::size_t>(-n), '0');
    *out += digits;
  } else {
    out->push_back(digits[0]);
    if (k > 1) {
      out->push_back('.');
      out->append(digits, 1);
    }
    out->push_back('e');
    out->push_back(n - 1 < 0 ? '-' : '+');
    *out += std::to_string(std::abs(n - 1));
  }
}

void Append(const Json& value, std::string* out) {
  switch (value.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
    case Json::value_t::binary:  // not JSON; CanonicalChecked refuses it
      *out += "null";
      return;
    case Json::value_t::boolean:
      *out += value.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::number_integer:
      *out += std::to_string(value.get<std::int64_t>());
      return;
    case Json::value_t::number_unsigned:
      *out += std::to_string(value.get<std::uint64_t>());
      return;
    case Json::value_t::number_float:
      AppendDouble(value.get<double>(), out);
      return;
    case Json::value_t::string:
      AppendString(value.get_ref<const std::string&>(), out);
      return;
    case Json::value_t::array: {
      out->push_back('[');
      bool first = true;
      for (const Json& element : value) {
        if (!first) out->push_back(',');
        first = false;
        Append(element, out);
      }
      out->push_back(']');
      return;
    }
    case Json::value_t::object: {
      const auto& object = value.get_ref<const Json::object_t&>();
      out->push_back('{');
      bool first = true;
      auto emit = [&](const Json::object_t::value_type& member) {
        if (!first) out->push_back(',');
        first = false;
        AppendString(member.first, out);
        out->push_back(':');
        Append(member.second, out);
      };
      // nlohmann keeps members in UTF-8 byte order, which is UTF-16 order unless a name holds
      // a code point from U+E000 up (lead bytes 0xEE and above): the common case needs no sort.
      const bool byte_order_is_utf16_order = std::none_of(object.begin(), object.end(), [](const auto& m) {
        return std::any_of(m.first.begin(), m.first.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xee; });
      });
      if (byte_order_is_utf16_order) {
        for (const auto& member : object) emit(member);
      } else {
        std::vector<std::pair<std::u16string, const Json::object_t::value_type*>> members;
        members.reserve(object.size());
        for (const auto& member : object) members.emplace_back(Utf16SortKey(member.first), &member);
        std::sort(members.begin(), members.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
        for (const auto& m : members) emit(*m.second);
      }
      out->push_back('}');
      return;
    }
  }
}


std::string Where(const std::string& pointer) { return pointer.empty() ? "/" : pointer; }

// The first value canonical JSON cannot hold, as a JSON Pointer and a reason; nullopt when
// there is none. The pointer is only built for the failing path: validating a large document
// costs one walk and no allocation.
struct Invalid {
  std::string pointer;
  std::string why;
};

std::optional<Invalid> FindInvalid(const Json& value) {
  switch (value.type()) {
    case Json::value_t::number_float: {
      const double x = value.get<double>();
      if (std::isnan(x)) return Invalid{"", "is NaN, which JSON cannot represent"};
      if (std::isinf(x)) return Invalid{"", "is infinite, which JSON cannot represent"};
      return std::nullopt;
    }
    case Json::value_t::string:
      if (!IsValidUtf8(value.get_ref<const std::string&>())) return Invalid{"", "is not valid UTF-8"};
      return std::nullopt;
    case Json::value_t::binary:
    case Json::value_t::discarded:
      return Invalid{"", StrCat("is not a JSON value (", value.type_name(), ")")};
    case Json::value_t::array: {
      std::size_t index = 0;
      for (const Json& element : value) {
        if (auto bad = FindInvalid(element)) {
          bad->pointer = StrCat("/", index, bad->pointer);
          return bad;
        }
        ++index;
      }
      return std::nullopt;
    }
    case Json::value_t::object:
      for (const auto& [name, member] : value.get_ref<const Json::object_t&>()) {
        if (!IsValidUtf8(name)) return Invalid{StrCat("/", PointerToken(name)), "member name is not valid UTF-8"};
        if (auto bad = FindInvalid(member)) {
          bad->pointer = StrCat("/", PointerToken(name), bad->pointer);
          return bad;
        }
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string Canonical(const Json& value) {
  std::string out;
  Append(value, &out);
  return out;
}

Result<std::string> CanonicalChecked(const Json& value) {
  if (auto bad = FindInvalid(value)) {
    if (bad->why.rfind("member name", 0) == 0) {
      return InvalidArgument(StrCat("canonical JSON: member name at ", bad->pointer, " is not valid UTF-8"));
    }
    const char* noun = bad->why == "is not valid UTF-8" ? "string" : "value";
    return InvalidArgument(StrCat("canonical JSON: ", noun, " at ", Where(bad->pointer), " ", bad->why));
  }
  return Canonical(value);
}

}  // namespace ec::json
