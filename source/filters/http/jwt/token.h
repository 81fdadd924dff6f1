#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "nlohmann/json.hpp"
#include "source/filters/http/jwt/algorithm.h"

namespace portico::filters::http::jwt {

// A compact JWS split and decoded, not yet verified.
struct Token {
  nlohmann::json header;  // a JSON object
  nlohmann::json claims;  // a JSON object
  Algorithm algorithm = Algorithm::kHS256;
  // `<header>.<claims>` as sent: the bytes the signature covers.
  std::string signing_input;
  std::string signature;  // decoded
};

// Why a token is malformed, in the order Kong's parser checks (§3.3 steps 3–5).
enum class TokenError {
  kInvalidJson,       // fewer than three parts, or header/claims not base64url JSON objects
  kInvalidAlg,        // `alg` missing, not a string, or not supported (`none`)
  kInvalidSignature,  // the signature part is not base64url (a fourth part, for instance)
};

// Splits on the first two dots (the third part keeps any further dots, as Kong's tokenizer does).
std::variant<Token, TokenError> parseToken(std::string_view raw);

// Kong's wording: the message is "Bad token; <this>".
std::string_view tokenErrorText(TokenError error);

}  // namespace portico::filters::http::jwt
