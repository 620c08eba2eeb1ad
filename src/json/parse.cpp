#include "json/parse.h"

namespace ec::json {

Result<Json> Parse(std::string_view text, std::string_view what) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 2: ...".
    std::string detail = e.what();
    auto pos = detail.find("] ");
    if (pos != std::string::npos) detail = detail.substr(pos + 2);
    return InvalidArgument(StrCat(what, ": not valid JSON: ", detail));
  }
}

std::string Compact(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::strict);
}

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

}  // namespace ec::json
