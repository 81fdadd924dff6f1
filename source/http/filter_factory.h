#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "portico/config/v1/declarative.pb.h"
#include "source/http/filter.h"
#include "source/http/loop_services.h"

namespace portico::http {

// A plugin instance's config, compiled once per snapshot on the main thread (keys parsed, regexes
// built) and shared read-only by every stream on every worker.
class FilterConfig {
 public:
  virtual ~FilterConfig() = default;
  virtual HttpFilterPtr createFilter() const = 0;
};

using FilterConfigConstSharedPtr = std::shared_ptr<const FilterConfig>;

// What a factory may read while compiling one plugin instance. Both outlive every FilterConfig
// compiled from them (the snapshot owns the config).
struct FilterFactoryContext {
  const config::v1::PluginInstance& instance;
  // The whole configuration (consumers and credentials for auth plugins).
  const config::v1::DeclarativeConfig& config;
  // The main loop's services, for plugins that fetch in the background off the request path
  // (cloud credentials, key sets); nullptr where nothing runs (config validation). They outlive
  // every compiled config.
  LoopServices* services = nullptr;
  // lua_ssl_trusted_certificate: PEM CAs to trust beyond the system store.
  std::string_view trusted_ca_pem;
};

// Turns a plugin's validated config (every default filled in by its schema) into a FilterConfig.
class FilterFactory {
 public:
  virtual ~FilterFactory() = default;
  virtual std::string_view name() const = 0;
  virtual absl::StatusOr<FilterConfigConstSharedPtr> compile(
      const google::protobuf::Struct& config, const FilterFactoryContext& context) const = 0;
};

// Filter factories by plugin name; filters register themselves (alwayslink), the core only looks
// them up. A plugin with a schema but no factory is accepted in config and does nothing.
class FilterFactoryRegistry {
 public:
  static FilterFactoryRegistry& instance();
  void add(std::unique_ptr<FilterFactory> factory);
  const FilterFactory* find(std::string_view name) const;

 private:
  std::map<std::string, std::unique_ptr<FilterFactory>, std::less<>> factories_;
};

template <class T>
struct RegisterFilterFactory {
  RegisterFilterFactory() { FilterFactoryRegistry::instance().add(std::make_unique<T>()); }
};

}  // namespace portico::http
