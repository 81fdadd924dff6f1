#include "source/filters/http/jwt/token.h"

#include <optional>

#include "source/filters/http/jwt/base64url.h"

namespace portico::filters::http::jwt {
namespace {

// A base64url segment holding a JSON object; Kong would fail on anything else later, with a 500.
std::optional<nlohmann::json> decodeJsonObject(std::string_view segment) {
  std::optional<std::string> text = decodeBase64Url(segment);
  if (!text) {
    return std::nullopt;
  }
  nlohmann::json value = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::variant<Token, TokenError> parseToken(std::string_view raw) {
  const size_t first_dot = raw.find('.');
  if (first_dot == std::string_view::npos) {
    return TokenError::kInvalidJson;
  }
  const size_t second_dot = raw.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) {
    return TokenError::kInvalidJson;
  }
  std::optional<nlohmann::json> header = decodeJsonObject(raw.substr(0, first_dot));
  if (!header) {
    return TokenError::kInvalidJson;
  }
  std::optional<nlohmann::json> claims =
      decodeJsonObject(raw.substr(first_dot + 1, second_dot - first_dot - 1));
  if (!claims) {
    return TokenError::kInvalidJson;
  }
  const auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) {
    return TokenError::kInvalidAlg;
  }
  std::optional<Algorithm> algorithm = parseAlgorithm(alg->get_ref<const std::string&>());
  if (!algorithm) {
    return TokenError::kInvalidAlg;
  }
  std::optional<std::string> signature = decodeBase64Url(raw.substr(second_dot + 1));
  if (!signature) {
    return TokenError::kInvalidSignature;
  }
  Token token;
  token.header = std::move(*header);
  token.claims = std::move(*claims);
  token.algorithm = *algorithm;
  token.signing_input = std::string(raw.substr(0, second_dot));
  token.signature = std::move(*signature);
  return token;
}

std::string_view tokenErrorText(TokenError error) {
  switch (error) {
    case TokenError::kInvalidJson:
      return "invalid JSON";
    case TokenError::kInvalidAlg:
      return "invalid alg";
    case TokenError::kInvalidSignature:
      return "invalid signature";
  }
  return "invalid JSON";
}

}  // namespace portico::filters::http::jwt
