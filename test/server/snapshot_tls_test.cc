#include <openssl/ssl.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "source/server/snapshot.h"
#include "test/config/declarative/test_certificates.h"

namespace portico::server {
namespace {

using config::declarative::testing::certificateSpec;
using config::declarative::testing::KeyKind;
using config::declarative::testing::makeCertificate;
using config::declarative::testing::TestCertificate;

constexpr char kServiceId[] = "00000000-0000-4000-8000-000000000001";
constexpr char kCaId[] = "00000000-0000-4000-8000-0000000000ca";
constexpr char kCertificateId[] = "00000000-0000-4000-8000-0000000000cc";

class SnapshotTlsTest : public ::testing::Test {
 protected:
  SnapshotTlsTest()
      : ca_(makeCertificate(certificateSpec("Test CA", KeyKind::kEcP256, true))),
        client_(makeCertificate(certificateSpec("client"))) {
    auto* ca = config_.add_ca_certificates();
    ca->set_id(kCaId);
    ca->set_cert(ca_.cert);
    auto* certificate = config_.add_certificates();
    certificate->set_id(kCertificateId);
    certificate->set_cert(client_.cert);
    certificate->set_key(client_.key);
    service_ = config_.add_services();
    service_->set_id(kServiceId);
    service_->set_protocol("https");
    service_->set_host("127.0.0.1");
    service_->set_port(9443);
  }

  absl::StatusOr<std::shared_ptr<const Snapshot>> build() {
    return Snapshot::build(std::make_shared<config::v1::DeclarativeConfig>(config_), {}, 1);
  }

  static const ServiceRuntime& runtimeOf(const Snapshot& snapshot) {
    return *snapshot.service(snapshot.config().services(0));
  }

  SSL_CTX* contextOf(const Snapshot& snapshot) { return runtimeOf(snapshot).tls_context.get(); }

  TestCertificate ca_;
  TestCertificate client_;
  config::v1::DeclarativeConfig config_;
  config::v1::Service* service_;
};

TEST_F(SnapshotTlsTest, TlsVerifyUnsetMeansNoVerification) {
  auto snapshot = build();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(SSL_CTX_get_verify_mode(contextOf(**snapshot)), SSL_VERIFY_NONE);
  EXPECT_EQ(SSL_CTX_get0_certificate(contextOf(**snapshot)), nullptr);
}

TEST_F(SnapshotTlsTest, ReferencedCaCertificatesAreTrustedWithTheVerifyDepth) {
  service_->set_tls_verify(true);
  service_->set_tls_verify_depth(2);
  service_->mutable_ca_certificate_ids()->add_values(kCaId);
  auto snapshot = build();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  SSL_CTX* context = contextOf(**snapshot);
  EXPECT_EQ(SSL_CTX_get_verify_mode(context), SSL_VERIFY_PEER);
  EXPECT_EQ(SSL_CTX_get_verify_depth(context), 2);
  bool trusted = false;
  STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(SSL_CTX_get_cert_store(context));
  for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
    X509* cert = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i));
    X509_NAME* name = cert == nullptr ? nullptr : X509_get_subject_name(cert);
    char common_name[64] = {};
    if (name != nullptr &&
        X509_NAME_get_text_by_NID(name, NID_commonName, common_name, sizeof(common_name)) > 0) {
      trusted |= std::string(common_name) == "Test CA";
    }
  }
  EXPECT_TRUE(trusted);
}

TEST_F(SnapshotTlsTest, ClientCertificateIsLoaded) {
  service_->set_client_certificate_id(kCertificateId);
  auto snapshot = build();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  X509* cert = SSL_CTX_get0_certificate(contextOf(**snapshot));
  ASSERT_NE(cert, nullptr);
  char common_name[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, common_name,
                            sizeof(common_name));
  EXPECT_EQ(std::string(common_name), "client");
}

TEST_F(SnapshotTlsTest, TlsSettingsArePartOfThePoolKey) {
  auto plain = build();
  service_->set_client_certificate_id(kCertificateId);
  auto with_certificate = build();
  ASSERT_TRUE(plain.ok() && with_certificate.ok());
  EXPECT_NE(runtimeOf(**plain).pool_key, runtimeOf(**with_certificate).pool_key);
  EXPECT_EQ(runtimeOf(**with_certificate).pool_key, runtimeOf(**build()).pool_key);
}

TEST_F(SnapshotTlsTest, UnknownCaCertificateFailsTheBuild) {
  service_->mutable_ca_certificate_ids()->add_values("00000000-0000-4000-8000-0000000000ff");
  auto snapshot = build();
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().message(),
            absl::StrCat("service ", kServiceId,
                         ": CA Certificate '00000000-0000-4000-8000-0000000000ff' does not exist"));
}

TEST_F(SnapshotTlsTest, UnknownClientCertificateFailsTheBuild) {
  service_->set_client_certificate_id("00000000-0000-4000-8000-0000000000ff");
  EXPECT_FALSE(build().ok());
}

}  // namespace
}  // namespace portico::server
