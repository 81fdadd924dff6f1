#include "source/server/admin/config_endpoint.h"

#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "source/config/declarative/entity_json.h"
#include "source/config/declarative/error_render.h"
#include "source/config/declarative/export.h"
#include "source/config/declarative/ids.h"
#include "source/config/declarative/loader.h"
#include "source/server/admin/request_params.h"
#include "source/server/admin/responses.h"

namespace portico::server::admin {
namespace {

namespace declarative = config::declarative;

constexpr int kDeclarativeConfigCode = 14;
constexpr char kDeclarativeConfigName[] = "invalid declarative configuration";

// Lua's tostring() of a parameter, enough to compare with "1".
std::string paramText(const nlohmann::json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  return value.dump();
}

// kong/api/routes/config.lua `truthy`.
bool truthy(const nlohmann::json& value) {
  if (value.is_boolean()) {
    return value.get<bool>();
  }
  if (value.is_number()) {
    return value == 1;
  }
  if (!value.is_string()) {
    return false;
  }
  const std::string text = absl::AsciiStrToLower(value.get<std::string>());
  return text == "true" || text == "1" || text == "on" || text == "yes";
}

struct Source {
  std::string text;
  declarative::InputFormat format = declarative::InputFormat::Auto;
  // The text already parsed, when the body was the config itself.
  std::optional<nlohmann::json> tree;
};

// The declarative text the request carries, in Kong's order of precedence. Takes the JSON body.
std::optional<Source> configSource(const AdminRequest& request, RequestParams& params) {
  if (params.json_body.contains("_format_version")) {
    nlohmann::json document = std::move(params.json_body);
    // Kong drops its own flags from the table before validating it.
    const bool had_flags = document.erase("check_hash") + document.erase("flatten_errors") > 0;
    std::string text = had_flags ? document.dump() : request.body;
    return Source{std::move(text), declarative::InputFormat::Json, std::move(document)};
  }
  if (const nlohmann::json* config = params.find("config")) {
    return Source{config->is_string() ? config->get<std::string>() : config->dump()};
  }
  if (!request.body.empty()) {
    return Source{request.body};
  }
  return std::nullopt;
}

AdminResponse invalidConfig(const nlohmann::json& fields, const std::string& message,
                            const nlohmann::json* flattened) {
  nlohmann::json body = {{"code", kDeclarativeConfigCode},
                         {"name", kDeclarativeConfigName},
                         {"message", message},
                         {"fields", fields}};
  if (flattened != nullptr) {
    body["flattened_errors"] = *flattened;
  }
  return jsonResponse(400, body);
}

}  // namespace

AdminResponse postConfig(const AdminRequest& request, const QueryArgs& query,
                         const ConfigManager& config, const ConfigApplier& apply) {
  absl::StatusOr<RequestParams> params = requestParams(request, query);
  if (!params.ok()) {
    return messageResponse(400, std::string(params.status().message()));
  }
  const nlohmann::json* check_hash_param = params->find("check_hash");
  const nlohmann::json* flatten_param = params->find("flatten_errors");
  const bool check_hash = check_hash_param != nullptr && paramText(*check_hash_param) == "1";
  const bool flatten = flatten_param != nullptr && truthy(*flatten_param);

  std::optional<Source> source = configSource(request, *params);
  if (!source) {
    return messageResponse(400, "expected a declarative configuration");
  }
  if (check_hash && declarative::md5Hex(source->text) == config.hash()) {
    return emptyResponse(304);
  }
  declarative::LoadResult loaded =
      source->tree ? declarative::loadParsed(std::move(*source->tree), source->text, "config")
                   : declarative::load(source->text, source->format, "config");
  if (!loaded.ok()) {
    const declarative::LoadError& error = *loaded.error;
    if (flatten) {
      declarative::FlattenedErrors flat = declarative::flattenErrors(error.fields, error.input);
      return invalidConfig(flat.remaining_fields,
                           declarative::adminErrorMessage(flat.remaining_fields), &flat.flattened);
    }
    return invalidConfig(error.fields, error.adminMessage(), nullptr);
  }
  if (absl::Status applied = apply(loaded.config); !applied.ok()) {
    const nlohmann::json error_fields = {{"error", std::string(applied.message())}};
    return invalidConfig(error_fields, declarative::adminErrorMessage(error_fields), nullptr);
  }
  AdminResponse response;
  response.status = 201;
  response.headers.add("Content-Type", kJsonContentType);
  response.body = declarative::flattenedEntitiesJson(*loaded.config);
  return response;
}

AdminResponse getConfig(const ConfigManager& config) {
  return jsonResponse(200, {{"config", declarative::toYaml(config.config())}});
}

}  // namespace portico::server::admin
