#include "trivy/sources/document.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>

#include "trivy/sources/limits.h"

namespace ec::trivy {
namespace {

// Deepest [ / { nesting of a JSON text, ignoring brackets inside strings. Checked before
// nlohmann builds the DOM so that a hostile document cannot nest without bound.
int JsonNestingDepth(std::string_view text) {
  int depth = 0;
  int max_depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

struct YamlConversion {
  std::size_t nodes = 0;
  std::string error;

  bool Convert(const YAML::Node& node, int depth, json::Json& out) {
    if (++nodes > kMaxYamlNodes) {
      error = StrCat("more than ", kMaxYamlNodes, " nodes");
      return false;
    }
    if (depth > kMaxDocumentNesting) {
      error = StrCat("nesting deeper than ", kMaxDocumentNesting, " levels");
      return false;
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out = nullptr;
        return true;
      case YAML::NodeType::Scalar:
        out = node.Scalar();
        return true;
      case YAML::NodeType::Sequence:
        out = json::Json::array();
        for (const auto& element : node) {
          json::Json converted;
          if (!Convert(element, depth + 1, converted)) return false;
          out.push_back(std::move(converted));
        }
        return true;
      case YAML::NodeType::Map:
        out = json::Json::object();
        for (const auto& member : node) {
          if (!member.first.IsScalar()) {
            error = "mapping key is not a scalar";
            return false;
          }
          json::Json converted;
          if (!Convert(member.second, depth + 1, converted)) return false;
          out[member.first.Scalar()] = std::move(converted);
        }
        return true;
    }
    out = nullptr;
    return true;
  }
};

}  // namespace

Syntax SyntaxForPath(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  return (ext == ".yaml" || ext == ".yml") ? Syntax::kYaml : Syntax::kJson;
}

Result<std::string> ReadAdvisoryFile(const std::filesystem::path& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return InvalidArgument(StrCat(path.string(), ": cannot read: ", ec.message()));
  if (size > kMaxAdvisoryFileBytes) {
    return InvalidArgument(StrCat(path.string(), ": file is ", size, " bytes, larger than the ",
                                  kMaxAdvisoryFileBytes, "-byte limit"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(StrCat(path.string(), ": cannot open for reading"));
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::size_t>(in.gcount()) != size) {
    return InvalidArgument(StrCat(path.string(), ": short read (file changed while reading?)"));
  }
  return bytes;
}

Result<json::Json> ParseDocument(std::string_view text, Syntax syntax, std::string_view what) {
  if (syntax == Syntax::kJson) {
    if (JsonNestingDepth(text) > kMaxDocumentNesting) {
      return InvalidArgument(
          StrCat(what, ": nesting deeper than ", kMaxDocumentNesting, " levels"));
    }
    return json::Parse(text, what);
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(StrCat(what, ": not valid YAML: ", e.what()));
  }
  YamlConversion conversion;
  json::Json out;
  try {
    if (!conversion.Convert(root, 1, out)) {
      return InvalidArgument(StrCat(what, ": ", conversion.error));
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(StrCat(what, ": not valid YAML: ", e.what()));
  }
  return out;
}

}  // namespace ec::trivy
