#include "source/config/declarative/struct_json.h"

#include <cmath>
#include <cstdint>

namespace portico::config::declarative {

google::protobuf::Value toValue(const nlohmann::json& json) {
  google::protobuf::Value value;
  if (json.is_null()) {
    value.set_null_value(google::protobuf::NULL_VALUE);
  } else if (json.is_boolean()) {
    value.set_bool_value(json.get<bool>());
  } else if (json.is_number()) {
    value.set_number_value(json.get<double>());
  } else if (json.is_string()) {
    value.set_string_value(json.get<std::string>());
  } else if (json.is_array()) {
    *value.mutable_list_value() = toListValue(json);
  } else if (json.is_object()) {
    *value.mutable_struct_value() = toStruct(json);
  }
  return value;
}

google::protobuf::Struct toStruct(const nlohmann::json& object) {
  google::protobuf::Struct result;
  for (const auto& [key, item] : object.items()) {
    (*result.mutable_fields())[key] = toValue(item);
  }
  return result;
}

google::protobuf::ListValue toListValue(const nlohmann::json& array) {
  google::protobuf::ListValue result;
  for (const auto& item : array) {
    *result.add_values() = toValue(item);
  }
  return result;
}

nlohmann::json fromValue(const google::protobuf::Value& value) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kBoolValue:
      return value.bool_value();
    case google::protobuf::Value::kNumberValue: {
      double number = value.number_value();
      if (std::isfinite(number) && std::floor(number) == number && std::fabs(number) < 9.0e15) {
        return static_cast<int64_t>(number);
      }
      return number;
    }
    case google::protobuf::Value::kStringValue:
      return value.string_value();
    case google::protobuf::Value::kListValue:
      return fromListValue(value.list_value());
    case google::protobuf::Value::kStructValue:
      return fromStruct(value.struct_value());
    default:
      return nullptr;
  }
}

nlohmann::json fromStruct(const google::protobuf::Struct& object) {
  nlohmann::json result = nlohmann::json::object();
  for (const auto& [key, item] : object.fields()) {
    result[key] = fromValue(item);
  }
  return result;
}

nlohmann::json fromListValue(const google::protobuf::ListValue& list) {
  nlohmann::json result = nlohmann::json::array();
  for (const auto& item : list.values()) {
    result.push_back(fromValue(item));
  }
  return result;
}

}  // namespace portico::config::declarative
