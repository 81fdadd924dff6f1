#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "source/filters/http/jwt/claims.h"
#include "source/filters/http/jwt/token_extractor.h"

namespace portico::filters::http::jwt {

// A claim copied to an upstream request header on success.
struct ClaimHeader {
  std::string claim;
  std::string header;
};

// The plugin's config record (schema.h), read into plain fields. The schema has filled every
// default, so a missing or mistyped field here is an internal error.
struct PluginConfig {
  TokenSources sources;
  std::string key_claim_name = "iss";
  bool secret_is_base64 = false;
  ClaimPolicy claims;
  std::optional<std::string> anonymous;
  bool run_on_preflight = true;
  std::optional<std::string> realm;
  std::optional<std::string> jwks;       // inline JWKS JSON
  std::optional<std::string> jwks_file;  // path of a JWKS JSON file
  std::optional<std::string> jwks_uri;   // URL of a JWKS, fetched and refreshed in the background
  double jwks_refresh_interval = 300;    // seconds
  std::vector<ClaimHeader> claims_to_headers;
};

absl::StatusOr<PluginConfig> parsePluginConfig(const google::protobuf::Struct& config);

}  // namespace portico::filters::http::jwt
