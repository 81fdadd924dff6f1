#pragma once

#include <string>

#include "nlohmann/json.hpp"

namespace portico::config::declarative {

// Reading a validated entity record: a field is present when set and not null.
bool recordHas(const nlohmann::json& record, const char* field);
// A present string field, else "".
std::string recordText(const nlohmann::json& record, const char* field);

}  // namespace portico::config::declarative
