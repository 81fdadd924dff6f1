#include "source/config/declarative/record_fields.h"

namespace portico::config::declarative {

bool recordHas(const nlohmann::json& record, const char* field) {
  auto it = record.find(field);
  return it != record.end() && !it->is_null();
}

std::string recordText(const nlohmann::json& record, const char* field) {
  return recordHas(record, field) ? record[field].get<std::string>() : std::string();
}

}  // namespace portico::config::declarative
