#pragma once

#include <map>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "portico/config/v1/declarative.pb.h"

namespace portico::config::declarative {

// Flattened, validated entity records (see flattenConfig) -> the config model.
v1::Service serviceFromJson(const nlohmann::json& record);
v1::Route routeFromJson(const nlohmann::json& record);
v1::Consumer consumerFromJson(const nlohmann::json& record);
v1::PluginInstance pluginFromJson(const nlohmann::json& record);
v1::JwtCredential jwtCredentialFromJson(const nlohmann::json& record);
v1::Certificate certificateFromJson(const nlohmann::json& record);
v1::Sni sniFromJson(const nlohmann::json& record);
v1::CaCertificate caCertificateFromJson(const nlohmann::json& record);
v1::Upstream upstreamFromJson(const nlohmann::json& record);
v1::Target targetFromJson(const nlohmann::json& record);

v1::DeclarativeConfig buildConfig(
    const std::map<std::string, std::vector<nlohmann::json>>& entities);

}  // namespace portico::config::declarative
