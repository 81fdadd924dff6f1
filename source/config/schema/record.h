#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "source/config/schema/entity_check.h"
#include "source/config/schema/field.h"

namespace portico::config::schema {

// An ordered set of named fields with Kong's record semantics: unknown keys are errors, absent
// fields take their defaults, deprecated shorthand aliases are folded into their replacement, and
// entity checks run over the whole record.
class Record {
 public:
  Record& add(std::string name, Field field);
  // A deprecated flat alias (Kong's shorthand_fields with `deprecation`): its value, checked
  // against `field`, moves to `target` (a path inside this record) unless `target` already holds a
  // value; a different value there is an error.
  Record& addShorthand(std::string name, Field field, std::vector<std::string> target);
  Record& addCheck(EntityCheck check);

  // Fills defaults into `object` (a JSON object) and validates it. Returns Kong's error tree, keyed
  // by field name plus `@entity` for entity-check messages, or null.
  nlohmann::json validate(nlohmann::json& object) const;

  // The schema of the field at a dotted path through nested records, or nullptr.
  const Field* find(std::string_view dotted_path) const;

 private:
  struct Shorthand {
    std::string name;
    Field field;
    std::vector<std::string> target;
  };

  // Folds shorthand values into their targets, before defaults are filled, and returns the
  // shorthands' own errors. Shorthand keys never stay in the object.
  nlohmann::json applyShorthands(nlohmann::json& object) const;
  const Field* findField(std::string_view name) const;

  std::vector<std::pair<std::string, Field>> fields_;
  std::vector<Shorthand> shorthands_;
  std::vector<EntityCheck> checks_;
};

}  // namespace portico::config::schema
