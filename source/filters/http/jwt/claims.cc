#include "source/filters/http/jwt/claims.h"

#include <algorithm>

namespace portico::filters::http::jwt {
namespace {

using nlohmann::json;

const json* find(const json& claims, const char* name) {
  const auto it = claims.find(name);
  return it == claims.end() ? nullptr : &*it;
}

bool contains(const std::vector<std::string>& list, const json& value) {
  return value.is_string() &&
         std::find(list.begin(), list.end(), value.get_ref<const std::string&>()) != list.end();
}

bool audienceAllowed(const json* audience, const std::vector<std::string>& allowed) {
  if (audience == nullptr) {
    return false;
  }
  if (audience->is_array()) {
    return std::any_of(audience->begin(), audience->end(),
                       [&](const json& entry) { return contains(allowed, entry); });
  }
  return contains(allowed, *audience);
}

}  // namespace

json verifyRegisteredClaims(const json& claims, const ClaimPolicy& policy, int64_t now) {
  json errors;
  if (policy.verify_nbf) {
    const json* nbf = find(claims, "nbf");
    if (nbf == nullptr || !nbf->is_number()) {
      errors["nbf"] = "must be a number";
    } else if (nbf->get<double>() - static_cast<double>(policy.leeway) > static_cast<double>(now)) {
      errors["nbf"] = "token not valid yet";
    }
  }
  if (policy.verify_exp) {
    const json* exp = find(claims, "exp");
    if (exp == nullptr || !exp->is_number()) {
      errors["exp"] = "must be a number";
    } else if (exp->get<double>() + static_cast<double>(policy.leeway) <=
               static_cast<double>(now)) {
      errors["exp"] = "token expired";
    }
  }
  return errors;
}

json checkMaximumExpiration(const json& claims, const ClaimPolicy& policy, int64_t now) {
  if (policy.maximum_expiration <= 0) {
    return nullptr;
  }
  const json* exp = find(claims, "exp");
  if (exp == nullptr || !exp->is_number() ||
      exp->get<double>() - static_cast<double>(now) > policy.maximum_expiration) {
    return {{"exp", "exceeds maximum allowed expiration"}};
  }
  return nullptr;
}

json checkClaimPolicy(const json& claims, const ClaimPolicy& policy) {
  json errors;
  for (const std::string& name : policy.required_claims) {
    const auto it = claims.find(name);
    if (it == claims.end() || it->is_null()) {
      errors[name] = "required claim missing";
    }
  }
  if (!policy.allowed_issuers.empty()) {
    const json* issuer = find(claims, "iss");
    if (issuer == nullptr || !contains(policy.allowed_issuers, *issuer)) {
      errors["iss"] = "issuer not allowed";
    }
  }
  if (!policy.allowed_audiences.empty() &&
      !audienceAllowed(find(claims, "aud"), policy.allowed_audiences)) {
    errors["aud"] = "audience not allowed";
  }
  return errors;
}

}  // namespace portico::filters::http::jwt
