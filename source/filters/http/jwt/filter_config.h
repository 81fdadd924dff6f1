#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "source/filters/http/jwt/authenticator.h"
#include "source/filters/http/jwt/plugin_config.h"
#include "source/http/filter_factory.h"

namespace portico::filters::http::jwt {

// Seconds since the epoch (Kong's ngx.time()); replaceable in tests.
using Clock = std::function<int64_t()>;
int64_t systemClock();

// One jwt plugin instance compiled for a config snapshot: keys parsed, JWKS loaded, the anonymous
// consumer resolved. Read-only; every worker's streams share it.
class JwtFilterConfig : public portico::http::FilterConfig {
 public:
  // Reads `jwks_file` (on the main thread, once per snapshot); fails when it cannot be read or
  // parsed, which rejects the whole config. A `jwks_uri` is kept fresh by `remote_jwks`; without
  // one (validation only) such a config has no JWKS keys.
  static absl::StatusOr<std::shared_ptr<const JwtFilterConfig>> create(
      const PluginConfig& config, CredentialStoreConstSharedPtr store,
      RemoteJwksRegistry* remote_jwks = nullptr, Clock clock = systemClock);

  portico::http::HttpFilterPtr createFilter() const override;

  const Authenticator& authenticator() const { return authenticator_; }
  bool runOnPreflight() const { return run_on_preflight_; }
  // The configured anonymous value (id or username), if any, and the consumer it names (null when
  // no such consumer exists: a 500 at request time, as in Kong 3.10).
  const std::optional<std::string>& anonymous() const { return anonymous_; }
  const config::v1::Consumer* anonymousConsumer() const { return anonymous_consumer_; }
  const std::vector<ClaimHeader>& claimsToHeaders() const { return claims_to_headers_; }
  int64_t now() const { return clock_(); }

 private:
  JwtFilterConfig(const PluginConfig& config, CredentialStoreConstSharedPtr store,
                  JwksSourceConstSharedPtr jwks, Clock clock);

  Authenticator authenticator_;
  bool run_on_preflight_;
  std::optional<std::string> anonymous_;
  const config::v1::Consumer* anonymous_consumer_ = nullptr;
  std::vector<ClaimHeader> claims_to_headers_;
  Clock clock_;
};

}  // namespace portico::filters::http::jwt
