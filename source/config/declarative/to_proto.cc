#include "source/config/declarative/to_proto.h"

#include "absl/strings/ascii.h"
#include "source/config/declarative/record_fields.h"
#include "source/config/declarative/struct_json.h"

namespace portico::config::declarative {
namespace {

int64_t integer(const nlohmann::json& record, const char* field) {
  return recordHas(record, field) ? static_cast<int64_t>(record[field].get<double>()) : 0;
}

bool boolean(const nlohmann::json& record, const char* field) {
  return recordHas(record, field) && record[field].get<bool>();
}

// Only called for present fields, so an absent list stays distinguishable from [].
void setList(const nlohmann::json& record, const char* field, v1::StringList* list) {
  for (const auto& item : record[field]) {
    list->add_values(item.get<std::string>());
  }
}

}  // namespace

v1::Service serviceFromJson(const nlohmann::json& record) {
  v1::Service service;
  service.set_id(recordText(record, "id"));
  if (recordHas(record, "name")) {
    service.set_name(recordText(record, "name"));
  }
  service.set_protocol(recordText(record, "protocol"));
  service.set_host(recordText(record, "host"));
  service.set_port(static_cast<uint32_t>(integer(record, "port")));
  if (recordHas(record, "path")) {
    service.set_path(recordText(record, "path"));
  }
  service.set_retries(static_cast<uint32_t>(integer(record, "retries")));
  service.set_connect_timeout(static_cast<uint32_t>(integer(record, "connect_timeout")));
  service.set_write_timeout(static_cast<uint32_t>(integer(record, "write_timeout")));
  service.set_read_timeout(static_cast<uint32_t>(integer(record, "read_timeout")));
  if (recordHas(record, "tags")) {
    setList(record, "tags", service.mutable_tags());
  }
  if (recordHas(record, "client_certificate")) {
    const nlohmann::json& certificate = record["client_certificate"];
    service.set_client_certificate_id(certificate.is_object() ? recordText(certificate, "id")
                                                              : certificate.get<std::string>());
  }
  if (recordHas(record, "tls_verify")) {
    service.set_tls_verify(boolean(record, "tls_verify"));
  }
  if (recordHas(record, "tls_verify_depth")) {
    service.set_tls_verify_depth(static_cast<uint32_t>(integer(record, "tls_verify_depth")));
  }
  if (recordHas(record, "ca_certificates")) {
    setList(record, "ca_certificates", service.mutable_ca_certificate_ids());
  }
  service.set_enabled(boolean(record, "enabled"));
  service.set_created_at(integer(record, "created_at"));
  service.set_updated_at(integer(record, "updated_at"));
  return service;
}

v1::Route routeFromJson(const nlohmann::json& record) {
  v1::Route route;
  route.set_id(recordText(record, "id"));
  if (recordHas(record, "name")) {
    route.set_name(recordText(record, "name"));
  }
  for (const auto& protocol : record.value("protocols", nlohmann::json::array())) {
    route.add_protocols(protocol.get<std::string>());
  }
  if (recordHas(record, "methods")) {
    setList(record, "methods", route.mutable_methods());
  }
  if (recordHas(record, "hosts")) {
    setList(record, "hosts", route.mutable_hosts());
  }
  if (recordHas(record, "paths")) {
    setList(record, "paths", route.mutable_paths());
  }
  if (recordHas(record, "headers")) {
    auto* values = route.mutable_headers()->mutable_values();
    for (const auto& [name, accepted] : record["headers"].items()) {
      v1::StringList& list = (*values)[absl::AsciiStrToLower(name)];
      if (accepted.is_array()) {
        for (const auto& value : accepted) {
          list.add_values(value.get<std::string>());
        }
      }
    }
  }
  if (recordHas(record, "snis")) {
    setList(record, "snis", route.mutable_snis());
  }
  if (recordHas(record, "sources")) {
    *route.mutable_sources() = toListValue(record["sources"]);
  }
  if (recordHas(record, "destinations")) {
    *route.mutable_destinations() = toListValue(record["destinations"]);
  }
  route.set_strip_path(boolean(record, "strip_path"));
  route.set_preserve_host(boolean(record, "preserve_host"));
  route.set_regex_priority(integer(record, "regex_priority"));
  route.set_path_handling(recordText(record, "path_handling"));
  route.set_https_redirect_status_code(
      static_cast<uint32_t>(integer(record, "https_redirect_status_code")));
  route.set_request_buffering(boolean(record, "request_buffering"));
  route.set_response_buffering(boolean(record, "response_buffering"));
  if (recordHas(record, "tags")) {
    setList(record, "tags", route.mutable_tags());
  }
  if (recordHas(record, "service")) {
    route.set_service_id(recordText(record, "service"));
  }
  route.set_created_at(integer(record, "created_at"));
  route.set_updated_at(integer(record, "updated_at"));
  return route;
}

v1::Consumer consumerFromJson(const nlohmann::json& record) {
  v1::Consumer consumer;
  consumer.set_id(recordText(record, "id"));
  if (recordHas(record, "username")) {
    consumer.set_username(recordText(record, "username"));
  }
  if (recordHas(record, "custom_id")) {
    consumer.set_custom_id(recordText(record, "custom_id"));
  }
  if (recordHas(record, "tags")) {
    setList(record, "tags", consumer.mutable_tags());
  }
  consumer.set_created_at(integer(record, "created_at"));
  consumer.set_updated_at(integer(record, "updated_at"));
  return consumer;
}

v1::PluginInstance pluginFromJson(const nlohmann::json& record) {
  v1::PluginInstance plugin;
  plugin.set_id(recordText(record, "id"));
  plugin.set_name(recordText(record, "name"));
  if (recordHas(record, "instance_name")) {
    plugin.set_instance_name(recordText(record, "instance_name"));
  }
  if (recordHas(record, "route")) {
    plugin.set_route_id(recordText(record, "route"));
  }
  if (recordHas(record, "service")) {
    plugin.set_service_id(recordText(record, "service"));
  }
  if (recordHas(record, "consumer")) {
    plugin.set_consumer_id(recordText(record, "consumer"));
  }
  if (recordHas(record, "config")) {
    *plugin.mutable_config() = toStruct(record["config"]);
  }
  for (const auto& protocol : record.value("protocols", nlohmann::json::array())) {
    plugin.add_protocols(protocol.get<std::string>());
  }
  plugin.set_enabled(boolean(record, "enabled"));
  if (recordHas(record, "tags")) {
    setList(record, "tags", plugin.mutable_tags());
  }
  plugin.set_created_at(integer(record, "created_at"));
  plugin.set_updated_at(integer(record, "updated_at"));
  return plugin;
}

v1::JwtCredential jwtCredentialFromJson(const nlohmann::json& record) {
  v1::JwtCredential credential;
  credential.set_id(recordText(record, "id"));
  credential.set_consumer_id(recordText(record, "consumer"));
  credential.set_key(recordText(record, "key"));
  credential.set_secret(recordText(record, "secret"));
  if (recordHas(record, "rsa_public_key")) {
    credential.set_rsa_public_key(recordText(record, "rsa_public_key"));
  }
  credential.set_algorithm(recordText(record, "algorithm"));
  if (recordHas(record, "tags")) {
    setList(record, "tags", credential.mutable_tags());
  }
  credential.set_created_at(integer(record, "created_at"));
  if (recordHas(record, "jwks")) {
    credential.set_jwks(recordText(record, "jwks"));
  }
  if (recordHas(record, "jwks_uri")) {
    credential.set_jwks_uri(recordText(record, "jwks_uri"));
  }
  return credential;
}

v1::Certificate certificateFromJson(const nlohmann::json& record) {
  v1::Certificate certificate;
  certificate.set_id(recordText(record, "id"));
  certificate.set_cert(recordText(record, "cert"));
  certificate.set_key(recordText(record, "key"));
  if (recordHas(record, "cert_alt")) {
    certificate.set_cert_alt(recordText(record, "cert_alt"));
  }
  if (recordHas(record, "key_alt")) {
    certificate.set_key_alt(recordText(record, "key_alt"));
  }
  if (recordHas(record, "tags")) {
    setList(record, "tags", certificate.mutable_tags());
  }
  certificate.set_created_at(integer(record, "created_at"));
  certificate.set_updated_at(integer(record, "updated_at"));
  return certificate;
}

v1::Sni sniFromJson(const nlohmann::json& record) {
  v1::Sni sni;
  sni.set_id(recordText(record, "id"));
  sni.set_name(recordText(record, "name"));
  const nlohmann::json& certificate = record["certificate"];
  sni.set_certificate_id(certificate.is_object() ? recordText(certificate, "id")
                                                 : certificate.get<std::string>());
  if (recordHas(record, "tags")) {
    setList(record, "tags", sni.mutable_tags());
  }
  sni.set_created_at(integer(record, "created_at"));
  sni.set_updated_at(integer(record, "updated_at"));
  return sni;
}

v1::CaCertificate caCertificateFromJson(const nlohmann::json& record) {
  v1::CaCertificate certificate;
  certificate.set_id(recordText(record, "id"));
  certificate.set_cert(recordText(record, "cert"));
  if (recordHas(record, "cert_digest")) {
    certificate.set_cert_digest(recordText(record, "cert_digest"));
  }
  if (recordHas(record, "tags")) {
    setList(record, "tags", certificate.mutable_tags());
  }
  certificate.set_created_at(integer(record, "created_at"));
  certificate.set_updated_at(integer(record, "updated_at"));
  return certificate;
}

v1::DeclarativeConfig buildConfig(
    const std::map<std::string, std::vector<nlohmann::json>>& entities) {
  v1::DeclarativeConfig config;
  auto each = [&entities](const char* type, auto add) {
    auto it = entities.find(type);
    if (it != entities.end()) {
      for (const auto& record : it->second) {
        add(record);
      }
    }
  };
  each("services", [&](const nlohmann::json& r) { *config.add_services() = serviceFromJson(r); });
  each("routes", [&](const nlohmann::json& r) { *config.add_routes() = routeFromJson(r); });
  each("consumers",
       [&](const nlohmann::json& r) { *config.add_consumers() = consumerFromJson(r); });
  each("plugins", [&](const nlohmann::json& r) { *config.add_plugins() = pluginFromJson(r); });
  each("jwt_secrets",
       [&](const nlohmann::json& r) { *config.add_jwt_secrets() = jwtCredentialFromJson(r); });
  each("certificates",
       [&](const nlohmann::json& r) { *config.add_certificates() = certificateFromJson(r); });
  each("snis", [&](const nlohmann::json& r) { *config.add_snis() = sniFromJson(r); });
  each("ca_certificates",
       [&](const nlohmann::json& r) { *config.add_ca_certificates() = caCertificateFromJson(r); });
  each("upstreams",
       [&](const nlohmann::json& r) { *config.add_upstreams() = upstreamFromJson(r); });
  each("targets", [&](const nlohmann::json& r) { *config.add_targets() = targetFromJson(r); });
  return config;
}

}  // namespace portico::config::declarative
