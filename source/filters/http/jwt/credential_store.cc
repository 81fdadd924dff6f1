#include "source/filters/http/jwt/credential_store.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "source/filters/http/jwt/base64url.h"

namespace portico::filters::http::jwt {
namespace {

absl::StatusOr<JwksSourceConstSharedPtr> jwksSourceOf(const config::v1::JwtCredential& entity,
                                                      RemoteJwksRegistry* remote_jwks) {
  if (entity.has_jwks()) {
    absl::StatusOr<JwksConstSharedPtr> jwks = Jwks::parse(entity.jwks());
    if (!jwks.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("jwt: the jwks of jwt_secret ", entity.id(), ": ", jwks.status().message()));
    }
    return std::make_shared<const StaticJwksSource>(std::move(*jwks));
  }
  if (!entity.has_jwks_uri()) {
    return JwksSourceConstSharedPtr();
  }
  if (remote_jwks == nullptr) {
    return std::make_shared<const StaticJwksSource>(nullptr);
  }
  // The plugin's default refresh interval; a plugin naming the same URL first sets its own.
  return JwksSourceConstSharedPtr(
      remote_jwks->get(entity.jwks_uri(), RemoteJwksRegistry::Options()));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const CredentialStore>> CredentialStore::build(
    const config::v1::DeclarativeConfig& config, RemoteJwksRegistry* remote_jwks) {
  auto store = std::shared_ptr<CredentialStore>(new CredentialStore());
  for (const config::v1::Consumer& consumer : config.consumers()) {
    store->consumers_by_id_[consumer.id()] = &consumer;
    if (consumer.has_username()) {
      store->consumers_by_username_[consumer.username()] = &consumer;
    }
  }
  for (const config::v1::JwtCredential& entity : config.jwt_secrets()) {
    static std::atomic<uint64_t> next_generation{1};
    Credential credential;
    credential.entity = &entity;
    credential.secret_generation = next_generation.fetch_add(1, std::memory_order_relaxed);
    if (auto it = store->consumers_by_id_.find(entity.consumer_id());
        it != store->consumers_by_id_.end()) {
      credential.consumer = it->second;
    }
    credential.algorithm = parseAlgorithm(entity.algorithm()).value_or(Algorithm::kHS256);
    if (familyOf(credential.algorithm) == AlgorithmFamily::kHmac) {
      credential.decoded_secret = decodeBase64Url(entity.secret());
    } else if (entity.has_rsa_public_key() && !entity.rsa_public_key().empty()) {
      credential.public_key = parsePemKey(entity.rsa_public_key());
      credential.public_key_invalid = credential.public_key == nullptr;
    }
    absl::StatusOr<JwksSourceConstSharedPtr> jwks = jwksSourceOf(entity, remote_jwks);
    if (!jwks.ok()) {
      return jwks.status();
    }
    credential.jwks = std::move(*jwks);
    store->by_key_.emplace(entity.key(), std::move(credential));
  }
  return std::shared_ptr<const CredentialStore>(std::move(store));
}

const Credential* CredentialStore::findByKey(std::string_view key) const {
  auto it = by_key_.find(absl::string_view(key.data(), key.size()));
  return it == by_key_.end() ? nullptr : &it->second;
}

const config::v1::Consumer* CredentialStore::findConsumer(std::string_view id_or_username) const {
  const absl::string_view key(id_or_username.data(), id_or_username.size());
  if (auto it = consumers_by_id_.find(key); it != consumers_by_id_.end()) {
    return it->second;
  }
  if (auto it = consumers_by_username_.find(key); it != consumers_by_username_.end()) {
    return it->second;
  }
  return nullptr;
}

}  // namespace portico::filters::http::jwt
