#pragma once

#include <openssl/evp.h>

#include <string_view>

#include "source/filters/http/jwt/algorithm.h"

namespace portico::filters::http::jwt {

// HS*: HMAC of `input` under `secret`, compared with `signature` in constant time.
bool verifyHmac(Algorithm algorithm, std::string_view secret, std::string_view input,
                std::string_view signature);

// Whether `key` is of the kind `algorithm` needs: RSA for RS*/PS*, EC on the matching curve for
// ES* (P-256/P-384/P-521), Ed25519 or Ed448 for EdDSA. Guards against algorithm confusion.
bool keyFitsAlgorithm(Algorithm algorithm, EVP_PKEY* key);

// RS*/PS*/ES*/EdDSA with a public key. ES* signatures are JOSE's raw r||s; one of the wrong length
// (Kong answers 500) is simply not valid. False for a key that does not fit the algorithm.
bool verifyWithKey(Algorithm algorithm, EVP_PKEY* key, std::string_view input,
                   std::string_view signature);

}  // namespace portico::filters::http::jwt
