#include "source/config/schema/record.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "source/config/schema/json_util.h"

namespace portico::config::schema {

Record& Record::add(std::string name, Field field) {
  fields_.emplace_back(std::move(name), std::move(field));
  return *this;
}

Record& Record::addShorthand(std::string name, Field field, std::vector<std::string> target) {
  shorthands_.push_back({std::move(name), std::move(field), std::move(target)});
  return *this;
}

Record& Record::addCheck(EntityCheck check) {
  checks_.push_back(std::move(check));
  return *this;
}

nlohmann::json Record::validate(nlohmann::json& object) const {
  nlohmann::json errors = applyShorthands(object);
  for (const auto& [name, field] : fields_) {
    if (!object.contains(name)) {
      object[name] = field.missingValue();
    }
  }
  for (auto& [name, value] : object.items()) {
    const Field* field = findField(name);
    nlohmann::json error =
        field == nullptr ? nlohmann::json("unknown field") : field->validate(value);
    if (!error.is_null()) {
      errors[name] = std::move(error);
    }
  }
  for (const EntityCheck& check : checks_) {
    check.run(*this, object, errors);
  }
  return errors.empty() ? nlohmann::json() : errors;
}

nlohmann::json Record::applyShorthands(nlohmann::json& object) const {
  nlohmann::json errors = nlohmann::json::object();
  for (const Shorthand& shorthand : shorthands_) {
    auto it = object.find(shorthand.name);
    if (it == object.end()) {
      continue;
    }
    nlohmann::json value = std::move(*it);
    object.erase(it);
    nlohmann::json error = shorthand.field.validate(value);
    if (!error.is_null()) {
      errors[shorthand.name] = std::move(error);
      continue;
    }
    const nlohmann::json* current = findPath(object, shorthand.target);
    const bool target_set = current != nullptr && !current->is_null();
    if (target_set && !value.is_null() && *current != value) {
      errors[shorthand.name] = absl::StrCat(
          "both deprecated and new field are used but their values mismatch: ", shorthand.name,
          " = ", displayValue(value), " vs ", absl::StrJoin(shorthand.target, "."), " = ",
          displayValue(*current));
    } else if (!target_set) {
      assignPath(object, shorthand.target, std::move(value));
    }
  }
  return errors;
}

const Field* Record::find(std::string_view dotted_path) const {
  const Record* record = this;
  const Field* field = nullptr;
  for (const std::string& name : splitPath(dotted_path)) {
    if (record == nullptr) {
      return nullptr;
    }
    field = record->findField(name);
    if (field == nullptr) {
      return nullptr;
    }
    record = field->recordSchema();
  }
  return field;
}

const Field* Record::findField(std::string_view name) const {
  for (const auto& [field_name, field] : fields_) {
    if (field_name == name) {
      return &field;
    }
  }
  return nullptr;
}

}  // namespace portico::config::schema
