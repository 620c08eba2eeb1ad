#include "trivy/sources/go_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace ec::trivy::gojson {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid (Go's
// utf8.DecodeRuneInString rules: shortest form, no surrogates, at most U+10FFFF).
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    unsigned char cc = byte(i + k);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

void AppendUnicodeEscape(std::string& out, unsigned value) {
  out += "\\u";
  out += kHex[(value >> 12) & 0xF];
  out += kHex[(value >> 8) & 0xF];
  out += kHex[(value >> 4) & 0xF];
  out += kHex[value & 0xF];
}

void AppendValue(std::string& out, const json::Json& value);

void AppendObject(std::string& out, const json::Json& object) {
  // nlohmann's object_t is a std::map<std::string, …>: iteration is already bytewise sorted,
  // as Go sorts map keys.
  out += '{';
  bool first = true;
  for (const auto& [key, member] : object.items()) {
    if (!first) out += ',';
    first = false;
    AppendString(out, key);
    out += ':';
    AppendValue(out, member);
  }
  out += '}';
}

void AppendValue(std::string& out, const json::Json& value) {
  switch (value.type()) {
    case json::Json::value_t::null:
    case json::Json::value_t::discarded:
      out += "null";
      return;
    case json::Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case json::Json::value_t::string:
      AppendString(out, value.get_ref<const std::string&>());
      return;
    case json::Json::value_t::number_integer:
      AppendFloat(out, static_cast<double>(value.get<std::int64_t>()));
      return;
    case json::Json::value_t::number_unsigned:
      AppendFloat(out, static_cast<double>(value.get<std::uint64_t>()));
      return;
    case json::Json::value_t::number_float:
      AppendFloat(out, value.get<double>());
      return;
    case json::Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ',';
        first = false;
        AppendValue(out, element);
      }
      out += ']';
      return;
    }
    case json::Json::value_t::object:
      AppendObject(out, value);
      return;
    case json::Json::value_t::binary:
      out += "null";  // never produced by our readers
      return;
  }
}

}  // namespace

void AppendString(std::string& out, std::string_view s) {
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '<':
        case '>':
        case '&':
          AppendUnicodeEscape(out, c);
          break;
        default:
          if (c < 0x20) {
            AppendUnicodeEscape(out, c);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    std::size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    // U+2028 and U+2029 are E2 80 A8 / E2 80 A9.
    if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
      AppendUnicodeEscape(out, 0x2028u + (static_cast<unsigned char>(s[i + 2]) & 1u));
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out += '"';
}

void AppendFloat(std::string& out, double value) {
  if (!std::isfinite(value)) {  // Go refuses to encode these; never produced here.
    out += "null";
    return;
  }
  char buf[64];
  double abs = std::fabs(value);
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
    // Go: strconv 'e' format with the shortest digits, then "e-07" becomes "e-7".
    auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string text(buf, r.ptr);
    auto e = text.find('e');
    if (e != std::string::npos && e + 2 < text.size() && text[e + 2] == '0' &&
        text.size() - e == 4) {
      text.erase(e + 2, 1);
    }
    out += text;
    return;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  out.append(buf, r.ptr);
}

std::string Encode(const json::Json& value) {
  std::string out;
  AppendValue(out, value);
  return out;
}

std::string& ObjectWriter::Field(std::string_view name) {
  if (!first_) out_ += ',';
  first_ = false;
  AppendString(out_, name);
  out_ += ':';
  return out_;
}

void ObjectWriter::String(std::string_view name, std::string_view value) {
  AppendString(Field(name), value);
}

void ObjectWriter::Int(std::string_view name, long long value) {
  Field(name) += std::to_string(value);
}

void ObjectWriter::Float(std::string_view name, double value) {
  AppendFloat(Field(name), value);
}

void ObjectWriter::Raw(std::string_view name, std::string_view encoded) {
  Field(name).append(encoded);
}

std::string ObjectWriter::Finish() {
  out_ += '}';
  return std::move(out_);
}

}  // namespace ec::trivy::gojson
