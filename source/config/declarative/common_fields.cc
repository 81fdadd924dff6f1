#include "source/config/declarative/common_fields.h"

namespace portico::config::declarative {

Field idField() { return Field{"id", uuidCheck()}; }

Field timestampField(std::string name) { return Field{std::move(name), integerCheck()}; }

Field tagsField() { return Field{"tags", tagsCheck()}; }

Field foreignField(std::string name, bool nested, bool required) {
  Field field{std::move(name), [](const nlohmann::json& value) -> nlohmann::json {
                if (value.is_object()) {
                  return nullptr;
                }
                return stringCheck()(value);
              }};
  field.required = required && !nested;
  field.must_be_null = nested;
  return field;
}

bool isSet(const nlohmann::json& record, const std::string& field) {
  auto it = record.find(field);
  if (it == record.end() || it->is_null()) {
    return false;
  }
  return !((it->is_array() || it->is_object()) && it->empty());
}

}  // namespace portico::config::declarative
