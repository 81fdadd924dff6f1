#include "source/server/admin/entity_table.h"

#include "source/config/declarative/entity_json.h"
#include "source/config/declarative/ids.h"

namespace portico::server::admin {
namespace {

namespace declarative = config::declarative;

template <class T>
std::optional<std::string_view> ifSet(bool present, const T& value) {
  return present ? std::optional<std::string_view>(value) : std::nullopt;
}

}  // namespace

const std::vector<EntityType>& entityTypes() {
  static const std::vector<EntityType> types = {
      {EntityKind::kService, "services", "services", "services", "name"},
      {EntityKind::kRoute, "routes", "routes", "routes", "name"},
      {EntityKind::kConsumer, "consumers", "consumers", "consumers", "username"},
      {EntityKind::kPlugin, "plugins", "plugins", "plugins", "instance_name"},
      {EntityKind::kJwtSecret, "jwt_secrets", "jwts", "jwt", "key"},
      {EntityKind::kUpstream, "upstreams", "upstreams", "upstreams", "name"},
      {EntityKind::kTarget, "targets", "targets", "targets", "target"},
      {EntityKind::kCertificate, "certificates", "certificates", "certificates", ""},
      {EntityKind::kCaCertificate, "ca_certificates", "ca_certificates", "ca_certificates", ""},
      {EntityKind::kSni, "snis", "snis", "snis", "name"},
      {EntityKind::kVault, "vaults", "vaults", "vaults", "prefix"},
      {EntityKind::kKeySet, "key_sets", "key-sets", "key-sets", "name"},
      {EntityKind::kKey, "keys", "keys", "keys", "name"},
  };
  return types;
}

const EntityType& entityType(EntityKind kind) {
  for (const EntityType& type : entityTypes()) {
    if (type.kind == kind) {
      return type;
    }
  }
  return entityTypes().front();
}

const EntityType* typeByCollection(std::string_view collection) {
  for (const EntityType& type : entityTypes()) {
    if (type.collection == collection) {
      return &type;
    }
  }
  return nullptr;
}

const std::vector<Relation>& relations() {
  static const std::vector<Relation> all = {
      {EntityKind::kService, "client_certificate", EntityKind::kCertificate},
      {EntityKind::kRoute, "service", EntityKind::kService},
      {EntityKind::kPlugin, "route", EntityKind::kRoute},
      {EntityKind::kPlugin, "service", EntityKind::kService},
      {EntityKind::kPlugin, "consumer", EntityKind::kConsumer},
      {EntityKind::kJwtSecret, "consumer", EntityKind::kConsumer},
      {EntityKind::kSni, "certificate", EntityKind::kCertificate},
      {EntityKind::kUpstream, "client_certificate", EntityKind::kCertificate},
      {EntityKind::kTarget, "upstream", EntityKind::kUpstream},
      {EntityKind::kKey, "set", EntityKind::kKeySet},
  };
  return all;
}

size_t EntityTable::size(EntityKind kind) const {
  switch (kind) {
    case EntityKind::kService:
      return config_.services_size();
    case EntityKind::kRoute:
      return config_.routes_size();
    case EntityKind::kConsumer:
      return config_.consumers_size();
    case EntityKind::kPlugin:
      return config_.plugins_size();
    case EntityKind::kJwtSecret:
      return config_.jwt_secrets_size();
    case EntityKind::kUpstream:
      return config_.upstreams_size();
    case EntityKind::kTarget:
      return config_.targets_size();
    case EntityKind::kCertificate:
      return config_.certificates_size();
    case EntityKind::kCaCertificate:
      return config_.ca_certificates_size();
    case EntityKind::kSni:
      return config_.snis_size();
    default:
      return 0;
  }
}

std::string_view EntityTable::id(EntityKind kind, size_t index) const {
  const int i = static_cast<int>(index);
  switch (kind) {
    case EntityKind::kService:
      return config_.services(i).id();
    case EntityKind::kRoute:
      return config_.routes(i).id();
    case EntityKind::kConsumer:
      return config_.consumers(i).id();
    case EntityKind::kPlugin:
      return config_.plugins(i).id();
    case EntityKind::kJwtSecret:
      return config_.jwt_secrets(i).id();
    case EntityKind::kUpstream:
      return config_.upstreams(i).id();
    case EntityKind::kTarget:
      return config_.targets(i).id();
    case EntityKind::kCertificate:
      return config_.certificates(i).id();
    case EntityKind::kCaCertificate:
      return config_.ca_certificates(i).id();
    case EntityKind::kSni:
      return config_.snis(i).id();
    default:
      return {};
  }
}

std::optional<std::string_view> EntityTable::endpointKey(EntityKind kind, size_t index) const {
  const int i = static_cast<int>(index);
  switch (kind) {
    case EntityKind::kService:
      return ifSet(config_.services(i).has_name(), config_.services(i).name());
    case EntityKind::kRoute:
      return ifSet(config_.routes(i).has_name(), config_.routes(i).name());
    case EntityKind::kConsumer:
      return ifSet(config_.consumers(i).has_username(), config_.consumers(i).username());
    case EntityKind::kPlugin:
      return ifSet(config_.plugins(i).has_instance_name(), config_.plugins(i).instance_name());
    case EntityKind::kJwtSecret:
      return config_.jwt_secrets(i).key();
    case EntityKind::kUpstream:
      return config_.upstreams(i).name();
    case EntityKind::kTarget:
      return config_.targets(i).target();
    case EntityKind::kSni:
      return config_.snis(i).name();
    default:
      return std::nullopt;
  }
}

std::optional<std::string_view> EntityTable::foreignId(EntityKind kind, size_t index,
                                                       std::string_view field) const {
  const int i = static_cast<int>(index);
  switch (kind) {
    case EntityKind::kService: {
      const auto& service = config_.services(i);
      return field == "client_certificate"
                 ? ifSet(service.has_client_certificate_id(), service.client_certificate_id())
                 : std::nullopt;
    }
    case EntityKind::kRoute: {
      const auto& route = config_.routes(i);
      return field == "service" ? ifSet(route.has_service_id(), route.service_id()) : std::nullopt;
    }
    case EntityKind::kPlugin: {
      const auto& plugin = config_.plugins(i);
      if (field == "route") {
        return ifSet(plugin.has_route_id(), plugin.route_id());
      }
      if (field == "service") {
        return ifSet(plugin.has_service_id(), plugin.service_id());
      }
      if (field == "consumer") {
        return ifSet(plugin.has_consumer_id(), plugin.consumer_id());
      }
      return std::nullopt;
    }
    case EntityKind::kJwtSecret: {
      const auto& credential = config_.jwt_secrets(i);
      return field == "consumer"
                 ? ifSet(!credential.consumer_id().empty(), credential.consumer_id())
                 : std::nullopt;
    }
    case EntityKind::kUpstream: {
      const auto& upstream = config_.upstreams(i);
      return field == "client_certificate"
                 ? ifSet(upstream.has_client_certificate_id(), upstream.client_certificate_id())
                 : std::nullopt;
    }
    case EntityKind::kTarget:
      return field == "upstream" ? std::optional<std::string_view>(config_.targets(i).upstream_id())
                                 : std::nullopt;
    case EntityKind::kSni:
      return field == "certificate"
                 ? std::optional<std::string_view>(config_.snis(i).certificate_id())
                 : std::nullopt;
    default:
      return std::nullopt;
  }
}

nlohmann::json EntityTable::render(EntityKind kind, size_t index) const {
  const int i = static_cast<int>(index);
  switch (kind) {
    case EntityKind::kService:
      return declarative::serviceJson(config_.services(i));
    case EntityKind::kRoute:
      return declarative::routeJson(config_.routes(i));
    case EntityKind::kConsumer:
      return declarative::consumerJson(config_.consumers(i));
    case EntityKind::kPlugin:
      return declarative::pluginJson(config_.plugins(i));
    case EntityKind::kJwtSecret:
      return declarative::jwtCredentialJson(config_.jwt_secrets(i));
    case EntityKind::kUpstream:
      return declarative::upstreamJson(config_.upstreams(i));
    case EntityKind::kTarget:
      return declarative::targetJson(config_.targets(i));
    case EntityKind::kCertificate: {
      // Kong shows a certificate with the names of its snis.
      nlohmann::json certificate = declarative::certificateJson(config_.certificates(i));
      nlohmann::json names = nlohmann::json::array();
      for (const auto& sni : config_.snis()) {
        if (sni.certificate_id() == config_.certificates(i).id()) {
          names.push_back(sni.name());
        }
      }
      certificate["snis"] = std::move(names);
      return certificate;
    }
    case EntityKind::kCaCertificate:
      return declarative::caCertificateJson(config_.ca_certificates(i));
    case EntityKind::kSni:
      return declarative::sniJson(config_.snis(i));
    default:
      return nullptr;
  }
}

EntityTable::Match EntityTable::find(const EntityType& type, std::string_view reference) const {
  Match match;
  match.by_key = !type.endpoint_key.empty() && !declarative::isValidUuid(reference);
  const size_t count = size(type.kind);
  for (size_t i = 0; i < count; ++i) {
    const bool hit =
        match.by_key ? endpointKey(type.kind, i) == reference : id(type.kind, i) == reference;
    if (hit) {
      match.index = i;
      break;
    }
  }
  return match;
}

std::optional<size_t> EntityTable::findConsumerByCustomId(std::string_view custom_id) const {
  for (int i = 0; i < config_.consumers_size(); ++i) {
    const auto& consumer = config_.consumers(i);
    if (consumer.has_custom_id() && consumer.custom_id() == custom_id) {
      return static_cast<size_t>(i);
    }
  }
  return std::nullopt;
}

}  // namespace portico::server::admin