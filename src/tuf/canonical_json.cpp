#include "tuf/canonical_json.h"

namespace ec::tuf {
namespace {


void AppendString(std::string_view s, std::string& out) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

// `pointer` is the JSON Pointer of `value`; built up only as deep as the recursion goes.
Status Append(const json::Json& value, std::string& pointer, std::string_view what,
              std::string& out) {
  using T = json::Json::value_t;
  switch (value.type()) {
    case T::null:
      out += "null";
      return OkStatus();
    case T::boolean:
      out += value.get<bool>() ? "true" : "false";
      return OkStatus();
    case T::number_integer:
      out += std::to_string(value.get<std::int64_t>());
      return OkStatus();
    case T::number_unsigned:
      out += std::to_string(value.get<std::uint64_t>());
      return OkStatus();
    case T::string:
      AppendString(value.get_ref<const std::string&>(), out);
      return OkStatus();
    case T::number_float:
      return InvalidArgument(StrCat(what, ": ", pointer.empty() ? "/" : pointer, ": number ",
                                    value.dump(),
                                    " is not an integer; TUF canonical JSON "
                                    "allows integers only"));
    case T::binary:
    case T::discarded:
      return InvalidArgument(
          StrCat(what, ": ", pointer.empty() ? "/" : pointer, ": not a JSON value"));
    case T::array: {
      out.push_back('[');
      std::size_t index = 0;
      for (const json::Json& item : value) {
        if (index > 0) out.push_back(',');
        const std::size_t mark = pointer.size();
        pointer += "/" + std::to_string(index++);
        EC_RETURN_IF_ERROR(Append(item, pointer, what, out));
        pointer.resize(mark);
      }
      out.push_back(']');
      return OkStatus();
    }
    case T::object: {
      out.push_back('{');
      bool first = true;
      // nlohmann::json's object is a std::map<std::string, ...>: already in byte order.
      for (const auto& [name, item] : value.items()) {
        if (!first) out.push_back(',');
        first = false;
        AppendString(name, out);
        out.push_back(':');
        const std::size_t mark = pointer.size();
        pointer += "/" + json::PointerToken(name);
        EC_RETURN_IF_ERROR(Append(item, pointer, what, out));
        pointer.resize(mark);
      }
      out.push_back('}');
      return OkStatus();
    }
  }
  return Internal(StrCat(what, ": unknown JSON value type"));
}

}  // namespace

Result<std::string> CanonicalJson(const json::Json& value, std::string_view what,
                                  std::string_view pointer) {
  std::string out;
  std::string path(pointer);
  EC_RETURN_IF_ERROR(Append(value, path, what, out));
  return out;
}

}  // namespace ec::tuf
