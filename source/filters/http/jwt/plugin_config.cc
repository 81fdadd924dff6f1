#include "source/filters/http/jwt/plugin_config.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace portico::filters::http::jwt {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

const Value* field(const Struct& config, const char* name) {
  const auto it = config.fields().find(name);
  if (it == config.fields().end() || it->second.kind_case() == Value::kNullValue) {
    return nullptr;
  }
  return &it->second;
}

absl::Status typeError(const char* name, const char* expected) {
  return absl::InvalidArgumentError(absl::StrCat("jwt config '", name, "': expected ", expected));
}

absl::Status readString(const Struct& config, const char* name, std::optional<std::string>& out) {
  const Value* value = field(config, name);
  if (value == nullptr) {
    out.reset();
    return absl::OkStatus();
  }
  if (value->kind_case() != Value::kStringValue) {
    return typeError(name, "a string");
  }
  out = value->string_value();
  return absl::OkStatus();
}

absl::Status readStrings(const Struct& config, const char* name, std::vector<std::string>& out) {
  out.clear();
  const Value* value = field(config, name);
  if (value == nullptr) {
    return absl::OkStatus();
  }
  if (value->kind_case() != Value::kListValue) {
    return typeError(name, "a list of strings");
  }
  for (const Value& element : value->list_value().values()) {
    if (element.kind_case() != Value::kStringValue) {
      return typeError(name, "a list of strings");
    }
    out.push_back(element.string_value());
  }
  return absl::OkStatus();
}

absl::Status readBool(const Struct& config, const char* name, bool& out) {
  const Value* value = field(config, name);
  if (value == nullptr) {
    return absl::OkStatus();
  }
  if (value->kind_case() != Value::kBoolValue) {
    return typeError(name, "a boolean");
  }
  out = value->bool_value();
  return absl::OkStatus();
}

absl::Status readNumber(const Struct& config, const char* name, double& out) {
  const Value* value = field(config, name);
  if (value == nullptr) {
    return absl::OkStatus();
  }
  if (value->kind_case() != Value::kNumberValue) {
    return typeError(name, "a number");
  }
  out = value->number_value();
  return absl::OkStatus();
}

absl::Status readClaimHeaders(const Struct& config, std::vector<ClaimHeader>& out) {
  const Value* value = field(config, "claims_to_headers");
  if (value == nullptr) {
    return absl::OkStatus();
  }
  if (value->kind_case() != Value::kListValue) {
    return typeError("claims_to_headers", "a list");
  }
  for (const Value& element : value->list_value().values()) {
    if (element.kind_case() != Value::kStructValue) {
      return typeError("claims_to_headers", "a list of records");
    }
    ClaimHeader mapping;
    std::optional<std::string> claim;
    std::optional<std::string> header;
    if (absl::Status s = readString(element.struct_value(), "claim", claim); !s.ok()) {
      return s;
    }
    if (absl::Status s = readString(element.struct_value(), "header", header); !s.ok()) {
      return s;
    }
    if (!claim || !header) {
      return typeError("claims_to_headers", "records with a claim and a header");
    }
    out.push_back(ClaimHeader{*claim, *header});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PluginConfig> parsePluginConfig(const Struct& config) {
  PluginConfig out;
  std::optional<std::string> key_claim_name;
  std::vector<std::string> claims_to_verify;
  double leeway = 0;
  for (absl::Status status : {
           readStrings(config, "uri_param_names", out.sources.uri_param_names),
           readStrings(config, "cookie_names", out.sources.cookie_names),
           readStrings(config, "header_names", out.sources.header_names),
           readString(config, "key_claim_name", key_claim_name),
           readBool(config, "secret_is_base64", out.secret_is_base64),
           readStrings(config, "claims_to_verify", claims_to_verify),
           readString(config, "anonymous", out.anonymous),
           readBool(config, "run_on_preflight", out.run_on_preflight),
           readNumber(config, "maximum_expiration", out.claims.maximum_expiration),
           readString(config, "realm", out.realm),
           readString(config, "jwks", out.jwks),
           readString(config, "jwks_file", out.jwks_file),
           readString(config, "jwks_uri", out.jwks_uri),
           readNumber(config, "jwks_refresh_interval", out.jwks_refresh_interval),
           readStrings(config, "allowed_issuers", out.claims.allowed_issuers),
           readStrings(config, "allowed_audiences", out.claims.allowed_audiences),
           readStrings(config, "required_claims", out.claims.required_claims),
           readNumber(config, "leeway", leeway),
           readClaimHeaders(config, out.claims_to_headers),
       }) {
    if (!status.ok()) {
      return status;
    }
  }
  if (key_claim_name) {
    out.key_claim_name = *key_claim_name;
  }
  out.claims.leeway = static_cast<int64_t>(leeway);
  const auto has = [&](const char* claim) {
    return std::find(claims_to_verify.begin(), claims_to_verify.end(), claim) !=
           claims_to_verify.end();
  };
  out.claims.verify_exp = has("exp");
  out.claims.verify_nbf = has("nbf");
  return out;
}

}  // namespace portico::filters::http::jwt
