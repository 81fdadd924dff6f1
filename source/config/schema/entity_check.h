#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace portico::config::schema {

class Record;

// Kong's `if_match` / `then_match` tables of a conditional check: constraints layered over the
// schema of the field they test.
struct Match {
  std::optional<nlohmann::json> eq;
  std::optional<double> gt;
  std::optional<std::string> contains;
  bool required = false;
};

// Looks at the whole record a custom check is declared on; returns the `@entity` message on
// failure.
using CustomCheck = std::function<std::optional<std::string>(const nlohmann::json& entity)>;

// One of Kong's cross-field entity checks (kong/db/schema/init.lua `entity_checkers`). Field names
// are dotted paths from the record that declares the check, e.g. "config.minute".
class EntityCheck {
 public:
  static EntityCheck atLeastOneOf(std::vector<std::string> fields);
  static EntityCheck mutuallyRequired(std::vector<std::string> fields);
  static EntityCheck conditional(std::string if_field, Match if_match, std::string then_field,
                                 Match then_match);
  static EntityCheck custom(std::vector<std::string> field_sources, CustomCheck check);

  // Runs the check over `entity` (validated against `record`, defaults filled) and adds its
  // failures to `errors`: the message to the `@entity` array and, for a conditional, the failing
  // field's own message at that field's path.
  void run(const Record& record, const nlohmann::json& entity, nlohmann::json& errors) const;

 private:
  enum class Kind { kAtLeastOneOf, kMutuallyRequired, kConditional, kCustom };

  EntityCheck(Kind kind, std::vector<std::string> fields);

  // Kong skips a check whose required fields are missing (nil, not null) unless the checker runs
  // with missing fields, and some checkers skip entities whose fields already failed.
  bool runsWithMissingFields() const;
  bool runsWithInvalidFields() const;
  bool isRequiredField(const std::string& name) const;

  std::optional<std::string> evaluate(const Record& record, const nlohmann::json& entity,
                                      nlohmann::json& errors) const;
  std::optional<std::string> evaluateConditional(const Record& record, const nlohmann::json& entity,
                                                 nlohmann::json& errors) const;

  Kind kind_;
  std::vector<std::string> fields_;
  Match if_match_;
  Match then_match_;
  CustomCheck custom_;
};

}  // namespace portico::config::schema
