#include "source/server/server_certificates.h"

#include "gtest/gtest.h"
#include "test/config/declarative/test_certificates.h"

namespace portico::server {
namespace {

using config::declarative::testing::certificateSpec;
using config::declarative::testing::makeCertificate;
using config::declarative::testing::TestCertificate;

constexpr char kFirstId[] = "00000000-0000-4000-8000-0000000000c1";
constexpr char kSecondId[] = "00000000-0000-4000-8000-0000000000c2";

class ServerCertificatesTest : public ::testing::Test {
 protected:
  void addCertificate(const char* id, const TestCertificate& pem) {
    config::v1::Certificate* certificate = config_.add_certificates();
    certificate->set_id(id);
    certificate->set_cert(pem.cert);
    certificate->set_key(pem.key);
  }
  void addSni(const char* name, const char* certificate_id) {
    config::v1::Sni* sni = config_.add_snis();
    sni->set_name(name);
    sni->set_certificate_id(certificate_id);
  }

  TestCertificate first_ = makeCertificate(certificateSpec("first"));
  TestCertificate second_ = makeCertificate(certificateSpec("second"));
  config::v1::DeclarativeConfig config_;
};

TEST_F(ServerCertificatesTest, SnisOfOneCertificateShareItsContext) {
  addCertificate(kFirstId, first_);
  addCertificate(kSecondId, second_);
  addSni("a.example.com", kFirstId);
  addSni("*.example.org", kFirstId);
  addSni("b.example.com", kSecondId);
  std::shared_ptr<SSL_CTX> fallback(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  auto selector = compileServerCertificates(config_, fallback);
  ASSERT_TRUE(selector.ok()) << selector.status();
  SSL_CTX* first = (*selector)->select("a.example.com");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ((*selector)->select("www.example.org"), first);
  EXPECT_NE((*selector)->select("b.example.com"), first);
  EXPECT_NE((*selector)->select("b.example.com"), fallback.get());
  EXPECT_EQ((*selector)->select("c.example.net"), fallback.get());
  EXPECT_NE(SSL_CTX_get0_certificate(first), nullptr);
}

TEST_F(ServerCertificatesTest, ACertificateNoSniNamesIsNotCompiled) {
  addCertificate(kFirstId, first_);
  auto selector = compileServerCertificates(config_, nullptr);
  ASSERT_TRUE(selector.ok()) << selector.status();
  EXPECT_EQ((*selector)->size(), 0u);
  EXPECT_EQ((*selector)->select("first"), nullptr);
}

TEST_F(ServerCertificatesTest, AnSniNamingAMissingCertificateFails) {
  addSni("a.example.com", kFirstId);
  auto selector = compileServerCertificates(config_, nullptr);
  ASSERT_FALSE(selector.ok());
  EXPECT_EQ(selector.status().message(),
            std::string("sni a.example.com: certificate '") + kFirstId + "' does not exist");
}

TEST_F(ServerCertificatesTest, AnUnloadableCertificateFails) {
  addCertificate(kFirstId, {first_.cert, second_.key});
  addSni("a.example.com", kFirstId);
  EXPECT_FALSE(compileServerCertificates(config_, nullptr).ok());
}

}  // namespace
}  // namespace portico::server
