#include "source/config/struct_fields.h"

namespace portico::config {

using google::protobuf::Struct;
using google::protobuf::Value;

const Value* structField(const Struct& record, const char* name) {
  auto it = record.fields().find(name);
  if (it == record.fields().end() || it->second.kind_case() == Value::kNullValue) {
    return nullptr;
  }
  return &it->second;
}

std::string stringOr(const Struct& record, const char* name, std::string fallback) {
  std::optional<std::string> value = optionalString(record, name);
  return value ? std::move(*value) : std::move(fallback);
}

double numberOr(const Struct& record, const char* name, double fallback) {
  return optionalNumber(record, name).value_or(fallback);
}

bool boolOr(const Struct& record, const char* name, bool fallback) {
  const Value* value = structField(record, name);
  return value != nullptr && value->kind_case() == Value::kBoolValue ? value->bool_value()
                                                                     : fallback;
}

std::optional<std::string> optionalString(const Struct& record, const char* name) {
  const Value* value = structField(record, name);
  if (value == nullptr || value->kind_case() != Value::kStringValue) {
    return std::nullopt;
  }
  return value->string_value();
}

std::optional<double> optionalNumber(const Struct& record, const char* name) {
  const Value* value = structField(record, name);
  if (value == nullptr || value->kind_case() != Value::kNumberValue) {
    return std::nullopt;
  }
  return value->number_value();
}

}  // namespace portico::config
