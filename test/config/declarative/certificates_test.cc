#include <openssl/evp.h>
#include <openssl/pem.h>

#include <regex>
#include <string>

#include "gtest/gtest.h"
#include "source/config/declarative/entity_json.h"
#include "source/config/declarative/export.h"
#include "source/config/declarative/loader.h"
#include "test/config/declarative/load_results.h"
#include "test/config/declarative/test_certificates.h"

namespace portico::config::declarative {
namespace {

using testing::errorsOf;
using testing::loadJson;

using testing::CertificateSpec;
using testing::certificateSpec;
using testing::KeyKind;
using testing::makeCertificate;
using testing::TestCertificate;

constexpr char kCaId[] = "6c5d8d73-8d8c-4e8b-9f3a-2f6f3a1d5e01";
constexpr char kCertificateId[] = "1f7a3b0e-3a55-4f0e-9d6c-0d1c2b3a4f50";

const TestCertificate& testCa() {
  static const TestCertificate ca =
      makeCertificate(certificateSpec("Test CA", KeyKind::kEcP256, true));
  return ca;
}

const TestCertificate& leaf() {
  static const TestCertificate leaf = [] {
    CertificateSpec spec;
    spec.common_name = "client";
    spec.issuer = &testCa();
    return makeCertificate(spec);
  }();
  return leaf;
}

nlohmann::json entityErrors(const LoadResult& result, const char* table) {
  return errorsOf(result)[table][0]["@entity"];
}

// sha256 of the DER, computed independently of the loader.
std::string derSha256Hex(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  unsigned char* der = nullptr;
  int length = i2d_X509(cert, &der);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  EVP_Digest(der, static_cast<size_t>(length), digest, &digest_length, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  X509_free(cert);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < digest_length; ++i) {
    snprintf(byte, sizeof(byte), "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

nlohmann::json httpsService(nlohmann::json fields) {
  nlohmann::json service = {{"name", "secure"}, {"url", "https://127.0.0.1:9443"}};
  service.update(fields);
  return service;
}

TEST(CaCertificatesTest, LoadsWithItsDigestAndTimestamps) {
  LoadResult result =
      loadJson({{"ca_certificates", {{{"id", kCaId}, {"cert", testCa().cert}, {"tags", {"ca"}}}}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  ASSERT_EQ(result.config->ca_certificates_size(), 1);
  const v1::CaCertificate& ca = result.config->ca_certificates(0);
  EXPECT_EQ(ca.id(), kCaId);
  EXPECT_EQ(ca.cert(), testCa().cert);
  EXPECT_EQ(ca.cert_digest(), derSha256Hex(testCa().cert));
  EXPECT_EQ(ca.tags().values(0), "ca");
  EXPECT_GT(ca.created_at(), 0);
  EXPECT_EQ(ca.updated_at(), ca.created_at());
  EXPECT_NE(result.config->config_hash(), "00000000000000000000000000000000");
}

TEST(CaCertificatesTest, WithoutAnIdGetsARandomOne) {
  nlohmann::json document = {{"ca_certificates", {{{"cert", testCa().cert}}}}};
  LoadResult first = loadJson(document);
  LoadResult second = loadJson(document);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first.config->ca_certificates(0).id(), second.config->ca_certificates(0).id());
}

TEST(CaCertificatesTest, AGivenDigestIsRecomputedUnlessTransformIsFalse) {
  nlohmann::json ca = {{"id", kCaId}, {"cert", testCa().cert}, {"cert_digest", "abc"}};
  LoadResult transformed = loadJson({{"ca_certificates", {ca}}});
  ASSERT_TRUE(transformed.ok());
  EXPECT_EQ(transformed.config->ca_certificates(0).cert_digest(), derSha256Hex(testCa().cert));
  LoadResult kept = loadJson({{"_transform", false}, {"ca_certificates", {ca}}});
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept.config->ca_certificates(0).cert_digest(), "abc");
}

TEST(CaCertificatesTest, CertIsRequired) {
  EXPECT_EQ(errorsOf(loadJson({{"ca_certificates", {{{"id", kCaId}}}}})),
            nlohmann::json({{"ca_certificates", {{{"cert", "required field missing"}}}}}));
}

TEST(CaCertificatesTest, UnparsableCertReportsOpensslReason) {
  LoadResult result =
      loadJson({{"ca_certificates", {{{"cert", "-----BEGIN CERTIFICATE-----\nxx\n"}}}}});
  std::string message = errorsOf(result)["ca_certificates"][0]["cert"];
  // Kong: "invalid certificate: x509.new: error:688010A:asn1 encoding routines:
  // asn1_item_embed_d2i:nested asn1 error:asn1/tasn_dec.c:349:"
  EXPECT_TRUE(
      std::regex_match(message, std::regex("invalid certificate: x509\\.new: "
                                           "error:[0-9A-F]+:[^:]+:[^:]*:[^:]+:[^:]+:[0-9]+:")))
      << message;
}

TEST(CaCertificatesTest, MustBeACa) {
  EXPECT_EQ(
      entityErrors(loadJson({{"ca_certificates", {{{"cert", leaf().cert}}}}}), "ca_certificates"),
      nlohmann::json({"certificate does not appear to be a CA because it is missing the "
                      "\"CA\" basic constraint"}));
}

TEST(CaCertificatesTest, MustNotBeExpired) {
  CertificateSpec spec = certificateSpec("Old CA", KeyKind::kEcP256, true);
  spec.not_before = -7200;
  spec.not_after = -3600;
  TestCertificate expired = makeCertificate(spec);
  EXPECT_EQ(
      entityErrors(loadJson({{"ca_certificates", {{{"cert", expired.cert}}}}}), "ca_certificates"),
      nlohmann::json({"certificate expired, \"Not After\" time is in the past"}));
}

TEST(CaCertificatesTest, HoldsOneCertificateOnly) {
  EXPECT_EQ(entityErrors(loadJson({{"ca_certificates", {{{"cert", testCa().cert + leaf().cert}}}}}),
                         "ca_certificates"),
            nlohmann::json({"please submit only one certificate at a time"}));
}

TEST(CaCertificatesTest, TheSameCertificateTwiceIsAUniquenessViolation) {
  std::string second_id = "6c5d8d73-8d8c-4e8b-9f3a-2f6f3a1d5e02";
  nlohmann::json errors = errorsOf(loadJson({{"ca_certificates",
                                              {{{"id", kCaId}, {"cert", testCa().cert}},
                                               {{"id", second_id}, {"cert", testCa().cert}}}}}));
  EXPECT_EQ(errors["ca_certificates"][second_id],
            "uniqueness violation: 'ca_certificates' entity with cert_digest set to '" +
                derSha256Hex(testCa().cert) + "' already declared");
}

TEST(CertificatesTest, LoadsCertificateAndKey) {
  LoadResult result = loadJson(
      {{"certificates", {{{"id", kCertificateId}, {"cert", leaf().cert}, {"key", leaf().key}}}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  const v1::Certificate& certificate = result.config->certificates(0);
  EXPECT_EQ(certificate.id(), kCertificateId);
  EXPECT_EQ(certificate.cert(), leaf().cert);
  EXPECT_EQ(certificate.key(), leaf().key);
  EXPECT_FALSE(certificate.has_cert_alt());
  EXPECT_GT(certificate.updated_at(), 0);
}

TEST(CertificatesTest, CertAndKeyAreRequired) {
  EXPECT_EQ(errorsOf(loadJson({{"certificates", {nlohmann::json::object()}}})),
            nlohmann::json(
                {{"certificates",
                  {{{"cert", "required field missing"}, {"key", "required field missing"}}}}}));
}

TEST(CertificatesTest, UnparsableKeyReportsOpensslReason) {
  LoadResult result = loadJson({{"certificates", {{{"cert", leaf().cert}, {"key", "nope"}}}}});
  std::string message = errorsOf(result)["certificates"][0]["key"];
  EXPECT_TRUE(
      std::regex_match(message, std::regex("invalid key: pkey\\.new:load_key: "
                                           "error:[0-9A-F]+:[^:]+:[^:]*:[^:]+:[^:]+:[0-9]+:")))
      << message;
}

TEST(CertificatesTest, KeyMustMatchTheCertificate) {
  EXPECT_EQ(
      entityErrors(loadJson({{"certificates", {{{"cert", leaf().cert}, {"key", testCa().key}}}}}),
                   "certificates"),
      nlohmann::json({"certificate does not match key"}));
}

TEST(CertificatesTest, AlternativePairNeedsBothHalves) {
  TestCertificate ed25519 = makeCertificate(certificateSpec("alt", KeyKind::kEd25519));
  nlohmann::json certificate = {
      {"cert", leaf().cert}, {"key", leaf().key}, {"cert_alt", ed25519.cert}};
  EXPECT_EQ(entityErrors(loadJson({{"certificates", {certificate}}}), "certificates"),
            nlohmann::json({"all or none of these fields must be set: 'cert_alt', 'key_alt'"}));
}

TEST(CertificatesTest, AlternativePairMustMatchAndBeOfAnotherKeyType) {
  TestCertificate ed25519 = makeCertificate(certificateSpec("alt", KeyKind::kEd25519));
  nlohmann::json good = {{"cert", leaf().cert},
                         {"key", leaf().key},
                         {"cert_alt", ed25519.cert},
                         {"key_alt", ed25519.key}};
  LoadResult result = loadJson({{"certificates", {good}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  EXPECT_EQ(result.config->certificates(0).key_alt(), ed25519.key);

  nlohmann::json mismatched = good;
  mismatched["key_alt"] = makeCertificate(certificateSpec("other", KeyKind::kEd25519)).key;
  EXPECT_EQ(entityErrors(loadJson({{"certificates", {mismatched}}}), "certificates"),
            nlohmann::json({"alternative certificate does not match key"}));

  nlohmann::json same_type = good;
  same_type["cert_alt"] = testCa().cert;
  same_type["key_alt"] = testCa().key;
  EXPECT_EQ(entityErrors(loadJson({{"certificates", {same_type}}}), "certificates"),
            nlohmann::json({"certificate and alternative certificate need to have different type "
                            "(e.g. RSA and ECDSA), the provided certificates were both of the same "
                            "type"}));
}

TEST(ServiceCertificatesTest, ReferencesResolveToIds) {
  LoadResult result = loadJson(
      {{"ca_certificates", {{{"id", kCaId}, {"cert", testCa().cert}}}},
       {"certificates", {{{"id", kCertificateId}, {"cert", leaf().cert}, {"key", leaf().key}}}},
       {"services",
        {httpsService({{"client_certificate", kCertificateId},
                       {"ca_certificates", {kCaId}},
                       {"tls_verify", true},
                       {"tls_verify_depth", 2}})}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  const v1::Service& service = result.config->services(0);
  EXPECT_EQ(service.client_certificate_id(), kCertificateId);
  ASSERT_EQ(service.ca_certificate_ids().values_size(), 1);
  EXPECT_EQ(service.ca_certificate_ids().values(0), kCaId);
  EXPECT_EQ(service.tls_verify_depth(), 2u);
}

TEST(ServiceCertificatesTest, ClientCertificateObjectReferenceResolves) {
  LoadResult result = loadJson(
      {{"certificates", {{{"id", kCertificateId}, {"cert", leaf().cert}, {"key", leaf().key}}}},
       {"services", {httpsService({{"client_certificate", {{"id", kCertificateId}}}})}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  EXPECT_EQ(result.config->services(0).client_certificate_id(), kCertificateId);
}

TEST(ServiceCertificatesTest, UnknownClientCertificateIsAnInvalidReference) {
  nlohmann::json errors =
      errorsOf(loadJson({{"services", {httpsService({{"client_certificate", kCertificateId}})}}}));
  EXPECT_EQ(errors,
            nlohmann::json({{"services",
                             {{"secure",
                               {std::string("invalid reference 'client_certificate: ") +
                                kCertificateId + "' (no such entry in 'certificates')"}}}}}));
}

TEST(ServiceCertificatesTest, UnknownCaCertificateIsAnInvalidReference) {
  std::string unknown = "6c5d8d73-8d8c-4e8b-9f3a-2f6f3a1d5eff";
  nlohmann::json errors =
      errorsOf(loadJson({{"ca_certificates", {{{"id", kCaId}, {"cert", testCa().cert}}}},
                         {"services", {httpsService({{"ca_certificates", {kCaId, unknown}}})}}}));
  EXPECT_EQ(errors, nlohmann::json({{"services",
                                     {{"secure",
                                       {"invalid reference 'ca_certificates: " + unknown +
                                        "' (no such entry in 'ca_certificates')"}}}}}));
}

TEST(CertificateJsonTest, AdminAndExportShapes) {
  LoadResult result = loadJson(
      {{"ca_certificates", {{{"id", kCaId}, {"cert", testCa().cert}}}},
       {"certificates", {{{"id", kCertificateId}, {"cert", leaf().cert}, {"key", leaf().key}}}},
       {"services",
        {httpsService({{"client_certificate", kCertificateId}, {"ca_certificates", {kCaId}}})}}});
  ASSERT_TRUE(result.ok()) << result.error->prettyText();
  const v1::DeclarativeConfig& config = *result.config;
  nlohmann::json certificate = certificateJson(config.certificates(0));
  EXPECT_EQ(certificate["cert_alt"], nullptr);
  EXPECT_EQ(certificate["key_alt"], nullptr);
  EXPECT_EQ(certificate["tags"], nullptr);
  EXPECT_EQ(certificate.size(), 8u);
  nlohmann::json ca = caCertificateJson(config.ca_certificates(0));
  EXPECT_EQ(ca["cert_digest"], derSha256Hex(testCa().cert));
  EXPECT_EQ(ca.size(), 6u);
  nlohmann::json body = nlohmann::json::parse(flattenedEntitiesJson(config));
  EXPECT_EQ(body["certificates"][kCertificateId], certificate);
  EXPECT_EQ(body["ca_certificates"][kCaId], ca);
  EXPECT_EQ(body["services"].begin().value()["client_certificate"],
            nlohmann::json({{"id", kCertificateId}}));

  LoadResult reloaded = load(toYaml(config), InputFormat::Yaml, "export.yml");
  ASSERT_TRUE(reloaded.ok()) << reloaded.error->prettyText();
  EXPECT_EQ(exportDocument(*reloaded.config), exportDocument(config));
}

}  // namespace
}  // namespace portico::config::declarative
