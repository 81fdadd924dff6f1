#include "source/filters/http/jwt/verifier.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <memory>
#include <optional>
#include <string>

namespace portico::filters::http::jwt {
namespace {

// JOSE's r||s to the DER ECDSA-Sig-Value that OpenSSL verifies.
std::optional<std::string> ecdsaRawToDer(Algorithm algorithm, std::string_view raw) {
  const size_t half = ecdsaCoordinateSize(algorithm);
  if (raw.size() != 2 * half) {
    return std::nullopt;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(bytes + half, static_cast<int>(half), nullptr);
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), &ECDSA_SIG_free);
  if (r == nullptr || s == nullptr || sig == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) {
    return std::nullopt;
  }
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

int curveBits(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kES256:
      return 256;
    case Algorithm::kES384:
      return 384;
    default:
      return 521;
  }
}

bool digestVerify(Algorithm algorithm, EVP_PKEY* key, std::string_view input,
                  std::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_PKEY_CTX* key_ctx = nullptr;
  if (ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), &key_ctx, digestOf(algorithm), nullptr, key) != 1) {
    return false;
  }
  const AlgorithmFamily family = familyOf(algorithm);
  if (family == AlgorithmFamily::kRsa &&
      EVP_PKEY_CTX_set_rsa_padding(key_ctx, RSA_PKCS1_PADDING) != 1) {
    return false;
  }
  if (family == AlgorithmFamily::kRsaPss &&
      (EVP_PKEY_CTX_set_rsa_padding(key_ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(key_ctx, RSA_PSS_SALTLEN_AUTO) != 1)) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

}  // namespace

bool verifyHmac(Algorithm algorithm, std::string_view secret, std::string_view input,
                std::string_view signature) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  // HMAC() treats a null key as "no key"; an empty secret must still be a (weak) key.
  static const char kEmpty = 0;
  const void* key = secret.empty() ? &kEmpty : secret.data();
  if (HMAC(digestOf(algorithm), key, static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
           &mac_length) == nullptr) {
    return false;
  }
  return signature.size() == mac_length && CRYPTO_memcmp(mac, signature.data(), mac_length) == 0;
}

bool keyFitsAlgorithm(Algorithm algorithm, EVP_PKEY* key) {
  if (key == nullptr) {
    return false;
  }
  const int type = EVP_PKEY_get_base_id(key);
  switch (familyOf(algorithm)) {
    case AlgorithmFamily::kHmac:
      return false;
    case AlgorithmFamily::kRsa:
      return type == EVP_PKEY_RSA;
    case AlgorithmFamily::kRsaPss:
      return type == EVP_PKEY_RSA || type == EVP_PKEY_RSA_PSS;
    case AlgorithmFamily::kEcdsa:
      return type == EVP_PKEY_EC && EVP_PKEY_get_bits(key) == curveBits(algorithm);
    case AlgorithmFamily::kEdDsa:
      return type == EVP_PKEY_ED25519 || type == EVP_PKEY_ED448;
  }
  return false;
}

bool verifyWithKey(Algorithm algorithm, EVP_PKEY* key, std::string_view input,
                   std::string_view signature) {
  if (!keyFitsAlgorithm(algorithm, key)) {
    return false;
  }
  bool valid = false;
  if (familyOf(algorithm) == AlgorithmFamily::kEcdsa) {
    std::optional<std::string> der = ecdsaRawToDer(algorithm, signature);
    valid = der && digestVerify(algorithm, key, input, *der);
  } else {
    valid = digestVerify(algorithm, key, input, signature);
  }
  // A failed verification queues errors on this thread; drop them so TLS code never sees them.
  ERR_clear_error();
  return valid;
}

}  // namespace portico::filters::http::jwt
