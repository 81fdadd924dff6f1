#include "source/config/declarative/common_fields.h"
#include "source/config/declarative/entity_schemas.h"

namespace portico::config::declarative {

nlohmann::json validateConsumer(nlohmann::json& consumer, const Placement& placement) {
  nlohmann::json errors = checkFields(consumer,
                                      {
                                          idField(),
                                          timestampField("created_at"),
                                          timestampField("updated_at"),
                                          Field{"username", stringCheck()},
                                          Field{"custom_id", stringCheck()},
                                          tagsField(),
                                      },
                                      placement.child_keys);
  if (!errors.contains("username") && !errors.contains("custom_id") &&
      !isSet(consumer, "username") && !isSet(consumer, "custom_id")) {
    addEntityError(errors,
                   "at least one of these fields must be non-empty: 'custom_id', 'username'");
  }
  return errors;
}

}  // namespace portico::config::declarative
