#include "source/config/declarative/entity_types.h"

namespace portico::config::declarative {

const std::vector<EntityType>& entityTypes() {
  static const std::vector<EntityType> types = {
      {"certificates", "certificate", "", {}, {}, {{"snis", "certificate"}}, validateCertificate},
      {"snis", "sni", "name", {"name"}, {{"certificate", "certificates"}}, {}, validateSni},
      {"ca_certificates", "ca_certificate", "", {"cert_digest"}, {}, {}, validateCaCertificate},
      {"upstreams",
       "upstream",
       "name",
       {"name"},
       {{"client_certificate", "certificates"}},
       {{"targets", "upstream"}},
       validateUpstream},
      {"targets", "target", "", {}, {{"upstream", "upstreams"}}, {}, validateTarget},
      {"services",
       "service",
       "name",
       {"name"},
       {{"client_certificate", "certificates"}, {"ca_certificates", "ca_certificates", true}},
       {{"routes", "service"}, {"plugins", "service"}},
       validateService},
      {"routes",
       "route",
       "name",
       {"name"},
       {{"service", "services"}},
       {{"plugins", "route"}},
       validateRoute},
      {"consumers",
       "consumer",
       "username",
       {"username", "custom_id"},
       {},
       {{"plugins", "consumer"}, {"jwt_secrets", "consumer"}},
       validateConsumer},
      {"plugins",
       "plugin",
       "",
       {"instance_name"},
       {{"route", "routes"}, {"service", "services"}, {"consumer", "consumers"}},
       {},
       validatePlugin},
      {"jwt_secrets",
       "jwt_secret",
       "key",
       {"key"},
       {{"consumer", "consumers"}},
       {},
       validateJwtSecret},
  };
  return types;
}

const EntityType* findEntityType(const std::string& name) {
  for (const auto& type : entityTypes()) {
    if (type.name == name) {
      return &type;
    }
  }
  return nullptr;
}

bool isIgnoredEntityKey(const std::string& key) {
  static const std::vector<std::string> kIgnored = {"vaults", "keys", "key_sets"};
  for (const auto& ignored : kIgnored) {
    if (key == ignored) {
      return true;
    }
  }
  return false;
}

}  // namespace portico::config::declarative
