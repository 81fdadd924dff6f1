#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "source/common/http/header_map.h"
#include "source/filters/http/jwt/credential_store.h"
#include "source/filters/http/jwt/jwks.h"
#include "source/filters/http/jwt/jwks_source.h"
#include "source/filters/http/jwt/plugin_config.h"
#include "source/filters/http/jwt/token.h"
#include "source/filters/http/jwt/token_extractor.h"
#include "source/filters/http/jwt/verified_token_cache.h"

namespace portico::filters::http::jwt {

// The result of Kong's do_authentication (§3.3 steps 1–14).
struct AuthResult {
  enum class Kind {
    kAuthenticated,
    kRejected,     // Kong's exit: `status` with `body` and, unless empty, `www_authenticate`
    kServerError,  // Kong's Lua error: 500 "An unexpected error occurred"
  };
  Kind kind = Kind::kRejected;

  // kAuthenticated
  const Credential* credential = nullptr;
  TokenConstSharedPtr token;  // its claims feed claims_to_headers

  // kRejected
  int status = 401;
  nlohmann::json body;
  std::string www_authenticate;
};

// Authenticates one request against a plugin instance's config. Immutable; shared by every
// worker. The only per-thread state it touches is the worker's VerifiedTokenCache.
class Authenticator {
 public:
  // `jwks` may be null (no JWKS configured). A credential's own JWKS replaces it for that
  // credential's tokens.
  Authenticator(const PluginConfig& config, CredentialStoreConstSharedPtr store,
                JwksSourceConstSharedPtr jwks);

  AuthResult authenticate(const portico::http::HeaderMap& headers, std::string_view raw_query,
                          int64_t now, VerifiedTokenCache& cache) const;

  const std::string& wwwAuthenticate() const { return www_authenticate_; }
  const std::string& wwwAuthenticateWithError() const { return www_authenticate_error_; }

 private:
  AuthResult reject(std::string message, bool with_error) const;
  AuthResult rejectWithErrors(nlohmann::json errors) const;
  // Steps 9–11 with the JWKS key named by the token's `kid` (from the credential's JWKS, else the
  // plugin's), or else with the credential's own key. `verified_under` and `verified_secret` come
  // in as what a cached copy of the token verified under (null/0 if nothing) and go out as what
  // the signature verified under: the public key, or the credential secret's id (a JWKS secret
  // is not remembered: 0).
  std::optional<AuthResult> verifySignature(const Token& token, const Credential& credential,
                                            PublicKeySharedPtr& verified_under,
                                            uint64_t& verified_secret) const;
  std::optional<AuthResult> verifyWithJwk(const Token& token, const Jwk& jwk,
                                          PublicKeySharedPtr& verified_under) const;
  static bool verifyPublicKey(const Token& token, const PublicKeySharedPtr& key,
                              PublicKeySharedPtr& verified_under);
  // The key `source`'s current set holds for the token's `kid`, with that set (kept alive while
  // used); {} when `source` is null or the token names no kid.
  static std::pair<JwksConstSharedPtr, const Jwk*> jwkFor(const Token& token,
                                                          const JwksSource* source);

  TokenExtractor extractor_;
  std::string key_claim_name_;
  bool secret_is_base64_;
  ClaimPolicy claims_;
  CredentialStoreConstSharedPtr store_;
  JwksSourceConstSharedPtr jwks_;
  std::string www_authenticate_;
  std::string www_authenticate_error_;
};

}  // namespace portico::filters::http::jwt
