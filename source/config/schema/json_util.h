#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"

namespace portico::config::schema {

// Splits a dotted field path ("config.redis.host") into its names.
std::vector<std::string> splitPath(std::string_view dotted);

// The value at `path` below `root`, or nullptr when a step is missing or not an object. Kong tells
// a missing value (nil) from an explicit null, so a JSON null is returned, not nullptr.
const nlohmann::json* findPath(const nlohmann::json& root, const std::vector<std::string>& path);
const nlohmann::json* findPath(const nlohmann::json& root, std::string_view dotted);

// Sets the value at `path`, creating absent or null intermediate objects. Returns false (and
// changes nothing) when an intermediate step holds something other than an object.
bool assignPath(nlohmann::json& root, const std::vector<std::string>& path, nlohmann::json value);

// Kong's is_nonempty: not missing, not null, not an empty string, array or object.
bool isNonEmpty(const nlohmann::json* value);

// A number as Lua's tostring prints it: integral values without a fraction.
std::string formatNumber(double number);

// A scalar as Lua's tostring prints it (strings unquoted), for messages that embed values.
std::string displayValue(const nlohmann::json& value);

// "'a', 'b', 'c'", as Kong's quoted_list.
std::string quotedList(const std::vector<std::string>& names);

}  // namespace portico::config::schema
