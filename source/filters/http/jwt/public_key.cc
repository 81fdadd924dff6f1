#include "source/filters/http/jwt/public_key.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace portico::filters::http::jwt {
namespace {

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

BioPtr memoryBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free);
}

EVP_PKEY* readPublicKey(std::string_view pem) {
  BioPtr bio = memoryBio(pem);
  return PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
}

EVP_PKEY* readCertificateKey(std::string_view pem) {
  BioPtr bio = memoryBio(pem);
  X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (certificate == nullptr) {
    return nullptr;
  }
  EVP_PKEY* key = X509_get_pubkey(certificate);
  X509_free(certificate);
  return key;
}

EVP_PKEY* readPrivateKey(std::string_view pem) {
  BioPtr bio = memoryBio(pem);
  return PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
}

}  // namespace

PublicKeySharedPtr adoptKey(EVP_PKEY* key) {
  if (key == nullptr) {
    return nullptr;
  }
  return PublicKeySharedPtr(key, &EVP_PKEY_free);
}

PublicKeySharedPtr parsePemKey(std::string_view pem) {
  EVP_PKEY* key = readPublicKey(pem);
  if (key == nullptr) {
    key = readCertificateKey(pem);
  }
  if (key == nullptr) {
    key = readPrivateKey(pem);
  }
  // Failed attempts leave errors queued on this thread; they must not surface in later TLS calls.
  ERR_clear_error();
  return adoptKey(key);
}

}  // namespace portico::filters::http::jwt
