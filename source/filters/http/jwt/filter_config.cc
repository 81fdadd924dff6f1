#include "source/filters/http/jwt/filter_config.h"

#include <ctime>

#include "absl/strings/str_cat.h"
#include "source/common/file/read_file.h"
#include "source/filters/http/jwt/filter.h"

namespace portico::filters::http::jwt {
namespace {

absl::StatusOr<JwksConstSharedPtr> readJwksFile(const std::string& path) {
  absl::StatusOr<std::string> text = file::readFile(path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("jwt: cannot read jwks_file ", path, ": ", text.status().message()));
  }
  absl::StatusOr<JwksConstSharedPtr> jwks = Jwks::parse(*text);
  if (!jwks.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("jwt: jwks_file ", path, ": ", jwks.status().message()));
  }
  return jwks;
}

absl::StatusOr<JwksSourceConstSharedPtr> staticSource(absl::StatusOr<JwksConstSharedPtr> jwks) {
  if (!jwks.ok()) {
    return jwks.status();
  }
  return std::make_shared<const StaticJwksSource>(std::move(*jwks));
}

absl::StatusOr<JwksSourceConstSharedPtr> jwksSource(const PluginConfig& config,
                                                    RemoteJwksRegistry* remote_jwks) {
  if (config.jwks) {
    return staticSource(Jwks::parse(*config.jwks));
  }
  if (config.jwks_file) {
    return staticSource(readJwksFile(*config.jwks_file));
  }
  if (!config.jwks_uri) {
    return JwksSourceConstSharedPtr();
  }
  if (remote_jwks == nullptr) {
    return staticSource(JwksConstSharedPtr());
  }
  RemoteJwksRegistry::Options options;
  options.refresh_interval_ms = static_cast<uint64_t>(config.jwks_refresh_interval * 1000);
  return JwksSourceConstSharedPtr(remote_jwks->get(*config.jwks_uri, options));
}

}  // namespace

int64_t systemClock() { return static_cast<int64_t>(std::time(nullptr)); }

absl::StatusOr<std::shared_ptr<const JwtFilterConfig>> JwtFilterConfig::create(
    const PluginConfig& config, CredentialStoreConstSharedPtr store,
    RemoteJwksRegistry* remote_jwks, Clock clock) {
  absl::StatusOr<JwksSourceConstSharedPtr> jwks = jwksSource(config, remote_jwks);
  if (!jwks.ok()) {
    return jwks.status();
  }
  return std::shared_ptr<const JwtFilterConfig>(
      new JwtFilterConfig(config, std::move(store), std::move(*jwks), std::move(clock)));
}

JwtFilterConfig::JwtFilterConfig(const PluginConfig& config, CredentialStoreConstSharedPtr store,
                                 JwksSourceConstSharedPtr jwks, Clock clock)
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
