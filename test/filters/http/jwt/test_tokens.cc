#include "test/filters/http/jwt/test_tokens.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

#include "absl/strings/escaping.h"

namespace portico::filters::http::jwt::testing {
namespace {

std::string bioText(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string derToRaw(Algorithm algorithm, const std::string& der) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &bytes, static_cast<long>(der.size()));
  const size_t half = ecdsaCoordinateSize(algorithm);
  std::string raw(2 * half, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()),
               static_cast<int>(half));
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data() + half),
               static_cast<int>(half));
  ECDSA_SIG_free(sig);
  return raw;
}

std::string signingInput(Algorithm algorithm, const nlohmann::json& claims, nlohmann::json header) {
  if (header.is_object() && !header.contains("alg")) {
    header["alg"] = std::string(algorithmName(algorithm));
  }
  if (header.is_object() && !header.contains("typ")) {
    header["typ"] = "JWT";
  }
  return base64Url(header.dump()) + "." + base64Url(claims.dump());
}

}  // namespace

std::string base64Url(const std::string& bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);
  return out;
}

PublicKeySharedPtr generateKey(const std::string& kind) {
  EVP_PKEY* key = nullptr;
  if (kind == "RSA") {
    key = EVP_RSA_gen(2048);
  } else if (kind == "Ed25519" || kind == "Ed448") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, kind.c_str());
  } else {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", kind.c_str());
  }
  return adoptKey(key);
}

std::string publicKeyPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PUBKEY(bio.get(), key);
  return bioText(bio.get());
}

std::string certificatePem(EVP_PKEY* key) {
  X509* certificate = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate), 3600);
  X509_set_pubkey(certificate, key);
  X509_NAME* name = X509_get_subject_name(certificate);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("idp.test"), -1, -1, 0);
  X509_set_issuer_name(certificate, name);
  const bool edwards =
      EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 || EVP_PKEY_get_base_id(key) == EVP_PKEY_ED448;
  X509_sign(certificate, key, edwards ? nullptr : EVP_sha256());
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_X509(bio.get(), certificate);
  X509_free(certificate);
  return bioText(bio.get());
}

nlohmann::json publicJwk(EVP_PKEY* key, const std::string& kid, const std::string& alg) {
  nlohmann::json jwk = {{"kid", kid}};
  if (!alg.empty()) {
    jwk["alg"] = alg;
  }
  const int type = EVP_PKEY_get_base_id(key);
  if (type == EVP_PKEY_RSA) {
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n);
    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e);
    std::string n_bytes(BN_num_bytes(n), '\0');
    std::string e_bytes(BN_num_bytes(e), '\0');
    BN_bn2bin(n, reinterpret_cast<unsigned char*>(n_bytes.data()));
    BN_bn2bin(e, reinterpret_cast<unsigned char*>(e_bytes.data()));
    BN_free(n);
    BN_free(e);
    jwk["kty"] = "RSA";
    jwk["n"] = base64Url(n_bytes);
    jwk["e"] = base64Url(e_bytes);
  } else if (type == EVP_PKEY_EC) {
    unsigned char point[200];
    size_t length = 0;
    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &length);
    const size_t half = (length - 1) / 2;
    const int bits = EVP_PKEY_get_bits(key);
    jwk["kty"] = "EC";
    jwk["crv"] = bits == 256 ? "P-256" : bits == 384 ? "P-384" : "P-521";
    jwk["x"] = base64Url(std::string(reinterpret_cast<char*>(point + 1), half));
    jwk["y"] = base64Url(std::string(reinterpret_cast<char*>(point + 1 + half), half));
  } else {
    unsigned char raw[64];
    size_t length = sizeof(raw);
    EVP_PKEY_get_raw_public_key(key, raw, &length);
    jwk["kty"] = "OKP";
    jwk["crv"] = type == EVP_PKEY_ED25519 ? "Ed25519" : "Ed448";
    jwk["x"] = base64Url(std::string(reinterpret_cast<char*>(raw), length));
  }
  return jwk;
}

std::string sign(Algorithm algorithm, EVP_PKEY* key, const std::string& input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_PKEY_CTX* key_ctx = nullptr;
  EVP_DigestSignInit(ctx.get(), &key_ctx, digestOf(algorithm), nullptr, key);
  if (familyOf(algorithm) == AlgorithmFamily::kRsaPss) {
    EVP_PKEY_CTX_set_rsa_padding(key_ctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(key_ctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size());
  std::string signature(length, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                 input.size());
  signature.resize(length);
  if (familyOf(algorithm) == AlgorithmFamily::kEcdsa) {
    return derToRaw(algorithm, signature);
  }
  return signature;
}

std::string hmac(Algorithm algorithm, const std::string& secret, const std::string& input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(digestOf(algorithm), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return std::string(reinterpret_cast<char*>(mac), length);
}

std::string mintHmac(Algorithm algorithm, const std::string& secret, const nlohmann::json& claims,
                     nlohmann::json header) {
  const std::string input = signingInput(algorithm, claims, std::move(header));
  return input + "." + base64Url(hmac(algorithm, secret, input));
}

std::string mintWithKey(Algorithm algorithm, EVP_PKEY* key, const nlohmann::json& claims,
                        nlohmann::json header) {
  const std::string input = signingInput(algorithm, claims, std::move(header));
  return input + "." + base64Url(sign(algorithm, key, input));
}

}  // namespace portico::filters::http::jwt::testing
