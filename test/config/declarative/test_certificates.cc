#include "test/config/declarative/test_certificates.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdlib>

namespace portico::config::declarative::testing {
namespace {

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

EVP_PKEY* generateKey(KeyKind kind) {
  return kind == KeyKind::kEcP256 ? EVP_EC_gen("P-256")
                                  : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
}

std::string toPem(int (*write)(BIO*, void*), void* object) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(write(bio, object) == 1);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  return pem;
}

int writeCertificate(BIO* bio, void* cert) {
  return PEM_write_bio_X509(bio, static_cast<X509*>(cert));
}

int writeKey(BIO* bio, void* key) {
  return PEM_write_bio_PrivateKey(bio, static_cast<EVP_PKEY*>(key), nullptr, nullptr, 0, nullptr,
                                  nullptr);
}

void addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  check(extension != nullptr && X509_add_ext(cert, extension, -1) == 1);
  X509_EXTENSION_free(extension);
}

}  // namespace

TestCertificate makeCertificate(const CertificateSpec& spec) {
  EVP_PKEY* key = generateKey(spec.key_kind);
  check(key != nullptr);
  X509* issuer_cert = nullptr;
  EVP_PKEY* signing_key = key;
  if (spec.issuer != nullptr) {
    BIO* cert_bio = BIO_new_mem_buf(spec.issuer->cert.data(), -1);
    issuer_cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
    BIO_free(cert_bio);
    BIO* key_bio = BIO_new_mem_buf(spec.issuer->key.data(), -1);
    signing_key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
    BIO_free(key_bio);
    check(issuer_cert != nullptr && signing_key != nullptr);
  }
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), std::rand() + 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), spec.not_before);
  X509_gmtime_adj(X509_getm_notAfter(cert), spec.not_after);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(cert, issuer_cert != nullptr ? X509_get_subject_name(issuer_cert) : name);
  addExtension(cert, issuer_cert != nullptr ? issuer_cert : cert, NID_basic_constraints,
               spec.ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (spec.ca) {
    addExtension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  }
  if (!spec.subject_alt_names.empty()) {
    addExtension(cert, cert, NID_subject_alt_name, spec.subject_alt_names);
  }
  const EVP_MD* digest =
      EVP_PKEY_get_base_id(signing_key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  check(X509_sign(cert, signing_key, digest) > 0);
  TestCertificate result{toPem(writeCertificate, cert), toPem(writeKey, key)};
  X509_free(cert);
  X509_free(issuer_cert);
  if (signing_key != key) {
    EVP_PKEY_free(signing_key);
  }
  EVP_PKEY_free(key);
  return result;
}

}  // namespace portico::config::declarative::testing
