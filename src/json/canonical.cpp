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

void AppendString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\f':
        *out += "\\f";
        break;
      case '\r':
        *out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          *out += "\\u00";
          out->push_back(kHex[(c >> 4) & 0xf]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(c);
        }
    }
  }
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
      std::vector<std::pair<std::u16string, const Json::object_t::value_type*>> members;
      members.reserve(value.size());
      for (const auto& member : value.get_ref<const Json::object_t&>()) {
        members.emplace_back(Utf16SortKey(member.first), &member);
      }
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out->push_back('{');
      bool first = true;
      for (const auto& [key, member] : members) {
        if (!first) out->push_back(',');
        first = false;
        AppendString(member->first, out);
        out->push_back(':');
        Append(member->second, out);
      }
      out->push_back('}');
      return;
    }
  }
}

// JSON Pointer (RFC 6901) token escaping, for error messages.
std::string PointerToken(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Where(const std::string& pointer) { return pointer.empty() ? "/" : pointer; }

Status Validate(const Json& value, const std::string& pointer) {
  switch (value.type()) {
    case Json::value_t::number_float: {
      const double x = value.get<double>();
      if (std::isnan(x)) {
        return InvalidArgument(StrCat("canonical JSON: value at ", Where(pointer),
                                      " is NaN, which JSON cannot represent"));
      }
      if (std::isinf(x)) {
        return InvalidArgument(StrCat("canonical JSON: value at ", Where(pointer),
                                      " is infinite, which JSON cannot represent"));
      }
      return OkStatus();
    }
    case Json::value_t::string:
      if (!IsValidUtf8(value.get_ref<const std::string&>())) {
        return InvalidArgument(
            StrCat("canonical JSON: string at ", Where(pointer), " is not valid UTF-8"));
      }
      return OkStatus();
    case Json::value_t::binary:
    case Json::value_t::discarded:
      return InvalidArgument(StrCat("canonical JSON: value at ", Where(pointer),
                                    " is not a JSON value (", value.type_name(), ")"));
    case Json::value_t::array: {
      std::size_t index = 0;
      for (const Json& element : value) {
        EC_RETURN_IF_ERROR(Validate(element, StrCat(pointer, "/", index++)));
      }
      return OkStatus();
    }
    case Json::value_t::object:
      for (const auto& [name, member] : value.get_ref<const Json::object_t&>()) {
        const std::string member_pointer = StrCat(pointer, "/", PointerToken(name));
        if (!IsValidUtf8(name)) {
          return InvalidArgument(
              StrCat("canonical JSON: member name at ", member_pointer, " is not valid UTF-8"));
        }
        EC_RETURN_IF_ERROR(Validate(member, member_pointer));
      }
      return OkStatus();
    default:
      return OkStatus();
  }
}

}  // namespace

std::string Canonical(const Json& value) {
  std::string out;
  Append(value, &out);
  return out;
}

Result<std::string> CanonicalChecked(const Json& value) {
  EC_RETURN_IF_ERROR(Validate(value, ""));
  return Canonical(value);
}

}  // namespace ec::json
