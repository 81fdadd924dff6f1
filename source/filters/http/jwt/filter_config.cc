#include "source/filters/http/jwt/filter_config.h"

#include <ctime>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "source/filters/http/jwt/filter.h"

namespace portico::filters::http::jwt {
namespace {

absl::StatusOr<JwksConstSharedPtr> loadJwks(const PluginConfig& config) {
  if (config.jwks) {
    return Jwks::parse(*config.jwks);
  }
  if (!config.jwks_file) {
    return JwksConstSharedPtr();
  }
  std::ifstream file(*config.jwks_file, std::ios::binary);
  if (!file) {
    return absl::InvalidArgumentError(
        absl::StrCat("jwt: cannot read jwks_file ", *config.jwks_file));
  }
  std::ostringstream text;
  text << file.rdbuf();
  absl::StatusOr<JwksConstSharedPtr> jwks = Jwks::parse(text.str());
  if (!jwks.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("jwt: jwks_file ", *config.jwks_file, ": ", jwks.status().message()));
  }
  return jwks;
}

}  // namespace

int64_t systemClock() { return static_cast<int64_t>(std::time(nullptr)); }

absl::StatusOr<std::shared_ptr<const JwtFilterConfig>> JwtFilterConfig::create(
    const PluginConfig& config, CredentialStoreConstSharedPtr store, Clock clock) {
  absl::StatusOr<JwksConstSharedPtr> jwks = loadJwks(config);
  if (!jwks.ok()) {
    return jwks.status();
  }
  return std::shared_ptr<const JwtFilterConfig>(
      new JwtFilterConfig(config, std::move(store), std::move(*jwks), std::move(clock)));
}

JwtFilterConfig::JwtFilterConfig(const PluginConfig& config, CredentialStoreConstSharedPtr store,
                                 JwksConstSharedPtr jwks, Clock clock)
    : authenticator_(config, store, std::move(jwks)),
      run_on_preflight_(config.run_on_preflight),
      anonymous_(config.anonymous),
      claims_to_headers_(config.claims_to_headers),
      clock_(std::move(clock)) {
  if (anonymous_) {
    anonymous_consumer_ = store->findConsumer(*anonymous_);
  }
}

portico::http::HttpFilterPtr JwtFilterConfig::createFilter() const {
  return std::make_unique<JwtFilter>(*this);
}

}  // namespace portico::filters::http::jwt
