// libFuzzer target for the token parser: whatever a client sends as a token must be parsed or
// rejected without crashing, and a parsed token must be consistent with its input.
// token_fuzz_test runs it over token_corpus/ with the ordinary toolchain; tools/fuzz fuzzes it.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "source/common/http/uri_args.h"
#include "source/filters/http/jwt/base64url.h"
#include "source/filters/http/jwt/token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using portico::filters::http::jwt::Token;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = portico::filters::http::jwt::parseToken(input);
  if (const Token* token = std::get_if<Token>(&parsed)) {
    if (input.substr(0, token->signing_input.size()) != token->signing_input ||
        !token->header.is_object() || !token->claims.is_object()) {
      __builtin_trap();
    }
  }
  portico::filters::http::jwt::decodeBase64Url(input);
  portico::http::parseUriArgs(input);
  return 0;
}
