#include "source/filters/http/jwt/base64url.h"

#include "absl/strings/escaping.h"

namespace portico::filters::http::jwt {
namespace {

bool isUrlAlphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

std::optional<std::string> decodeBase64Url(std::string_view input) {
  size_t data_length = 0;
  while (data_length < input.size() && isUrlAlphabet(input[data_length])) {
    ++data_length;
  }
  for (size_t i = data_length; i < input.size(); ++i) {
    if (input[i] != '=') {
      return std::nullopt;
    }
  }
  // A lone trailing character carries fewer than 8 bits: no byte can end there.
  if (data_length % 4 == 1) {
    return std::nullopt;
  }
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(absl::string_view(input.data(), data_length), &decoded)) {
    return std::nullopt;
  }
  return decoded;
}

}  // namespace portico::filters::http::jwt
