#include "source/filters/http/jwt/jwks.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "source/filters/http/jwt/base64url.h"

namespace portico::filters::http::jwt {
namespace {

using nlohmann::json;
using BignumPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
using ParamBuildPtr = std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)>;
using KeyContextPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

// A string member, or "" (nlohmann's value() would throw on a mistyped one).
std::string stringMember(const json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::string> member(const json& key, const char* name) {
  const auto it = key.find(name);
  if (it == key.end() || !it->is_string()) {
    return std::nullopt;
  }
  return decodeBase64Url(it->get_ref<const std::string&>());
}

BignumPtr bignum(const std::string& bytes) {
  return BignumPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                             static_cast<int>(bytes.size()), nullptr),
                   &BN_free);
}

PublicKeySharedPtr fromParams(const char* type, OSSL_PARAM_BLD* build) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(build), &OSSL_PARAM_free);
  KeyContextPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return adoptKey(key);
}

PublicKeySharedPtr rsaKey(const json& jwk) {
  std::optional<std::string> n = member(jwk, "n");
  std::optional<std::string> e = member(jwk, "e");
  if (!n || !e || n->empty() || e->empty()) {
    return nullptr;
  }
  BignumPtr modulus = bignum(*n);
  BignumPtr exponent = bignum(*e);
  ParamBuildPtr build(OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
  if (modulus == nullptr || exponent == nullptr || build == nullptr ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return nullptr;
  }
  return fromParams("RSA", build.get());
}

size_t coordinateSize(const std::string& curve) {
  if (curve == "P-256") {
    return 32;
  }
  if (curve == "P-384") {
    return 48;
  }
  if (curve == "P-521") {
    return 66;
  }
  return 0;
}

PublicKeySharedPtr ecKey(const json& jwk) {
  const std::string curve = stringMember(jwk, "crv");
  const size_t size = coordinateSize(curve);
  std::optional<std::string> x = member(jwk, "x");
  std::optional<std::string> y = member(jwk, "y");
  if (size == 0 || !x || !y || x->size() != size || y->size() != size) {
    return nullptr;
  }
  // An uncompressed point; OpenSSL checks that it lies on the curve.
  const std::string point = absl::StrCat("\x04", *x, *y);
  ParamBuildPtr build(OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
  if (build == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.c_str(), 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return nullptr;
  }
  return fromParams("EC", build.get());
}

PublicKeySharedPtr okpKey(const json& jwk) {
  const std::string curve = stringMember(jwk, "crv");
  std::optional<std::string> x = member(jwk, "x");
  if (!x) {
    return nullptr;
  }
  int type = 0;
  if (curve == "Ed25519") {
    type = EVP_PKEY_ED25519;
  } else if (curve == "Ed448") {
    type = EVP_PKEY_ED448;
  } else {
    return nullptr;
  }
  return adoptKey(EVP_PKEY_new_raw_public_key(
      type, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size()));
}

// Fills `out` from one JWK; false when a supported key does not decode. Unsupported keys leave
// `out.kid` empty.
bool convert(const json& entry, Jwk& out) {
  if (!entry.is_object() || stringMember(entry, "kid").empty()) {
    return true;
  }
  if (entry.contains("use") && stringMember(entry, "use") != "sig") {
    return true;
  }
  const std::string kty = stringMember(entry, "kty");
  if (kty == "RSA") {
    out.key = rsaKey(entry);
  } else if (kty == "EC") {
    out.key = ecKey(entry);
  } else if (kty == "OKP") {
    out.key = okpKey(entry);
  } else if (kty == "oct") {
    out.secret = member(entry, "k");
  } else {
    return true;
  }
  ERR_clear_error();
  if (out.key == nullptr && !out.secret) {
    return false;
  }
  out.algorithm = parseAlgorithm(stringMember(entry, "alg"));
  if (entry.contains("alg") && !out.algorithm) {
    return true;  // an encryption key, or a signature algorithm this gateway does not verify
  }
  out.kid = stringMember(entry, "kid");
  return true;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Jwks>> Jwks::parse(std::string_view text) {
  const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || !document.contains("keys") || !document["keys"].is_array()) {
    return absl::InvalidArgumentError("a JWKS must be a JSON object with a 'keys' array");
  }
  auto jwks = std::shared_ptr<Jwks>(new Jwks());
  size_t index = 0;
  for (const json& entry : document["keys"]) {
    ++index;
    Jwk jwk;
    if (!convert(entry, jwk)) {
      return absl::InvalidArgumentError(
          absl::StrCat("JWKS key ", index, " (kid '", stringMember(entry, "kid"),
                       "') does not decode as a ", stringMember(entry, "kty"), " key"));
    }
    if (!jwk.kid.empty()) {
      jwks->keys_.push_back(std::move(jwk));
    }
  }
  return std::shared_ptr<const Jwks>(std::move(jwks));
}

const Jwk* Jwks::find(std::string_view kid) const {
  for (const Jwk& jwk : keys_) {
    if (jwk.kid == kid) {
      return &jwk;
    }
  }
  return nullptr;
}

}  // namespace portico::filters::http::jwt
