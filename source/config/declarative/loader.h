#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "portico/config/v1/declarative.pb.h"
#include "source/config/declarative/document.h"

namespace portico::config::declarative {

// Why a declarative config was rejected, in the shapes Kong reports it.
struct LoadError {
  // Kong's `fields`: the validation error tree, or {"error": "<message>"} when the text could not
  // be parsed (or the file type is unknown).
  nlohmann::json fields;
  // The parsed and migrated input before validation, for flattened_errors; null if unparsed.
  nlohmann::json input;
  // The source line of errors whose position is known, by JSON pointer into `fields`.
  std::map<std::string, int> lines;
  std::string source_name;

  // CLI/startup text: the parse message, or the pretty-printed tree with `(file:line)` suffixes.
  std::string prettyText() const;
  // POST /config 400 `message`: "declarative config is invalid: <Lua table of fields>".
  std::string adminMessage() const;
};

struct LoadResult {
  std::shared_ptr<const v1::DeclarativeConfig> config;
  std::optional<LoadError> error;

  bool ok() const { return config != nullptr; }
};

// Parses, migrates (1.1/2.1 -> 3.0), validates and flattens a Kong declarative config. On success
// every entity carries its id (derived as Kong derives them, else random) and foreign keys are
// ids; `config_hash` is the md5 of `text`, or 32 zeros when the config holds no entity.
// `source_name` names the text in error lines (e.g. the file name).
LoadResult load(std::string_view text, InputFormat format, std::string_view source_name);
// load() for a JSON text the caller has already parsed into `tree` (a JSON object).
LoadResult loadParsed(nlohmann::json tree, std::string_view text, std::string_view source_name);

// Reads `path` and loads it with the format its extension selects.
LoadResult loadFile(const std::string& path);

// "declarative config is invalid: <luaTable(fields)>".
std::string adminErrorMessage(const nlohmann::json& fields);

}  // namespace portico::config::declarative
