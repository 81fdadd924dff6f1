#include "source/filters/http/jwt/credential_store.h"

#include "source/filters/http/jwt/base64url.h"

namespace portico::filters::http::jwt {

std::shared_ptr<const CredentialStore> CredentialStore::build(
    const config::v1::DeclarativeConfig& config) {
  auto store = std::shared_ptr<CredentialStore>(new CredentialStore());
  for (const config::v1::Consumer& consumer : config.consumers()) {
    store->consumers_by_id_[consumer.id()] = &consumer;
    if (consumer.has_username()) {
      store->consumers_by_username_[consumer.username()] = &consumer;
    }
  }
  for (const config::v1::JwtCredential& entity : config.jwt_secrets()) {
    Credential credential;
    credential.entity = &entity;
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
    store->by_key_.emplace(entity.key(), std::move(credential));
  }
  return store;
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
