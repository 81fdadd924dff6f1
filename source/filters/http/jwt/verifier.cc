#include "source/filters/http/jwt/verifier.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <array>
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

struct MacContextDeleter {
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};
using MacContextPtr = std::unique_ptr<EVP_MAC_CTX, MacContextDeleter>;

// The calling thread's HMAC context for an HS* algorithm, re-keyed for each token. OpenSSL 3's
// one-shot HMAC() looks the implementation up and builds a context on every call, which took
// longer than the hashing (2.8 against 0.6 µs per HS256 token).
EVP_MAC_CTX* hmacContext(Algorithm algorithm) {
  thread_local std::array<MacContextPtr, 3> contexts;
  const size_t index = static_cast<size_t>(algorithm) - static_cast<size_t>(Algorithm::kHS256);
  MacContextPtr& context = contexts.at(index);
  if (context != nullptr) {
    return context.get();
  }
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> hmac(
      EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr), &EVP_MAC_free);
  if (hmac == nullptr) {
    return nullptr;
  }
  MacContextPtr created(EVP_MAC_CTX_new(hmac.get()));
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                       const_cast<char*>(EVP_MD_get0_name(digestOf(algorithm))), 0),
      OSSL_PARAM_construct_end()};
  if (created == nullptr || EVP_MAC_CTX_set_params(created.get(), params) != 1) {
    return nullptr;
  }
  context = std::move(created);
  return context.get();
}

}  // namespace

bool verifyHmac(Algorithm algorithm, std::string_view secret, std::string_view input,
                std::string_view signature) {
  if (familyOf(algorithm) != AlgorithmFamily::kHmac) {
    return false;
  }
  EVP_MAC_CTX* context = hmacContext(algorithm);
  // A null key would tell EVP_MAC_init to keep the previous token's; an empty secret is a key.
  static const unsigned char kEmpty = 0;
  const auto* key =
      secret.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(secret.data());
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t mac_length = 0;
  if (context == nullptr || EVP_MAC_init(context, key, secret.size(), nullptr) != 1 ||
      EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(input.data()), input.size()) !=
          1 ||
      EVP_MAC_final(context, mac, &mac_length, sizeof mac) != 1) {
    ERR_clear_error();
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
