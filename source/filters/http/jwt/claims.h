#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace portico::filters::http::jwt {

// What a plugin instance requires of a token's claims. Defaults are Kong's: nothing.
struct ClaimPolicy {
  bool verify_exp = false;  // claims_to_verify contains "exp"
  bool verify_nbf = false;  // claims_to_verify contains "nbf"
  double maximum_expiration = 0;
  // Beyond Kong: seconds of clock skew forgiven on exp and nbf.
  int64_t leeway = 0;
  std::vector<std::string> allowed_issuers;    // empty: any
  std::vector<std::string> allowed_audiences;  // empty: any
  std::vector<std::string> required_claims;
};

// Each function returns Kong's error object (claim name -> message), or null when the claims pass.

// §3.5 claims_to_verify: both claims are checked and their errors collected.
nlohmann::json verifyRegisteredClaims(const nlohmann::json& claims, const ClaimPolicy& policy,
                                      int64_t now);
// §3.5 maximum_expiration (only when > 0): `exp` must exist and lie within it.
nlohmann::json checkMaximumExpiration(const nlohmann::json& claims, const ClaimPolicy& policy,
                                      int64_t now);
// Beyond Kong: issuer and audience allow-lists, required claims.
nlohmann::json checkClaimPolicy(const nlohmann::json& claims, const ClaimPolicy& policy);

}  // namespace portico::filters::http::jwt
