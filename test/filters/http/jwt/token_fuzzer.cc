// libFuzzer target for the token parser: whatever a client sends as a token must be parsed or
// rejected without crashing, and a parsed token must be consistent with its input.
// Bazel (gcc) runs it over token_corpus/ as token_fuzz_test. To fuzz (apt-get install clang),
// from the workspace root:
//   clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -I.
//     test/filters/http/jwt/token_fuzzer.cc
//     source/filters/http/jwt/{algorithm,base64url,token}.cc source/common/http/uri_args.cc
//     -labsl_strings -labsl_strings_internal -labsl_base -labsl_raw_logging_internal
//     -labsl_throw_delegate -lcrypto -o /tmp/token_fuzzer    (one command)
//   mkdir -p /tmp/corpus  # new inputs go to the first folder, not the seeds
//   /tmp/token_fuzzer -max_total_time=60 /tmp/corpus test/filters/http/jwt/token_corpus
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
