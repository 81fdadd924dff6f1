#pragma once

#include <string>

#include "nlohmann/json.hpp"
#include "portico/config/v1/declarative.pb.h"

namespace portico::config::declarative {

// Kong's Admin API entity JSON (kong-behavior.md §6.2): every field present, unset ones null,
// foreign keys as {"id": ...}.
nlohmann::json serviceJson(const v1::Service& service);
nlohmann::json routeJson(const v1::Route& route);
nlohmann::json consumerJson(const v1::Consumer& consumer);
nlohmann::json pluginJson(const v1::PluginInstance& plugin);
// Portico's `jwks` and `jwks_uri` appear only when set.
nlohmann::json jwtCredentialJson(const v1::JwtCredential& credential);
// The stored entity; GET /certificates adds the certificate's `snis` (names) itself.
nlohmann::json certificateJson(const v1::Certificate& certificate);
nlohmann::json caCertificateJson(const v1::CaCertificate& certificate);
nlohmann::json sniJson(const v1::Sni& sni);
nlohmann::json upstreamJson(const v1::Upstream& upstream);
nlohmann::json targetJson(const v1::Target& target);

// The POST /config 201 body, encoded: per entity table a map id -> entity JSON. Tables without
// entities are left out.
std::string flattenedEntitiesJson(const v1::DeclarativeConfig& config);

}  // namespace portico::config::declarative
