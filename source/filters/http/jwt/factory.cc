#include "source/filters/http/jwt/factory.h"

#include "source/filters/http/jwt/filter_config.h"
#include "source/filters/http/jwt/plugin_config.h"

namespace portico::filters::http::jwt {

absl::StatusOr<portico::http::FilterConfigConstSharedPtr> JwtFilterFactory::compile(
    const google::protobuf::Struct& config,
    const portico::http::FilterFactoryContext& context) const {
  absl::StatusOr<PluginConfig> parsed = parsePluginConfig(config);
  if (!parsed.ok()) {
    return parsed.status();
  }
  RemoteJwksRegistry* remote_jwks = remoteJwks(context);
  absl::StatusOr<CredentialStoreConstSharedPtr> store = storeFor(context.config, remote_jwks);
  if (!store.ok()) {
    return store.status();
  }
  absl::StatusOr<std::shared_ptr<const JwtFilterConfig>> compiled =
      JwtFilterConfig::create(*parsed, std::move(*store), remote_jwks);
  if (!compiled.ok()) {
    return compiled.status();
  }
  return portico::http::FilterConfigConstSharedPtr(std::move(*compiled));
}

RemoteJwksRegistry* JwtFilterFactory::remoteJwks(
    const portico::http::FilterFactoryContext& context) {
  if (context.services == nullptr || context.services->fetcher() == nullptr) {
    return nullptr;
  }
  portico::http::LoopServices& services = *context.services;
  return &services.getOrCreate<RemoteJwksRegistry>([&services] {
    return std::make_unique<RemoteJwksRegistry>(services.loop(), *services.fetcher());
  });
}

absl::StatusOr<CredentialStoreConstSharedPtr> JwtFilterFactory::storeFor(
    const config::v1::DeclarativeConfig& config, RemoteJwksRegistry* remote_jwks) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (last_config_ == &config && last_remote_jwks_ == remote_jwks) {
    if (CredentialStoreConstSharedPtr store = last_store_.lock()) {
      return store;
    }
  }
  absl::StatusOr<CredentialStoreConstSharedPtr> store = CredentialStore::build(config, remote_jwks);
  if (!store.ok()) {
    return store.status();
  }
  last_config_ = &config;
  last_remote_jwks_ = remote_jwks;
  last_store_ = *store;
  return store;
}

static const portico::http::RegisterFilterFactory<JwtFilterFactory> kRegister;

}  // namespace portico::filters::http::jwt
