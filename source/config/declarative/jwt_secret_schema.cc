#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "source/config/declarative/common_fields.h"
#include "source/config/declarative/entity_schemas.h"
#include "source/config/declarative/service_url.h"
#include "source/filters/http/jwt/jwks.h"
#include "source/filters/http/jwt/jwks_uri.h"

namespace portico::config::declarative {
namespace {

// What lua-resty-openssl's pkey.new accepts as a key: a PEM public or private key.
// The issue asks for a PEM public key or an X.509 certificate (whose public key is used); Kong
// also takes a private key and uses its public half.
bool parsesAsKey(const std::string& pem) {
  auto read = [&pem](auto reader) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    auto* result = reader(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return result;
  };
  if (EVP_PKEY* key = read(PEM_read_bio_PUBKEY)) {
    EVP_PKEY_free(key);
    return true;
  }
  if (X509* certificate = read(PEM_read_bio_X509)) {
    EVP_PKEY* key = X509_get_pubkey(certificate);
    X509_free(certificate);
    EVP_PKEY_free(key);
    return key != nullptr;
  }
  EVP_PKEY* key = read(PEM_read_bio_PrivateKey);
  EVP_PKEY_free(key);
  ERR_clear_error();
  return key != nullptr;
}

bool needsPublicKey(const std::string& algorithm) {
  return algorithm[0] == 'R' || algorithm[0] == 'P' || algorithm == "EdDSA";
}

// The same rules as the jwt plugin's `jwks` and `jwks_uri`, so that a key set that would fail at
// compile or fetch time is refused with the rest of the config.
std::optional<std::string> checkJwks(const std::string& text) {
  absl::StatusOr<filters::http::jwt::JwksConstSharedPtr> jwks =
      filters::http::jwt::Jwks::parse(text);
  if (!jwks.ok()) {
    return std::string(jwks.status().message());
  }
  return std::nullopt;
}

std::optional<std::string> checkJwksUri(const std::string& uri) {
  const UrlParts parts = parseUrl(uri);
  if (!parts.host || parts.host->empty()) {
    return "missing host in url";
  }
  if (!parts.scheme) {
    return "missing scheme in url";
  }
  return filters::http::jwt::jwksUriError(uri);
}

std::vector<Field> buildJwtSecretFields(bool nested) {
  return {
      idField(),
      timestampField("created_at"),
      foreignField("consumer", nested, true),
      Field{"key", stringCheck()},
      Field{"secret", stringCheck()},
      Field{"rsa_public_key", stringCheck()},
      Field{"algorithm",
            stringCheck({oneOf({"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256",
                                "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"})}),
            false, "HS256"},
      tagsField(),
      // Beyond Kong: the identity provider's keys by `kid`.
      Field{"jwks", stringCheck({checkJwks})},
      Field{"jwks_uri", stringCheck({checkJwksUri})},
  };
}

// Built once per placement, not per credential.
const std::vector<Field>& jwtSecretFields(const Placement& placement) {
  static const std::vector<Field> top_level = buildJwtSecretFields(false);
  static const std::vector<Field> nested = buildJwtSecretFields(true);
  return placement.parent_key.empty() ? top_level : nested;
}

}  // namespace

nlohmann::json validateJwtSecret(nlohmann::json& secret, const Placement& placement) {
  nlohmann::json errors = checkFields(secret, jwtSecretFields(placement), placement.child_keys);
  const bool has_jwks = isSet(secret, "jwks") || isSet(secret, "jwks_uri");
  if (isSet(secret, "jwks") && isSet(secret, "jwks_uri") && !errors.contains("jwks") &&
      !errors.contains("jwks_uri")) {
    addEntityError(errors, "only one or none of these fields must be set: 'jwks', 'jwks_uri'");
  }
  if (errors.contains("algorithm") || errors.contains("rsa_public_key") ||
      !secret["algorithm"].is_string() || !needsPublicKey(secret["algorithm"])) {
    return errors;
  }
  if (!isSet(secret, "rsa_public_key")) {
    if (has_jwks) {
      return errors;
    }
    errors["rsa_public_key"] = messages::kRequired;
  } else if (!parsesAsKey(secret["rsa_public_key"])) {
    errors["rsa_public_key"] = "invalid key";
  } else {
    return errors;
  }
  addEntityError(errors, "failed conditional validation given value of field 'algorithm'");
  return errors;
}

}  // namespace portico::config::declarative
