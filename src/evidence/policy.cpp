#include "evidence/policy.h"

#include <array>
#include <initializer_list>
#include <utility>

#include "json/parse.h"
#include "json/yaml.h"

namespace ec::evidence {
namespace {

using json::Json;


std::string Join(std::initializer_list<std::string_view> words) {
  std::string out;
  for (std::string_view w : words) out += out.empty() ? std::string(w) : StrCat("|", w);
  return out;
}

std::string Child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : StrCat(path, ".", key);
}

// What a value is, for "got …": scalars verbatim (strings quoted), containers by kind.
std::string Describe(const Json& v) {
  if (v.is_object()) return "a mapping";
  if (v.is_array()) return "a list";
  std::string text = v.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 80) text = StrCat(text.substr(0, 77), "...");
  return text;
}

// JSON when the first non-blank character opens an object; YAML otherwise.
bool LooksLikeJson(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  for (char c : bytes) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{';
  }
  return false;
}

// Validation over the document as JSON, whatever it was written in. Errors carry the key path;
// ParsePolicyPack prefixes `what`.
class Validator {
 public:
  Status Error(const std::string& path, const Json& got, std::string_view want) const {
    return InvalidArgument(StrCat(path, ": got ", Describe(got), ", want ", want));
  }

  Status Object(const Json& v, const std::string& path,
                std::initializer_list<std::string_view> allowed) const {
    if (!v.is_object()) return Error(path.empty() ? "document" : path, v, "a mapping");
    for (const auto& item : v.items()) {
      const std::string& key = item.key();
      bool known = false;
      for (std::string_view a : allowed) known = known || key == a;
      if (!known) {
        return InvalidArgument(StrCat(Child(path, key), ": unknown key, want ", Join(allowed)));
      }
    }
    return OkStatus();
  }

