#include "source/config/declarative/export.h"

#include <yaml-cpp/yaml.h>

#include "source/config/declarative/entity_json.h"

namespace portico::config::declarative {
namespace {

// Admin JSON with {"id": x} foreign keys turned into x.
nlohmann::json exported(nlohmann::json entity, std::initializer_list<const char*> foreign_keys) {
  for (const char* field : foreign_keys) {
    if (entity[field].is_object()) {
      entity[field] = entity[field]["id"];
    }
  }
  return entity;
}

// Strings are always double-quoted so that values such as "3.0" or "yes" stay strings.
void emit(YAML::Emitter& out, const nlohmann::json& value) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      emit(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : value) {
      emit(out, item);
    }
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    out << YAML::DoubleQuoted << value.get<std::string>();
  } else if (value.is_null()) {
    out << YAML::Null;
  } else if (value.is_boolean()) {
    out << value.get<bool>();
  } else if (value.is_number_float()) {
    out << value.get<double>();
  } else {
    out << value.get<int64_t>();
  }
}

}  // namespace

nlohmann::json exportDocument(const v1::DeclarativeConfig& config) {
  nlohmann::json document = {{"_format_version", "3.0"}, {"_transform", false}};
  auto add = [&document](const char* table, nlohmann::json entity) {
    document[table].push_back(std::move(entity));
  };
  for (const auto& service : config.services()) {
    add("services", exported(serviceJson(service), {"client_certificate"}));
  }
  for (const auto& route : config.routes()) {
    add("routes", exported(routeJson(route), {"service"}));
  }
  for (const auto& consumer : config.consumers()) {
    add("consumers", consumerJson(consumer));
  }
  for (const auto& plugin : config.plugins()) {
    add("plugins", exported(pluginJson(plugin), {"route", "service", "consumer"}));
  }
  for (const auto& credential : config.jwt_secrets()) {
    add("jwt_secrets", exported(jwtCredentialJson(credential), {"consumer"}));
  }
  for (const auto& certificate : config.certificates()) {
    add("certificates", certificateJson(certificate));
  }
  for (const auto& sni : config.snis()) {
    add("snis", exported(sniJson(sni), {"certificate"}));
  }
  for (const auto& certificate : config.ca_certificates()) {
    add("ca_certificates", caCertificateJson(certificate));
  }
  for (const auto& upstream : config.upstreams()) {
    add("upstreams", exported(upstreamJson(upstream), {"client_certificate"}));
  }
  for (const auto& target : config.targets()) {
    add("targets", exported(targetJson(target), {"upstream"}));
  }
  return document;
}

std::string toYaml(const v1::DeclarativeConfig& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  nlohmann::json document = exportDocument(config);
  // Kong's export starts with the format keys; the entity tables follow.
  for (const char* key : {"_format_version", "_transform"}) {
    out << YAML::Key << key << YAML::Value;
    emit(out, document[key]);
    document.erase(key);
  }
  for (const auto& [key, value] : document.items()) {
    out << YAML::Key << key << YAML::Value;
    emit(out, value);
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace portico::config::declarative
