#include "source/config/declarative/common_fields.h"
#include "source/config/declarative/entity_schemas.h"

namespace portico::config::declarative {
namespace {

// Built once, not per consumer.
const std::vector<Field>& consumerFields() {
  static const std::vector<Field> fields = {
      idField(),
      timestampField("created_at"),
      timestampField("updated_at"),
      Field{"username", stringCheck()},
      Field{"custom_id", stringCheck()},
      tagsField(),
  };
  return fields;
}

}  // namespace

nlohmann::json validateConsumer(nlohmann::json& consumer, const Placement& placement) {
  nlohmann::json errors = checkFields(consumer, consumerFields(), placement.child_keys);
  if (!errors.contains("username") && !errors.contains("custom_id") &&
      !isSet(consumer, "username") && !isSet(consumer, "custom_id")) {
    addEntityError(errors,
                   "at least one of these fields must be non-empty: 'custom_id', 'username'");
  }
  return errors;
}

}  // namespace portico::config::declarative
