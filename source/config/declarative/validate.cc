#include "source/config/declarative/validate.h"

#include "source/config/declarative/entity_types.h"
#include "source/config/declarative/schema.h"

namespace portico::config::declarative {
namespace {

nlohmann::json validateEntityArray(nlohmann::json& items, const EntityType& type,
                                   const std::string& parent_key);

nlohmann::json validateEntity(nlohmann::json& record, const EntityType& type,
                              const std::string& parent_key) {
  if (!record.is_object()) {
    return messages::kExpectedRecord;
  }
  Placement placement{parent_key, {}};
  for (const auto& child : type.children) {
    placement.child_keys.insert(child.type);
  }
  nlohmann::json errors = type.validate(record, placement);
  for (const auto& child : type.children) {
    auto items = record.find(child.type);
    if (items == record.end() || items->is_null()) {
      continue;
    }
    nlohmann::json child_errors =
        validateEntityArray(*items, *findEntityType(child.type), child.foreign_key);
    if (!child_errors.is_null()) {
      errors[child.type] = std::move(child_errors);
    }
  }
  return errors.empty() ? nlohmann::json() : errors;
}

nlohmann::json validateEntityArray(nlohmann::json& items, const EntityType& type,
                                   const std::string& parent_key) {
  if (!items.is_array()) {
    return messages::kExpectedArray;
  }
  nlohmann::json errors;
  for (size_t i = 0; i < items.size(); ++i) {
    nlohmann::json error = validateEntity(items[i], type, parent_key);
    if (!error.is_null()) {
      setIndexError(errors, i, std::move(error));
    }
  }
  return errors;
}

void validateFormatVersion(const nlohmann::json& root, nlohmann::json& errors) {
  auto version = root.find("_format_version");
  if (version == root.end() || version->is_null()) {
    errors["_format_version"] = messages::kRequired;
  } else if (!version->is_string()) {
    errors["_format_version"] = messages::kExpectedString;
  } else if (*version != "1.1" && *version != "2.1" && *version != "3.0") {
    errors["_format_version"] = "expected one of: 1.1, 2.1, 3.0";
  }
}

}  // namespace

nlohmann::json validateConfig(nlohmann::json& root) {
  nlohmann::json errors = nlohmann::json::object();
  validateFormatVersion(root, errors);
  for (auto& [key, value] : root.items()) {
    if (key == "_format_version") {
      continue;
    }
    if (key == "_transform") {
      if (!value.is_boolean() && !value.is_null()) {
        errors[key] = messages::kExpectedBoolean;
      }
    } else if (key == "_comment") {
      if (!value.is_string() && !value.is_null()) {
        errors[key] = messages::kExpectedString;
      }
    } else if (key == "_ignore" || isIgnoredEntityKey(key)) {
      if (!value.is_array() && !value.is_null()) {
        errors[key] = messages::kExpectedArray;
      }
    } else if (const EntityType* type = findEntityType(key)) {
      if (!value.is_null()) {
        nlohmann::json entity_errors = validateEntityArray(value, *type, "");
        if (!entity_errors.is_null()) {
          errors[key] = std::move(entity_errors);
        }
      }
    } else {
      errors[key] = messages::kUnknownField;
    }
  }
  if (!root.contains("_transform") || root["_transform"].is_null()) {
    root["_transform"] = true;
  }
  return errors;
}

}  // namespace portico::config::declarative
