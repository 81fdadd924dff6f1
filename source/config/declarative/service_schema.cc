#include "absl/strings/str_cat.h"
#include "source/config/declarative/common_fields.h"
#include "source/config/declarative/entity_schemas.h"
#include "source/config/declarative/host_check.h"
#include "source/config/declarative/paths.h"
#include "source/config/declarative/service_url.h"

namespace portico::config::declarative {
namespace {

constexpr int64_t kMaxTimeout = 2147483646;

StringRule hostRule() {
  return [](const std::string& host) -> std::optional<std::string> {
    std::string error = serviceHostError(host);
    return error.empty() ? std::nullopt : std::optional<std::string>(error);
  };
}

StringRule pathRule() {
  return [](const std::string& path) -> std::optional<std::string> {
    std::string error = servicePathError(path);
    return error.empty() ? std::nullopt : std::optional<std::string>(error);
  };
}

std::vector<Field> buildServiceFields(bool nested) {
  Field protocol{"protocol", stringCheck({oneOf(allProtocols())}), true, "http"};
  Field host{"host", stringCheck({hostRule()}), true};
  Field port{"port", integerCheck({{0, 65535}}), true, 80};
  Field enabled{"enabled", booleanCheck(), true, true};
  return {
      idField(),
      timestampField("created_at"),
      timestampField("updated_at"),
      Field{"name", stringCheck({utf8Name()})},
      Field{"retries", integerCheck({{0, 32767}}), false, 5},
      protocol,
      host,
      port,
      Field{"path", stringCheck({pathRule()})},
      Field{"connect_timeout", integerCheck({{1, kMaxTimeout}}), false, 60000},
      Field{"write_timeout", integerCheck({{1, kMaxTimeout}}), false, 60000},
      Field{"read_timeout", integerCheck({{1, kMaxTimeout}}), false, 60000},
      tagsField(),
      foreignField("client_certificate", nested),
      Field{"tls_verify", booleanCheck()},
      Field{"tls_verify_depth", integerCheck({{0, 64}})},
      Field{"ca_certificates", arrayCheck(uuidCheck())},
      enabled,
  };
}

// Built once per placement, not per service.
const std::vector<Field>& serviceFields(const Placement& placement) {
  static const std::vector<Field> top_level = buildServiceFields(false);
  static const std::vector<Field> nested = buildServiceFields(true);
  return placement.parent_key.empty() ? top_level : nested;
}

// kong/db/schema/entities/services.lua `entity_checks`: fields that only make sense for some
// protocols must be null otherwise.
void checkProtocolConditionals(const nlohmann::json& service, nlohmann::json& errors) {
  if (errors.contains("protocol") || !service.value("protocol", nlohmann::json()).is_string()) {
    return;
  }
  std::string protocol = service["protocol"];
  bool stream =
      protocol == "tcp" || protocol == "tls" || protocol == "tls_passthrough" || protocol == "udp";
  bool tls = protocol == "https" || protocol == "tls";
  auto require_null = [&](const std::string& field) {
    if (errors.contains(field) || !service.contains(field) || service[field].is_null()) {
      return;
    }
    errors[field] = messages::kMustBeNull;
    addEntityError(errors, "failed conditional validation given value of field 'protocol'");
  };
  if (stream) {
    require_null("path");
  }
  if (!tls) {
    for (const char* field :
         {"client_certificate", "tls_verify", "tls_verify_depth", "ca_certificates"}) {
      require_null(field);
    }
  }
}

}  // namespace

nlohmann::json validateService(nlohmann::json& service, const Placement& placement) {
  nlohmann::json errors = nlohmann::json::object();
  if (auto url = service.find("url"); url != service.end()) {
    if (url->is_string()) {
      nlohmann::json expanded = expandServiceUrl(url->get<std::string>());
      for (auto& [key, value] : expanded.items()) {
        service[key] = value;
      }
    } else if (!url->is_null()) {
      errors["url"] = messages::kExpectedString;
    }
    service.erase("url");
  }
  errors.update(checkFields(service, serviceFields(placement), placement.child_keys));
  checkProtocolConditionals(service, errors);
  return errors;
}

}  // namespace portico::config::declarative
