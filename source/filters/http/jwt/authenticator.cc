#include "source/filters/http/jwt/authenticator.h"

#include "absl/strings/str_cat.h"
#include "source/filters/http/jwt/verifier.h"

namespace portico::filters::http::jwt {
namespace {

using nlohmann::json;

// Kong reads the key claim as `claims[k] or header[k]`: a missing claim or `false` falls through
// to the JOSE header.
const json* keyClaim(const Token& token, const std::string& name) {
  for (const json* source : {&token.claims, &token.header}) {
    const auto it = source->find(name);
    if (it != source->end() && !(it->is_boolean() && !it->get<bool>())) {
      return &*it;
    }
  }
  return nullptr;
}

}  // namespace

Authenticator::Authenticator(const PluginConfig& config, CredentialStoreConstSharedPtr store,
                             JwksSourceConstSharedPtr jwks)
    : extractor_(config.sources),
      key_claim_name_(config.key_claim_name),
      secret_is_base64_(config.secret_is_base64),
      claims_(config.claims),
      store_(std::move(store)),
      jwks_(std::move(jwks)) {
  if (config.realm) {
    www_authenticate_ = absl::StrCat("Bearer realm=\"", *config.realm, "\"");
    www_authenticate_error_ =
        absl::StrCat("Bearer realm=\"", *config.realm, "\", error=\"invalid_token\"");
  } else {
    www_authenticate_ = "Bearer";
    www_authenticate_error_ = "Bearer error=\"invalid_token\"";
  }
}

AuthResult Authenticator::reject(std::string message, bool with_error) const {
  AuthResult result;
  result.kind = AuthResult::Kind::kRejected;
  result.body = {{"message", std::move(message)}};
  result.www_authenticate = with_error ? www_authenticate_error_ : www_authenticate_;
  return result;
}

AuthResult Authenticator::rejectWithErrors(json errors) const {
  AuthResult result;
  result.kind = AuthResult::Kind::kRejected;
  result.body = std::move(errors);
  result.www_authenticate = www_authenticate_error_;
  return result;
}

AuthResult Authenticator::authenticate(const portico::http::HeaderMap& headers,
                                       std::string_view raw_query, int64_t now,
                                       VerifiedTokenCache& cache) const {
  ExtractedToken extracted = extractor_.extract(headers, raw_query);
  switch (extracted.kind) {
    case ExtractedToken::Kind::kNone:
      return reject("Unauthorized", false);
    case ExtractedToken::Kind::kMultiple:
      return reject("Multiple tokens provided", true);
    case ExtractedToken::Kind::kUnrecognizable:
      return reject("Unrecognizable token", true);
    case ExtractedToken::Kind::kOne:
      break;
  }
  VerifiedTokenCache::Entry* cached = cache.find(extracted.token, now);
  TokenConstSharedPtr parsed_token;
  if (cached != nullptr) {
    parsed_token = cached->token;
  } else {
    std::variant<Token, TokenError> parsed = parseToken(extracted.token);
    if (const TokenError* error = std::get_if<TokenError>(&parsed)) {
      return reject(absl::StrCat("Bad token; ", std::string(tokenErrorText(*error))), true);
    }
    parsed_token = std::make_shared<const Token>(std::move(std::get<Token>(parsed)));
  }
  const Token& token = *parsed_token;

  const json* key = keyClaim(token, key_claim_name_);
  if (key == nullptr) {
    return reject(absl::StrCat("No mandatory '", key_claim_name_, "' in claims"), true);
  }
  // Kong answers 500 for a key claim that is not a string (null, a number, an object): a client's
  // malformed token, so a 401 here.
  if (!key->is_string() || key->get_ref<const std::string&>().empty()) {
    return reject(absl::StrCat("Invalid '", key_claim_name_, "' in claims"), true);
  }
  const std::string& key_value = key->get_ref<const std::string&>();
  const Credential* credential = store_->findByKey(key_value);
  if (credential == nullptr) {
    return reject(absl::StrCat("No credentials found for given '", key_claim_name_, "'"), true);
  }
  if (token.algorithm != credential->algorithm) {
    return reject("Invalid algorithm", true);
  }
  PublicKeySharedPtr verified_under = cached != nullptr ? cached->verified_under : nullptr;
  uint64_t verified_secret = cached != nullptr ? cached->verified_secret : 0;
  if (std::optional<AuthResult> failure =
          verifySignature(token, *credential, verified_under, verified_secret)) {
    return std::move(*failure);
  }
  if (cached == nullptr) {
    if (cache.admit(extracted.token)) {
      cache.insert(extracted.token, parsed_token, std::move(verified_under), verified_secret);
    }
  } else {
    cached->verified_under = std::move(verified_under);
    cached->verified_secret = verified_secret;
  }

  if (json errors = verifyRegisteredClaims(token.claims, claims_, now); !errors.is_null()) {
    return rejectWithErrors(std::move(errors));
  }
  if (json errors = checkMaximumExpiration(token.claims, claims_, now); !errors.is_null()) {
    return rejectWithErrors(std::move(errors));
  }
  if (json errors = checkClaimPolicy(token.claims, claims_); !errors.is_null()) {
    return rejectWithErrors(std::move(errors));
  }
  if (credential->consumer == nullptr) {
    AuthResult result;
    result.kind = AuthResult::Kind::kRejected;
    result.body = {{"message", absl::StrCat("Could not find consumer for '", key_claim_name_, "=",
                                            key_value, "'")}};
    return result;
  }
  AuthResult result;
  result.kind = AuthResult::Kind::kAuthenticated;
  result.credential = credential;
  result.token = std::move(parsed_token);
  return result;
}

std::pair<JwksConstSharedPtr, const Jwk*> Authenticator::jwkFor(const Token& token,
                                                                const JwksSource* source) {
  if (source == nullptr) {
    return {};
  }
  const auto kid = token.header.find("kid");
  if (kid == token.header.end() || !kid->is_string()) {
    return {};
  }
  JwksConstSharedPtr set = source->current();
  const Jwk* jwk = set != nullptr ? set->find(kid->get_ref<const std::string&>()) : nullptr;
  if (jwk == nullptr && set != nullptr) {
    // Before the first set arrives the fetch is already under way (and retried): a wake now
    // would only use up the window in which a rotation can trigger one.
    source->onUnknownKid();
  }
  return {std::move(set), jwk};
}

std::optional<AuthResult> Authenticator::verifySignature(const Token& token,
                                                         const Credential& credential,
                                                         PublicKeySharedPtr& verified_under,
                                                         uint64_t& verified_secret) const {
  // A credential's own JWKS is its identity provider's: the plugin's set (trusted for every
  // credential) must not sign for it.
  const JwksSource* source = credential.jwks != nullptr ? credential.jwks.get() : jwks_.get();
  const auto [jwk_set, jwk] = jwkFor(token, source);
  if (jwk != nullptr) {
    verified_secret = 0;
    return verifyWithJwk(token, *jwk, verified_under);
  }
  if (familyOf(token.algorithm) == AlgorithmFamily::kHmac) {
    const std::string* secret = &credential.entity->secret();
    if (secret_is_base64_) {
      if (!credential.decoded_secret) {
        return reject("Invalid key/secret", true);
      }
      secret = &*credential.decoded_secret;
    }
    // Both secrets of a credential (as given, base64-decoded) have ids of their own.
    const uint64_t secret_id = credential.secret_generation * 2 + (secret_is_base64_ ? 1 : 0);
    if (verified_secret != secret_id) {
      if (!verifyHmac(token.algorithm, *secret, token.signing_input, token.signature)) {
        return reject("Invalid signature", true);
      }
      verified_secret = secret_id;
    }
    verified_under = nullptr;
    return std::nullopt;
  }
  verified_secret = 0;
  if (credential.public_key_invalid) {
    AuthResult result;
    result.kind = AuthResult::Kind::kServerError;
    return result;
  }
  if (credential.public_key == nullptr) {
    // With a JWKS the credential needs no key of its own: a kid its set lacks is a bad signature.
    return reject(credential.jwks != nullptr ? "Invalid signature" : "Invalid key/secret", true);
  }
  if (!verifyPublicKey(token, credential.public_key, verified_under)) {
    return reject("Invalid signature", true);
  }
  return std::nullopt;
}

std::optional<AuthResult> Authenticator::verifyWithJwk(const Token& token, const Jwk& jwk,
                                                       PublicKeySharedPtr& verified_under) const {
  // The identity provider's key for this `kid` replaces the credential's own; it must be of the
  // kind the algorithm needs, so that no token can pick HMAC over a public key.
  const bool hmac = familyOf(token.algorithm) == AlgorithmFamily::kHmac;
  const bool fits =
      (!jwk.algorithm || *jwk.algorithm == token.algorithm) &&
      (hmac ? jwk.secret.has_value() : keyFitsAlgorithm(token.algorithm, jwk.key.get()));
  if (!fits) {
    return reject("Invalid algorithm", true);
  }
  if (hmac) {
    if (!verifyHmac(token.algorithm, *jwk.secret, token.signing_input, token.signature)) {
      return reject("Invalid signature", true);
    }
    verified_under = nullptr;
    return std::nullopt;
  }
  if (!verifyPublicKey(token, jwk.key, verified_under)) {
    return reject("Invalid signature", true);
  }
  return std::nullopt;
}

bool Authenticator::verifyPublicKey(const Token& token, const PublicKeySharedPtr& key,
                                    PublicKeySharedPtr& verified_under) {
  if (verified_under == key) {
    return true;
  }
  if (!verifyWithKey(token.algorithm, key.get(), token.signing_input, token.signature)) {
    return false;
  }
  verified_under = key;
  return true;
}

}  // namespace portico::filters::http::jwt