  Result<std::string> String(const Json& v, const std::string& path, std::string_view want) const {
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) return Error(path, v, want);
    return v.get<std::string>();
  }

  Status Exact(const Json& obj, std::string_view key, std::string_view value) const {
    std::string want = StrCat("\"", value, "\"");
    if (!obj.contains(key)) return InvalidArgument(StrCat(key, ": missing, want ", want));
    const Json& v = obj.at(key);
    if (!v.is_string() || v.get_ref<const std::string&>() != value) {
      return Error(std::string(key), v, want);
    }
    return OkStatus();
  }

  Result<Action> ActionValue(const Json& v, const std::string& path) const {
    if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      if (s == "allow") return Action::kAllow;
      if (s == "warn") return Action::kWarn;
      if (s == "deny") return Action::kDeny;
    }
    return Error(path, v, "allow|warn|deny");
  }

  // Sets `out` when `key` is present in `obj`.
  Status OptionalAction(const Json& obj, const std::string& path, std::string_view key,
                        std::optional<Action>& out) const {
    if (!obj.contains(key)) return OkStatus();
    EC_ASSIGN_OR_RETURN(out, ActionValue(obj.at(key), Child(path, key)));
    return OkStatus();
  }

  Status Globs(const Json& obj, const std::string& path, std::string_view key, bool purl,
               std::vector<std::string>& out) const {
    if (!obj.contains(key)) return OkStatus();
    std::string list_path = Child(path, key);
    const Json& list = obj.at(key);
    if (!list.is_array()) return Error(list_path, list, "a list of globs");
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string item_path = StrCat(list_path, "[", i, "]");
      const Json& item = list[i];
      if (purl) {
        if (!item.is_string() || !item.get_ref<const std::string&>().starts_with("pkg:")) {
          return Error(item_path, item, "a purl glob starting with \"pkg:\"");
        }
        out.push_back(item.get<std::string>());
      } else {
        EC_ASSIGN_OR_RETURN(std::string glob, String(item, item_path, "a non-empty glob"));
        out.push_back(std::move(glob));
      }
    }
    return OkStatus();
  }

  Status List(const Json& rules, std::string_view key, MatchList& out) const {
    if (!rules.contains(key)) return OkStatus();
    std::string path = Child("rules", key);
    const Json& v = rules.at(key);
    EC_RETURN_IF_ERROR(Object(v, path, {"purls", "vulnerabilities"}));
    EC_RETURN_IF_ERROR(Globs(v, path, "purls", true, out.purls));
    return Globs(v, path, "vulnerabilities", false, out.vulnerabilities);
  }

  Status Rules(const Json& rules, PolicyPack& pack) const {
    EC_RETURN_IF_ERROR(Object(rules, "rules",
                              {"severityThreshold", "vex", "fixAvailability", "allow", "deny"}));
    if (rules.contains("severityThreshold")) {
      const Json& v = rules.at("severityThreshold");
      std::optional<Severity> s;
      if (v.is_string()) s = ParseSeverity(v.get_ref<const std::string&>());
      if (!s) {
        return Error("rules.severityThreshold", v, Join({"critical", "high", "medium", "low",
                                                          "none"}));
      }
      if (*s != Severity::kNone) pack.severity_threshold = s;
    }
    if (rules.contains("vex")) {
      const Json& vex = rules.at("vex");
      EC_RETURN_IF_ERROR(Object(vex, "rules.vex", {"notAffected", "fixed", "underInvestigation"}));
      EC_RETURN_IF_ERROR(OptionalAction(vex, "rules.vex", "notAffected", pack.vex_not_affected));
      EC_RETURN_IF_ERROR(OptionalAction(vex, "rules.vex", "fixed", pack.vex_fixed));
      EC_RETURN_IF_ERROR(
          OptionalAction(vex, "rules.vex", "underInvestigation", pack.vex_under_investigation));
    }
    if (rules.contains("fixAvailability")) {
      const Json& fix = rules.at("fixAvailability");
      EC_RETURN_IF_ERROR(Object(fix, "rules.fixAvailability", {"noFix"}));
      EC_RETURN_IF_ERROR(OptionalAction(fix, "rules.fixAvailability", "noFix", pack.no_fix));
    }
    EC_RETURN_IF_ERROR(List(rules, "allow", pack.allow));
    return List(rules, "deny", pack.deny);
  }

  Result<PolicyPack> Pack(const Json& doc) const {
    EC_RETURN_IF_ERROR(Object(doc, "", {"apiVersion", "kind", "metadata", "rules"}));
    EC_RETURN_IF_ERROR(Exact(doc, "apiVersion", kPolicyApiVersion));
    EC_RETURN_IF_ERROR(Exact(doc, "kind", kPolicyKind));
    PolicyPack pack;
    if (!doc.contains("metadata")) return InvalidArgument("metadata: missing, want a mapping");
    const Json& meta = doc.at("metadata");
    EC_RETURN_IF_ERROR(Object(meta, "metadata", {"name", "description"}));
    if (!meta.contains("name")) {
      return InvalidArgument("metadata.name: missing, want a non-empty string");
    }
    EC_ASSIGN_OR_RETURN(pack.name, String(meta.at("name"), "metadata.name", "a non-empty string"));
    if (meta.contains("description")) {
      const Json& d = meta.at("description");
      if (!d.is_string()) return Error("metadata.description", d, "a string");
      pack.description = d.get<std::string>();
    }
    if (!doc.contains("rules")) return InvalidArgument("rules: missing, want a mapping");
    EC_RETURN_IF_ERROR(Rules(doc.at("rules"), pack));
    return pack;
  }
};


}  // namespace

const char* ActionName(Action action) {
  switch (action) {
    case Action::kAllow:
      return "allow";
    case Action::kWarn:
      return "warn";
    case Action::kDeny:
      return "deny";
  }
  return "deny";
}

const char* SeverityName(Severity severity) {
  static constexpr std::array<const char*, 5> kNames = {"none", "low", "medium", "high",
                                                        "critical"};
  return kNames[static_cast<std::size_t>(severity)];
}

std::optional<Severity> ParseSeverity(std::string_view word) {
  for (int i = 0; i <= static_cast<int>(Severity::kCritical); ++i) {
    auto s = static_cast<Severity>(i);
    if (word == SeverityName(s)) return s;
  }
  return std::nullopt;
}

Result<PolicyPack> ParsePolicyPack(std::string_view bytes, std::string_view what) {
  Json doc;
  if (LooksLikeJson(bytes)) {
    EC_ASSIGN_OR_RETURN(doc, json::Parse(bytes, what));
  } else {
    EC_ASSIGN_OR_RETURN(doc, json::ParseYaml(bytes, what));
  }
  Result<PolicyPack> pack = Validator().Pack(doc);
  if (!pack.ok()) return pack.status().WithPrefix(what);
  return pack;
}

}  // namespace ec::evidence
