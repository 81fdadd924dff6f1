#pragma once

#include <map>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace portico::config::declarative {

// Kong's CLI/startup rendering of a `fields` tree (kong/db/declarative/init.lua
// `pretty_print_error`): `in '<key>':` per level, `- in entry <n> of '<list>':` per array slot,
// indented by two spaces, the message after the last key. When `lines` (JSON pointer into
// `fields` -> line) knows an error's line, ` (<source_name>:<line>)` follows its message.
std::string prettyPrintErrors(const nlohmann::json& fields, const std::map<std::string, int>& lines,
                              std::string_view source_name);

// Penlight's `pretty.write(value, "")`, as Kong puts it in the POST /config 400 `message`:
// `{services={{host="required field missing"}}}`. Keys sorted, array slots after a hole written
// as `[n]=`, non-identifier keys as `["@entity"]`.
std::string luaTable(const nlohmann::json& value);

// POST /config's `flattened_errors` (kong/db/errors.lua `flatten_errors`): one entry per entity
// with errors, correlated with its input. Kong drains the error table while flattening, so the
// `fields` it still reports afterwards are only what could not be flattened: `remaining_fields`.
struct FlattenedErrors {
  nlohmann::json flattened = nlohmann::json::array();
  nlohmann::json remaining_fields = nlohmann::json::object();
};
FlattenedErrors flattenErrors(const nlohmann::json& fields, const nlohmann::json& input);

}  // namespace portico::config::declarative
