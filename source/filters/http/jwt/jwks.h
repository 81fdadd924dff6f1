#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "source/filters/http/jwt/algorithm.h"
#include "source/filters/http/jwt/public_key.h"

namespace portico::filters::http::jwt {

// One signing key of a JSON Web Key Set (RFC 7517), converted once into what the verifier uses.
struct Jwk {
  std::string kid;
  std::optional<Algorithm> algorithm;  // the key's `alg`, when it names one
  PublicKeySharedPtr key;              // kty RSA, EC, OKP
  std::optional<std::string> secret;   // kty oct
};

// A parsed JWKS: keys by `kid`, so that an identity provider can rotate keys. Immutable.
class Jwks {
 public:
  // Keys with `use` other than "sig", without `kid`, or of an unknown kty are ignored (RFC 7517
  // §5); a supported key that does not decode is an error.
  static absl::StatusOr<std::shared_ptr<const Jwks>> parse(std::string_view json);

  const Jwk* find(std::string_view kid) const;
  size_t size() const { return keys_.size(); }

 private:
  std::vector<Jwk> keys_;
};

using JwksConstSharedPtr = std::shared_ptr<const Jwks>;

}  // namespace portico::filters::http::jwt
