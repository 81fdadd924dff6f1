#include "source/common/tls/self_signed.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace portico::tls {
namespace {

constexpr long kTenYearsSeconds = 10L * 365 * 24 * 60 * 60;

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

absl::Status failure(const char* step) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  char text[256] = "unknown error";
  if (code != 0) {
    ERR_error_string_n(code, text, sizeof(text));
  }
  return absl::InternalError(absl::StrCat("default certificate: ", step, ": ", text));
}

std::unique_ptr<EVP_PKEY, PkeyDeleter> generateKey(KeyType type) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> context(
      EVP_PKEY_CTX_new_id(type == KeyType::kRsa ? EVP_PKEY_RSA : EVP_PKEY_EC, nullptr));
  if (context == nullptr || EVP_PKEY_keygen_init(context.get()) != 1) {
    return nullptr;
  }
  const int configured =
      type == KeyType::kRsa
          ? EVP_PKEY_CTX_set_rsa_keygen_bits(context.get(), 2048)
          : EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context.get(), NID_X9_62_prime256v1);
  EVP_PKEY* key = nullptr;
  if (configured != 1 || EVP_PKEY_keygen(context.get(), &key) != 1) {
    return nullptr;
  }
  return std::unique_ptr<EVP_PKEY, PkeyDeleter>(key);
}

bool setName(X509_NAME* name) {
  const auto add = [name](const char* field, const char* value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                      reinterpret_cast<const unsigned char*>(value), -1, -1,
                                      0) == 1;
  };
  return add("O", "Portico") && add("CN", "localhost");
}

bool addExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  const bool added = extension != nullptr && X509_add_ext(cert, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return added;
}

bool randomSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return false;
  }
  bytes[0] &= 0x7f;  // a positive serial
  BIGNUM* number = BN_bin2bn(bytes, sizeof(bytes), nullptr);
  const bool set =
      number != nullptr && BN_to_ASN1_INTEGER(number, X509_get_serialNumber(cert)) != nullptr;
  BN_free(number);
  return set;
}

std::string pemOf(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(length));
}

}  // namespace

absl::StatusOr<CertificatePair> makeSelfSignedCertificate(KeyType type) {
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key = generateKey(type);
  if (key == nullptr) {
    return failure("key generation");
  }
  std::unique_ptr<X509, X509Deleter> cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), 2) != 1 || !randomSerial(cert.get()) ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kTenYearsSeconds) == nullptr ||
      !setName(X509_get_subject_name(cert.get())) ||
      X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1 ||
      X509_set_pubkey(cert.get(), key.get()) != 1 ||
      !addExtension(cert.get(), NID_subject_alt_name, "DNS:localhost") ||
      !addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return failure("certificate");
  }
  std::unique_ptr<BIO, BioDeleter> cert_pem(BIO_new(BIO_s_mem()));
  std::unique_ptr<BIO, BioDeleter> key_pem(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(cert_pem.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_pem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1) {
    return failure("PEM encoding");
  }
  return CertificatePair{pemOf(cert_pem.get()), pemOf(key_pem.get())};
}

}  // namespace portico::tls
