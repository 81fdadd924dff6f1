#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "portico/config/v1/declarative.pb.h"
#include "source/filters/http/jwt/algorithm.h"
#include "source/filters/http/jwt/jwks_source.h"
#include "source/filters/http/jwt/public_key.h"

namespace portico::filters::http::jwt {

// One jwt_secret, compiled: its key material decoded and parsed once per config snapshot.
struct Credential {
  const config::v1::JwtCredential* entity = nullptr;
  const config::v1::Consumer* consumer = nullptr;  // null when the consumer is gone (§3.3 #14)
  Algorithm algorithm = Algorithm::kHS256;
  // HS*: the secret after base64url decoding, for secret_is_base64; nullopt if it does not decode.
  std::optional<std::string> decoded_secret;
  // Non-HS: the parsed rsa_public_key; null when absent or unparsable.
  PublicKeySharedPtr public_key;
  // rsa_public_key was given but does not parse (only possible for ES*, which Kong's schema does
  // not check): a server-side fault, answered with a 500 as Kong does.
  bool public_key_invalid = false;
  // The credential's own JWKS (`jwks` or `jwks_uri`); null when it names none.
  JwksSourceConstSharedPtr jwks;
  // Unique in the process, never reused: names this snapshot's secret, so that a token whose
  // HMAC verified under it needs no second check (a reload makes new credentials, new numbers).
  uint64_t secret_generation = 0;
};

// Every jwt credential and consumer of one DeclarativeConfig, indexed for the request path.
// Shared by all jwt plugin instances of a snapshot; immutable after build.
class CredentialStore {
 public:
  // `config` must outlive the store (the snapshot owns both). A credential's `jwks_uri` is kept
  // fresh by `remote_jwks`; without one (validation only) it has no keys. Fails when a
  // credential's inline `jwks` does not parse, which rejects the whole config.
  static absl::StatusOr<std::shared_ptr<const CredentialStore>> build(
      const config::v1::DeclarativeConfig& config, RemoteJwksRegistry* remote_jwks = nullptr);

  const Credential* findByKey(std::string_view key) const;
  // Kong's load_consumer(value, true): by id, then by username.
  const config::v1::Consumer* findConsumer(std::string_view id_or_username) const;

 private:
  CredentialStore() = default;

  absl::flat_hash_map<std::string, Credential> by_key_;
  absl::flat_hash_map<std::string, const config::v1::Consumer*> consumers_by_id_;
  absl::flat_hash_map<std::string, const config::v1::Consumer*> consumers_by_username_;
};

using CredentialStoreConstSharedPtr = std::shared_ptr<const CredentialStore>;

}  // namespace portico::filters::http::jwt
