#pragma once

#include <memory>
#include <mutex>
#include <string_view>

#include "source/filters/http/jwt/credential_store.h"
#include "source/filters/http/jwt/jwks_source.h"
#include "source/http/filter_factory.h"

namespace portico::filters::http::jwt {

// Registered under "jwt". Every jwt instance of one snapshot shares one CredentialStore, so keys
// are parsed once per snapshot however many routes carry the plugin.
class JwtFilterFactory : public portico::http::FilterFactory {
 public:
  std::string_view name() const override { return "jwt"; }
  absl::StatusOr<portico::http::FilterConfigConstSharedPtr> compile(
      const google::protobuf::Struct& config,
      const portico::http::FilterFactoryContext& context) const override;

 private:
  // The main loop's registry that keeps `jwks_uri` sets fresh; nullptr when only validating.
  static RemoteJwksRegistry* remoteJwks(const portico::http::FilterFactoryContext& context);
  absl::StatusOr<CredentialStoreConstSharedPtr> storeFor(
      const config::v1::DeclarativeConfig& config, RemoteJwksRegistry* remote_jwks) const;

  // The store of the snapshot being compiled. Weak: the snapshot's filter configs own it, and a
  // new DeclarativeConfig at a recycled address cannot match a store that died with the old one.
  // Keyed by the registry too: a store built for validation has no remote key sets.
  mutable std::mutex mutex_;
  mutable const config::v1::DeclarativeConfig* last_config_ = nullptr;
  mutable RemoteJwksRegistry* last_remote_jwks_ = nullptr;
  mutable std::weak_ptr<const CredentialStore> last_store_;
};

}  // namespace portico::filters::http::jwt
