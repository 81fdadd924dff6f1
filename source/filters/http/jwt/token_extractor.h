#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "source/common/http/header_map.h"

namespace portico::filters::http::jwt {

// Where a plugin instance looks for tokens (§3.1 uri_param_names, cookie_names, header_names).
struct TokenSources {
  std::vector<std::string> uri_param_names;
  std::vector<std::string> cookie_names;
  std::vector<std::string> header_names;
};

// What the request carries, after duplicates collapse (§3.2).
struct ExtractedToken {
  enum class Kind {
    kNone,
    kOne,
    kMultiple,
    // The only "token" is a query parameter without a value (`?jwt`): Kong sees `true`, not a
    // string.
    kUnrecognizable,
  };
  Kind kind = Kind::kNone;
  std::string token;  // for kOne
};

// Kong's ngx.re.match(value, [[\s*[Bb]earer\s+(.+)]]): the text after the first "Bearer" or
// "bearer" and its whitespace, to the end of the value (header values hold no line breaks).
std::optional<std::string_view> bearerToken(std::string_view value);

// Kong's retrieve_tokens: every query value of each uri_param_names entry, each named cookie, and
// the first line of each named header when it holds `[Bb]earer <token>` (unanchored).
class TokenExtractor {
 public:
  explicit TokenExtractor(TokenSources sources);

  ExtractedToken extract(const portico::http::HeaderMap& headers, std::string_view raw_query) const;

 private:
  TokenSources sources_;
};

}  // namespace portico::filters::http::jwt
