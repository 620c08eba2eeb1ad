#include "json/yaml.h"

#include <yaml-cpp/yaml.h>

#include <vector>

namespace ec::json {
namespace {

std::string Child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : StrCat(path, ".", key);
}

struct YamlBudget {
  std::size_t nodes = 0;
};

Result<Json> YamlToJson(const YAML::Node& node, const std::string& path, int depth,
                        YamlBudget& budget) {
  if (++budget.nodes > kMaxYamlNodes) {
    return InvalidArgument(StrCat("more than ", kMaxYamlNodes, " YAML nodes (kMaxYamlNodes)"));
  }
  if (depth > kMaxYamlDepth) {
    return InvalidArgument(StrCat(path, ": nested deeper than ", kMaxYamlDepth, " levels"));
  }
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Json(nullptr);
    case YAML::NodeType::Scalar:
      // Every scalar is a string: YAML's implicit typing is not applied.
      return Json(node.Scalar());
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      std::size_t i = 0;
      for (const YAML::Node& item : node) {
        EC_ASSIGN_OR_RETURN(Json value,
                            YamlToJson(item, StrCat(path, "[", i++, "]"), depth + 1, budget));
        out.push_back(std::move(value));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar()) {
          return InvalidArgument(StrCat(path.empty() ? "document" : path,
                                        ": got a non-scalar key, want a string"));
        }
        const std::string& key = it->first.Scalar();
        std::string child = Child(path, key);
        if (out.contains(key)) return InvalidArgument(StrCat(child, ": duplicate key"));
        EC_ASSIGN_OR_RETURN(Json value, YamlToJson(it->second, child, depth + 1, budget));
        out[key] = std::move(value);
      }
      return out;
    }
  }
  return Internal("unknown YAML node type");
}

}  // namespace

Result<Json> ParseYaml(std::string_view bytes, std::string_view what) {
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(bytes));
    if (docs.empty()) return Json(nullptr);  // an empty file: reported as "got null"
    if (docs.size() != 1) {
      return InvalidArgument(
          StrCat(what, ": got ", docs.size(), " YAML documents, want exactly 1"));
    }
    YamlBudget budget;
    Result<Json> value = YamlToJson(docs[0], "", 0, budget);
    if (!value.ok()) return value.status().WithPrefix(what);
    return value;
  } catch (const YAML::Exception& e) {
    return InvalidArgument(StrCat(what, ": not valid YAML: line ", e.mark.line + 1, ", column ",
                                  e.mark.column + 1, ": ", e.msg));
  } catch (const std::exception& e) {
    return InvalidArgument(StrCat(what, ": not valid YAML: ", e.what()));
  }
}

}  // namespace ec::json
