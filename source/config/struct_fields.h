#pragma once

#include <optional>
#include <string>

#include "google/protobuf/struct.pb.h"

namespace portico::config {

// Typed reads of a plugin's config record after its schema validated it and filled in defaults,
// so a missing or mistyped field can only mean "unset" (JSON null).

// The field's value, or nullptr when it is absent or null.
const google::protobuf::Value* structField(const google::protobuf::Struct& record,
                                           const char* name);
std::string stringOr(const google::protobuf::Struct& record, const char* name,
                     std::string fallback);
double numberOr(const google::protobuf::Struct& record, const char* name, double fallback);
bool boolOr(const google::protobuf::Struct& record, const char* name, bool fallback);
std::optional<std::string> optionalString(const google::protobuf::Struct& record, const char* name);
std::optional<double> optionalNumber(const google::protobuf::Struct& record, const char* name);

}  // namespace portico::config
