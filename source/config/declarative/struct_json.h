#pragma once

#include <google/protobuf/struct.pb.h>

#include "nlohmann/json.hpp"

namespace portico::config::declarative {

// JSON <-> google.protobuf.Struct/ListValue/Value. Numbers that are whole render back as JSON
// integers, so a plugin's `minute: 5` stays `5` in the Admin API.
google::protobuf::Value toValue(const nlohmann::json& json);
google::protobuf::Struct toStruct(const nlohmann::json& object);
google::protobuf::ListValue toListValue(const nlohmann::json& array);

nlohmann::json fromValue(const google::protobuf::Value& value);
nlohmann::json fromStruct(const google::protobuf::Struct& object);
nlohmann::json fromListValue(const google::protobuf::ListValue& list);

}  // namespace portico::config::declarative
