#pragma once

#include <openssl/evp.h>

#include <string>

#include "nlohmann/json.hpp"
#include "source/filters/http/jwt/algorithm.h"
#include "source/filters/http/jwt/public_key.h"

namespace portico::filters::http::jwt::testing {

std::string base64Url(const std::string& bytes);

// A fresh key pair: "RSA" (2048 bits), "P-256", "P-384", "P-521", "Ed25519" or "Ed448".
PublicKeySharedPtr generateKey(const std::string& kind);
std::string publicKeyPem(EVP_PKEY* key);
// A self-signed certificate for `key`, as identity providers publish.
std::string certificatePem(EVP_PKEY* key);

// The public JWK (RFC 7517) of `key`, with `kid` and, unless empty, `alg`.
nlohmann::json publicJwk(EVP_PKEY* key, const std::string& kid, const std::string& alg = "");

// The raw signature JOSE expects (ES*: r||s, not DER).
std::string sign(Algorithm algorithm, EVP_PKEY* key, const std::string& input);
std::string hmac(Algorithm algorithm, const std::string& secret, const std::string& input);

// `<header>.<claims>.<signature>`; `header` gets `alg` unless it already has one (or it is null).
std::string mintHmac(Algorithm algorithm, const std::string& secret, const nlohmann::json& claims,
                     nlohmann::json header = nlohmann::json::object());
std::string mintWithKey(Algorithm algorithm, EVP_PKEY* key, const nlohmann::json& claims,
                        nlohmann::json header = nlohmann::json::object());

}  // namespace portico::filters::http::jwt::testing
