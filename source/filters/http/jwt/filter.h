#pragma once

#include "source/filters/http/jwt/filter_config.h"
#include "source/http/filter.h"

namespace portico::filters::http::jwt {

// Kong's jwt handler (kong/plugins/jwt/handler.lua `access`) as a request filter: authenticates
// the request, identifies its consumer to later filters and the upstream, or answers 401.
class JwtFilter : public portico::http::HttpFilter {
 public:
  // `config` outlives the filter (the stream holds the snapshot that owns it).
  explicit JwtFilter(const JwtFilterConfig& config) : config_(config) {}

  portico::http::FilterStatus onRequestHeaders(portico::http::MessageHead& request,
                                               bool end_stream) override;

 private:
  void authenticated(portico::http::MessageHead& request, const AuthResult& result);
  portico::http::FilterStatus anonymous(portico::http::MessageHead& request);
  void copyClaims(portico::http::HeaderMap& headers, const nlohmann::json& claims);

  const JwtFilterConfig& config_;
};

}  // namespace portico::filters::http::jwt
