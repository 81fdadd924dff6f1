#include "source/filters/http/jwt/token_extractor.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "source/common/http/cookies.h"
#include "source/common/http/uri_args.h"

namespace portico::filters::http::jwt {
namespace {

// Kong collects tokens in a Lua set; the flag stands for a valueless query parameter (`true`).
class TokenSet {
 public:
  void add(std::string_view token) {
    if (!token.empty() && std::find(tokens_.begin(), tokens_.end(), token) == tokens_.end()) {
      tokens_.emplace_back(token);
    }
  }
  void addFlag() { has_flag_ = true; }

  ExtractedToken result() && {
    ExtractedToken out;
    const size_t distinct = tokens_.size() + (has_flag_ ? 1 : 0);
    if (distinct == 0) {
      out.kind = ExtractedToken::Kind::kNone;
    } else if (distinct > 1) {
      out.kind = ExtractedToken::Kind::kMultiple;
    } else if (has_flag_) {
      out.kind = ExtractedToken::Kind::kUnrecognizable;
    } else {
      out.kind = ExtractedToken::Kind::kOne;
      out.token = std::move(tokens_.front());
    }
    return out;
  }

 private:
  std::vector<std::string> tokens_;
  bool has_flag_ = false;
};

}  // namespace

// Scanned by hand because a capturing RE2 search cost 12% of a jwt request's CPU time
// (tools/bench, jwt scenario); the unit test checks it against RE2 running Kong's pattern.
std::optional<std::string_view> bearerToken(std::string_view value) {
  for (size_t at = 0; at + 6 <= value.size(); ++at) {
    if ((value[at] != 'B' && value[at] != 'b') || value.compare(at + 1, 5, "earer") != 0) {
      continue;
    }
    size_t start = at + 6;
    while (start < value.size() && absl::ascii_isspace(static_cast<unsigned char>(value[start]))) {
      ++start;
    }
    const size_t spaces = start - (at + 6);
    if (spaces == 0) {
      continue;
    }
    if (start < value.size()) {
      return value.substr(start);
    }
    if (spaces >= 2) {
      return value.substr(value.size() - 1);  // `\s+` gives its last space back to `(.+)`
    }
  }
  return std::nullopt;
}

TokenExtractor::TokenExtractor(TokenSources sources) : sources_(std::move(sources)) {}

ExtractedToken TokenExtractor::extract(const portico::http::HeaderMap& headers,
                                       std::string_view raw_query) const {
  TokenSet tokens;
  if (!sources_.uri_param_names.empty() && !raw_query.empty()) {
    const std::vector<portico::http::UriArg> args = portico::http::parseUriArgs(raw_query);
    for (const std::string& name : sources_.uri_param_names) {
      for (const portico::http::UriArg& arg : args) {
        if (arg.name != name) {
          continue;
        }
        if (arg.value) {
          tokens.add(*arg.value);
        } else {
          tokens.addFlag();
        }
      }
    }
  }
  for (const std::string& name : sources_.cookie_names) {
    tokens.add(portico::http::findCookie(headers, name));
  }
  for (const std::string& name : sources_.header_names) {
    if (const std::string* value = headers.get(name)) {
      if (std::optional<std::string_view> token = bearerToken(*value)) {
        tokens.add(std::string(*token));
      }
    }
  }
  return std::move(tokens).result();
}

}  // namespace portico::filters::http::jwt
