#pragma once

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace portico::config::declarative {

enum class InputFormat {
  Yaml,
  Json,
  // JSON first, then YAML: what Kong does for POST /config bodies and config strings.
  Auto,
};

// A parsed declarative text as one JSON tree, with the source line (1-based) of every node that
// came from YAML, keyed by JSON pointer ("/services/0/host"). JSON input carries no lines.
struct Document {
  nlohmann::json tree;
  std::map<std::string, int> lines;

  // The line of `pointer`, or of its nearest ancestor that has one; 0 when unknown.
  int lineOf(std::string pointer) const;
};

// Whether parseDocument records the source line of every node: only error reports need them, and
// for a large file they cost as much as the parse.
enum class LineTracking { kOn, kOff };

// Parses `text`. The tree is always an object; anything else fails, like every parse error, with
// Kong's message: "failed parsing declarative configuration: <reason>".
absl::StatusOr<Document> parseDocument(std::string_view text, InputFormat format,
                                       LineTracking lines = LineTracking::kOn);

// The format Kong picks from a file name: `.json` JSON, `.yml`/`.yaml` YAML, else an error
// "unknown file type: <name>. (Accepted types: json, yaml)".
absl::StatusOr<InputFormat> formatForFile(std::string_view file_name);

}  // namespace portico::config::declarative
