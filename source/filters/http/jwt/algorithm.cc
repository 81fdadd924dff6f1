#include "source/filters/http/jwt/algorithm.h"

#include <array>
#include <utility>

namespace portico::filters::http::jwt {
namespace {

constexpr std::array<std::pair<std::string_view, Algorithm>, 13> kNames = {{
    {"HS256", Algorithm::kHS256},
    {"HS384", Algorithm::kHS384},
    {"HS512", Algorithm::kHS512},
    {"RS256", Algorithm::kRS256},
    {"RS384", Algorithm::kRS384},
    {"RS512", Algorithm::kRS512},
    {"ES256", Algorithm::kES256},
    {"ES384", Algorithm::kES384},
    {"ES512", Algorithm::kES512},
    {"PS256", Algorithm::kPS256},
    {"PS384", Algorithm::kPS384},
    {"PS512", Algorithm::kPS512},
    {"EdDSA", Algorithm::kEdDSA},
}};

}  // namespace

std::optional<Algorithm> parseAlgorithm(std::string_view name) {
  for (const auto& [text, algorithm] : kNames) {
    if (text == name) {
      return algorithm;
    }
  }
  return std::nullopt;
}

std::string_view algorithmName(Algorithm algorithm) {
  for (const auto& [text, value] : kNames) {
    if (value == algorithm) {
      return text;
    }
  }
  return {};
}

AlgorithmFamily familyOf(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kHS256:
    case Algorithm::kHS384:
    case Algorithm::kHS512:
      return AlgorithmFamily::kHmac;
    case Algorithm::kRS256:
    case Algorithm::kRS384:
    case Algorithm::kRS512:
      return AlgorithmFamily::kRsa;
    case Algorithm::kES256:
    case Algorithm::kES384:
    case Algorithm::kES512:
      return AlgorithmFamily::kEcdsa;
    case Algorithm::kPS256:
    case Algorithm::kPS384:
    case Algorithm::kPS512:
      return AlgorithmFamily::kRsaPss;
    case Algorithm::kEdDSA:
      return AlgorithmFamily::kEdDsa;
  }
  return AlgorithmFamily::kHmac;
}

const EVP_MD* digestOf(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kHS256:
    case Algorithm::kRS256:
    case Algorithm::kES256:
    case Algorithm::kPS256:
      return EVP_sha256();
    case Algorithm::kHS384:
    case Algorithm::kRS384:
    case Algorithm::kES384:
    case Algorithm::kPS384:
      return EVP_sha384();
    case Algorithm::kHS512:
    case Algorithm::kRS512:
    case Algorithm::kES512:
    case Algorithm::kPS512:
      return EVP_sha512();
    case Algorithm::kEdDSA:
      return nullptr;
  }
  return nullptr;
}

size_t ecdsaCoordinateSize(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kES256:
      return 32;
    case Algorithm::kES384:
      return 48;
    case Algorithm::kES512:
      return 66;
    default:
      return 0;
  }
}

}  // namespace portico::filters::http::jwt
