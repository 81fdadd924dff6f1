#pragma once

#include <openssl/evp.h>

#include <optional>
#include <string_view>

namespace portico::filters::http::jwt {

// The JWS algorithms Kong's jwt plugin accepts (kong/plugins/jwt/jwt_parser.lua); `none` is not
// one of them.
enum class Algorithm {
  kHS256,
  kHS384,
  kHS512,
  kRS256,
  kRS384,
  kRS512,
  kES256,
  kES384,
  kES512,
  kPS256,
  kPS384,
  kPS512,
  kEdDSA,
};

enum class AlgorithmFamily { kHmac, kRsa, kRsaPss, kEcdsa, kEdDsa };

// Exact, case-sensitive names ("HS256", "EdDSA").
std::optional<Algorithm> parseAlgorithm(std::string_view name);
std::string_view algorithmName(Algorithm algorithm);
AlgorithmFamily familyOf(Algorithm algorithm);
// The hash the algorithm signs; nullptr for EdDSA, which hashes internally.
const EVP_MD* digestOf(Algorithm algorithm);
// ES*: the size of r (and of s) in a JOSE signature: 32, 48 or 66 bytes.
size_t ecdsaCoordinateSize(Algorithm algorithm);

}  // namespace portico::filters::http::jwt
