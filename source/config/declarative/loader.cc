#include "source/config/declarative/loader.h"

#include <ctime>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "source/common/file/read_file.h"
#include "source/config/declarative/error_render.h"
#include "source/config/declarative/flatten.h"
#include "source/config/declarative/ids.h"
#include "source/config/declarative/paths.h"
#include "source/config/declarative/to_proto.h"
#include "source/config/declarative/validate.h"

namespace portico::config::declarative {
namespace {

constexpr std::string_view kEmptyConfigHash = "00000000000000000000000000000000";

LoadResult failure(nlohmann::json fields, nlohmann::json input, std::string_view source_name) {
  LoadResult result;
  result.error = LoadError{std::move(fields), std::move(input), {}, std::string(source_name)};
  return result;
}

// Collects the line of every error leaf: its own input position, or the entity an error keyed
// by name or id stands for.
void collectLines(const nlohmann::json& errors, const std::string& pointer,
                  const Document& document, const std::map<std::string, std::string>& sources,
                  std::map<std::string, int>& lines) {
  if (errors.is_object() || errors.is_array()) {
    for (const auto& [key, value] : errors.items()) {
      if (!value.is_null()) {
        std::string token = absl::StrReplaceAll(key, {{"~", "~0"}, {"/", "~1"}});
        collectLines(value, absl::StrCat(pointer, "/", token), document, sources, lines);
      }
    }
    return;
  }
  for (std::string at = pointer;; at.erase(at.rfind('/'))) {
    auto source = sources.find(at);
    if (source != sources.end()) {
      lines[pointer] = document.lineOf(source->second);
      return;
    }
    if (at.empty() || document.lines.count(at) > 0) {
      lines[pointer] = document.lineOf(at);
      return;
    }
  }
}

bool hasEntities(const v1::DeclarativeConfig& config) {
  return config.services_size() + config.routes_size() + config.consumers_size() +
             config.plugins_size() + config.jwt_secrets_size() + config.certificates_size() +
             config.ca_certificates_size() >
         0;
}

}  // namespace

std::string LoadError::prettyText() const {
  if (fields.is_object() && fields.size() == 1 && fields.contains("error") &&
      fields["error"].is_string()) {
    return fields["error"];
  }
  return prettyPrintErrors(fields, lines, source_name);
}

std::string LoadError::adminMessage() const { return adminErrorMessage(fields); }

std::string adminErrorMessage(const nlohmann::json& fields) {
  return absl::StrCat("declarative config is invalid: ", luaTable(fields));
}

namespace {

// Validates and flattens `tree`, parsed from `text` in `format` without line tracking.
LoadResult loadTree(nlohmann::json tree, std::string_view text, InputFormat format,
                    std::string_view source_name) {
  migrateFormat(tree);
  nlohmann::json errors = validateConfig(tree);
  std::map<std::string, std::string> sources;
  FlattenResult flat;
  if (errors.empty()) {
    flat = flattenConfig(tree, static_cast<int64_t>(std::time(nullptr)));
    errors = std::move(flat.errors);
    sources = std::move(flat.error_sources);
  }
  if (!errors.empty()) {
    // Neither the input as given nor the line of each node is needed unless the config is
    // invalid, and for 10,000 entities they cost a third of the load: parse the text again.
    Document original = *parseDocument(text, format, LineTracking::kOn);
    migrateFormat(original.tree);
    LoadResult result = failure(std::move(errors), original.tree, source_name);
    collectLines(result.error->fields, "", original, sources, result.error->lines);
    return result;
  }
  auto config = std::make_shared<v1::DeclarativeConfig>(buildConfig(flat.entities));
  config->set_config_hash(hasEntities(*config) ? md5Hex(text) : std::string(kEmptyConfigHash));
  LoadResult result;
  result.config = std::move(config);
  return result;
}

}  // namespace

LoadResult load(std::string_view text, InputFormat format, std::string_view source_name) {
  absl::StatusOr<Document> parsed = parseDocument(text, format, LineTracking::kOff);
  if (!parsed.ok()) {
    return failure({{"error", std::string(parsed.status().message())}}, nullptr, source_name);
  }
  return loadTree(std::move(parsed->tree), text, format, source_name);
}

LoadResult loadParsed(nlohmann::json tree, std::string_view text, std::string_view source_name) {
  return loadTree(std::move(tree), text, InputFormat::Json, source_name);
}

LoadResult loadFile(const std::string& path) {
  absl::StatusOr<InputFormat> format = formatForFile(path);
  if (!format.ok()) {
    return failure({{"error", std::string(format.status().message())}}, nullptr, path);
  }
  absl::StatusOr<std::string> contents = file::readFile(path);
  if (!contents.ok()) {
    // Kong's wording: Lua's io.open error, "<path>: <reason>".
    return failure({{"error", absl::StrCat(path, ": ", contents.status().message())}}, nullptr,
                   path);
  }
  std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  return load(*contents, *format, name);
}

}  // namespace portico::config::declarative
