#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "portico/config/v1/declarative.pb.h"

namespace portico::router::test {

// Fills one Route with Kong's defaults that matter to the router (strip_path true, http/https).
class RouteBuilder {
 public:
  explicit RouteBuilder(config::v1::Route* route) : route_(route) {}

  RouteBuilder& service(const std::string& service_id) {
    route_->set_service_id(service_id);
    return *this;
  }
  RouteBuilder& paths(const std::vector<std::string>& values) {
    return set(route_->mutable_paths(), values);
  }
  RouteBuilder& hosts(const std::vector<std::string>& values) {
    return set(route_->mutable_hosts(), values);
  }
  RouteBuilder& methods(const std::vector<std::string>& values) {
    return set(route_->mutable_methods(), values);
  }
  RouteBuilder& snis(const std::vector<std::string>& values) {
    return set(route_->mutable_snis(), values);
  }
  RouteBuilder& header(const std::string& name, const std::vector<std::string>& values) {
    return set(&(*route_->mutable_headers()->mutable_values())[name], values);
  }
  RouteBuilder& stripPath(bool strip) {
    route_->set_strip_path(strip);
    return *this;
  }
  RouteBuilder& regexPriority(int64_t priority) {
    route_->set_regex_priority(priority);
    return *this;
  }
  RouteBuilder& protocols(const std::vector<std::string>& values) {
    route_->clear_protocols();
    for (const std::string& value : values) {
      route_->add_protocols(value);
    }
    return *this;
  }
  // For fields the builder does not cover.
  config::v1::Route& proto() { return *route_; }

 private:
  RouteBuilder& set(config::v1::StringList* list, const std::vector<std::string>& values) {
    list->clear_values();
    for (const std::string& value : values) {
      list->add_values(value);
    }
    return *this;
  }

  config::v1::Route* route_;
};

// A DeclarativeConfig assembled in code, as the kong.yml translator would produce it.
class TestConfig {
 public:
  config::v1::Service& service(const std::string& id,
                               std::optional<std::string> path = std::nullopt) {
    config::v1::Service* service = config_->add_services();
    service->set_id(id);
    service->set_name(id);
    service->set_protocol("http");
    service->set_host("upstream.test");
    service->set_port(80);
    service->set_enabled(true);
    if (path) {
      service->set_path(*path);
    }
    return *service;
  }

  // A route of `service_id`; an empty id makes a serviceless route.
  RouteBuilder route(const std::string& id, const std::string& service_id) {
    config::v1::Route* route = config_->add_routes();
    route->set_id(id);
    route->set_name(id);
    route->add_protocols("http");
    route->add_protocols("https");
    route->set_strip_path(true);
    route->set_path_handling("v0");
    RouteBuilder builder(route);
    if (!service_id.empty()) {
      builder.service(service_id);
    }
    return builder;
  }

  std::shared_ptr<const config::v1::DeclarativeConfig> build() const { return config_; }

 private:
  std::shared_ptr<config::v1::DeclarativeConfig> config_ =
      std::make_shared<config::v1::DeclarativeConfig>();
};

}  // namespace portico::router::test
