#include "source/xds/resources.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace portico::xds {
namespace {

using config::v1::DeclarativeConfig;
using google::protobuf::Any;
using google::protobuf::RepeatedPtrField;

constexpr char kPrefix[] = "type.googleapis.com/";

// How one entity kind maps to a field of DeclarativeConfig.
struct Kind {
  std::string type_url;
  std::function<std::vector<Any>(const DeclarativeConfig&)> pack;
  std::function<absl::Status(const RepeatedPtrField<Any>&, DeclarativeConfig&)> unpack;
};

template <class Entity>
Kind kind(RepeatedPtrField<Entity>* (DeclarativeConfig::*mutable_field)(),
          const RepeatedPtrField<Entity>& (DeclarativeConfig::*field)() const) {
  Kind result;
  result.type_url = absl::StrCat(kPrefix, Entity::descriptor()->full_name());
  result.pack = [field](const DeclarativeConfig& config) {
    std::vector<Any> packed;
    packed.reserve((config.*field)().size());
    for (const Entity& entity : (config.*field)()) {
      packed.emplace_back().PackFrom(entity);
    }
    return packed;
  };
  result.unpack = [mutable_field, url = result.type_url](const RepeatedPtrField<Any>& resources,
                                                         DeclarativeConfig& config) {
    RepeatedPtrField<Entity> entities;
    for (const Any& resource : resources) {
      if (resource.type_url() != url || !resource.UnpackTo(entities.Add())) {
        return absl::InvalidArgumentError(absl::StrCat("a resource of type ", resource.type_url(),
                                                       " in a ", url,
                                                       " response does not decode as one"));
      }
    }
    (config.*mutable_field)()->Swap(&entities);
    return absl::OkStatus();
  };
  return result;
}

const std::vector<Kind>& kinds() {
  static const auto* all = new std::vector<Kind>{
      kind(&DeclarativeConfig::mutable_ca_certificates, &DeclarativeConfig::ca_certificates),
      kind(&DeclarativeConfig::mutable_certificates, &DeclarativeConfig::certificates),
      kind(&DeclarativeConfig::mutable_snis, &DeclarativeConfig::snis),
      kind(&DeclarativeConfig::mutable_upstreams, &DeclarativeConfig::upstreams),
      kind(&DeclarativeConfig::mutable_targets, &DeclarativeConfig::targets),
      kind(&DeclarativeConfig::mutable_services, &DeclarativeConfig::services),
      kind(&DeclarativeConfig::mutable_consumers, &DeclarativeConfig::consumers),
      kind(&DeclarativeConfig::mutable_jwt_secrets, &DeclarativeConfig::jwt_secrets),
      kind(&DeclarativeConfig::mutable_routes, &DeclarativeConfig::routes),
      kind(&DeclarativeConfig::mutable_plugins, &DeclarativeConfig::plugins),
  };
  return *all;
}

const Kind* findKind(std::string_view type_url) {
  for (const Kind& candidate : kinds()) {
    if (candidate.type_url == type_url) {
      return &candidate;
    }
  }
  return nullptr;
}

template <class Entities>
absl::flat_hash_set<std::string> idsOf(const Entities& entities) {
  absl::flat_hash_set<std::string> ids;
  for (const auto& entity : entities) {
    ids.insert(entity.id());
  }
  return ids;
}

absl::Status missing(const char* what, const std::string& id, const char* referrer,
                     const std::string& referrer_id) {
  return absl::FailedPreconditionError(absl::StrCat(referrer, " ", referrer_id, " refers to ", what,
                                                    " ", id, ", which is not present"));
}

}  // namespace

const std::vector<std::string>& resourceTypes() {
  static const auto* types = [] {
    auto* urls = new std::vector<std::string>();
    for (const Kind& each : kinds()) {
      urls->push_back(each.type_url);
    }
    return urls;
  }();
  return *types;
}

std::vector<Any> resourcesOf(const DeclarativeConfig& config, std::string_view type_url) {
  const Kind* found = findKind(type_url);
  return found != nullptr ? found->pack(config) : std::vector<Any>();
}

absl::Status setResources(std::string_view type_url, const RepeatedPtrField<Any>& resources,
                          DeclarativeConfig& config) {
  const Kind* found = findKind(type_url);
  if (found == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown resource type ", std::string(type_url)));
  }
  return found->unpack(resources, config);
}

absl::Status checkReferences(const DeclarativeConfig& config) {
  const auto services = idsOf(config.services());
  const auto routes = idsOf(config.routes());
  const auto consumers = idsOf(config.consumers());
  const auto certificates = idsOf(config.certificates());
  const auto ca_certificates = idsOf(config.ca_certificates());
  for (const auto& sni : config.snis()) {
    if (!certificates.contains(sni.certificate_id())) {
      return missing("certificate", sni.certificate_id(), "sni", sni.id());
    }
  }
  const auto upstreams = idsOf(config.upstreams());
  for (const auto& upstream : config.upstreams()) {
    if (upstream.has_client_certificate_id() &&
        !certificates.contains(upstream.client_certificate_id())) {
      return missing("certificate", upstream.client_certificate_id(), "upstream", upstream.id());
    }
  }
  for (const auto& target : config.targets()) {
    if (!upstreams.contains(target.upstream_id())) {
      return missing("upstream", target.upstream_id(), "target", target.id());
    }
  }
  for (const auto& service : config.services()) {
    if (service.has_client_certificate_id() &&
        !certificates.contains(service.client_certificate_id())) {
      return missing("certificate", service.client_certificate_id(), "service", service.id());
    }
    for (const std::string& ca : service.ca_certificate_ids().values()) {
      if (!ca_certificates.contains(ca)) {
        return missing("ca_certificate", ca, "service", service.id());
      }
    }
  }
  for (const auto& route : config.routes()) {
    if (route.has_service_id() && !services.contains(route.service_id())) {
      return missing("service", route.service_id(), "route", route.id());
    }
  }
  for (const auto& credential : config.jwt_secrets()) {
    if (!consumers.contains(credential.consumer_id())) {
      return missing("consumer", credential.consumer_id(), "jwt_secret", credential.id());
    }
  }
  for (const auto& plugin : config.plugins()) {
    if (plugin.has_route_id() && !routes.contains(plugin.route_id())) {
      return missing("route", plugin.route_id(), "plugin", plugin.id());
    }
    if (plugin.has_service_id() && !services.contains(plugin.service_id())) {
      return missing("service", plugin.service_id(), "plugin", plugin.id());
    }
    if (plugin.has_consumer_id() && !consumers.contains(plugin.consumer_id())) {
      return missing("consumer", plugin.consumer_id(), "plugin", plugin.id());
    }
  }
  return absl::OkStatus();
}

}  // namespace portico::xds
