#include "sign/json_fields.h"

namespace ec::sign::internal {
namespace {

std::string_view TypeName(json::Json::value_t type) {
  switch (type) {
    case json::Json::value_t::object:
      return "object";
    case json::Json::value_t::array:
      return "array";
    case json::Json::value_t::string:
      return "string";
    case json::Json::value_t::boolean:
      return "boolean";
    case json::Json::value_t::null:
      return "null";
    case json::Json::value_t::number_integer:
    case json::Json::value_t::number_unsigned:
    case json::Json::value_t::number_float:
      return "number";
    default:
      return "non-JSON value";
  }
}

}  // namespace

Status RequireObject(const json::Json& value, std::string_view what) {
  if (value.is_object()) return OkStatus();
  return InvalidArgument(StrCat(what, ": got ", TypeName(value.type()), ", want object"));
}

const json::Json* Find(const json::Json& object, std::string_view name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<const json::Json*> Required(const json::Json& object, std::string_view name,
                                   json::Json::value_t type, std::string_view what) {
  const json::Json* member = Find(object, name);
  if (member == nullptr) {
    return InvalidArgument(StrCat(what, ": required field \"", name, "\" is missing"));
  }
  if (member->type() != type) {
    return InvalidArgument(StrCat(what, ": field \"", name, "\": got ", TypeName(member->type()),
                                  ", want ", TypeName(type)));
  }
  return member;
}

Result<std::string> RequiredString(const json::Json& object, std::string_view name,
                                   std::string_view what) {
  EC_ASSIGN_OR_RETURN(const json::Json* member,
                      Required(object, name, json::Json::value_t::string, what));
  return member->get<std::string>();
}

Result<std::string> OptionalString(const json::Json& object, std::string_view name,
                                   std::string_view what) {
  if (Find(object, name) == nullptr) return std::string();
  return RequiredString(object, name, what);
}

}  // namespace ec::sign::internal
