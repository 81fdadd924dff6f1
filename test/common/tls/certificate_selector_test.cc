#include "source/common/tls/certificate_selector.h"

#include "gtest/gtest.h"

namespace portico::tls {
namespace {

std::shared_ptr<SSL_CTX> newContext() {
  return std::shared_ptr<SSL_CTX>(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
}

class CertificateSelectorTest : public ::testing::Test {
 protected:
  std::shared_ptr<SSL_CTX> exact_ = newContext();
  std::shared_ptr<SSL_CTX> prefix_ = newContext();
  std::shared_ptr<SSL_CTX> suffix_ = newContext();
  std::shared_ptr<SSL_CTX> catch_all_ = newContext();
  std::shared_ptr<SSL_CTX> default_ = newContext();
  CertificateSelector selector_;
};

TEST_F(CertificateSelectorTest, AnExactNameWinsOverWildcards) {
  selector_.add("api.example.com", exact_);
  selector_.add("*.example.com", prefix_);
  selector_.add("api.example.*", suffix_);
  EXPECT_EQ(selector_.select("api.example.com"), exact_.get());
}

TEST_F(CertificateSelectorTest, ALeadingWildcardBeatsATrailingOne) {
  selector_.add("*.example.com", prefix_);
  selector_.add("api.example.*", suffix_);
  EXPECT_EQ(selector_.select("api.example.com"), prefix_.get());
  EXPECT_EQ(selector_.select("api.example.org"), suffix_.get());
}

TEST_F(CertificateSelectorTest, ALeadingWildcardCoversExactlyOneLabel) {
  selector_.add("*.example.com", prefix_);
  selector_.setDefault(default_);
  EXPECT_EQ(selector_.select("www.example.com"), prefix_.get());
  EXPECT_EQ(selector_.select("a.b.example.com"), default_.get());
  EXPECT_EQ(selector_.select("example.com"), default_.get());
}

TEST_F(CertificateSelectorTest, ATrailingWildcardReplacesTheLastLabel) {
  selector_.add("example.*", suffix_);
  EXPECT_EQ(selector_.select("example.org"), suffix_.get());
  EXPECT_EQ(selector_.select("example"), nullptr);
}

TEST_F(CertificateSelectorTest, TheStarSniCatchesUnknownNamesButNotAMissingSni) {
  selector_.add("*", catch_all_);
  selector_.setDefault(default_);
  EXPECT_EQ(selector_.select("unknown.test"), catch_all_.get());
  EXPECT_EQ(selector_.select(""), default_.get());
}

TEST_F(CertificateSelectorTest, UnknownNamesGetTheDefaultOrNothing) {
  selector_.add("example.com", exact_);
  EXPECT_EQ(selector_.select("other.test"), nullptr);
  selector_.setDefault(default_);
  EXPECT_EQ(selector_.select("other.test"), default_.get());
  EXPECT_EQ(selector_.select(""), default_.get());
}

TEST_F(CertificateSelectorTest, NamesCompareCaseInsensitively) {
  selector_.add("API.Example.com", exact_);
  selector_.add("*.EXAMPLE.org", prefix_);
  EXPECT_EQ(selector_.select("api.EXAMPLE.com"), exact_.get());
  EXPECT_EQ(selector_.select("Www.example.ORG"), prefix_.get());
}

}  // namespace
}  // namespace portico::tls
