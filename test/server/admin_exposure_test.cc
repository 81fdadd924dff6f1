#include "source/server/admin_exposure.h"

#include "gtest/gtest.h"

namespace portico::server {
namespace {

config::v1::Bootstrap adminOn(const std::string& address, bool ssl) {
  config::v1::Bootstrap bootstrap;
  config::v1::Listener* listener = bootstrap.add_admin_listen();
  listener->set_address(address);
  listener->set_port(8001);
  listener->set_ssl(ssl);
  return bootstrap;
}

TEST(AdminExposureTest, PlainAdminOnLoopbackIsAllowed) {
  EXPECT_TRUE(checkAdminExposure(adminOn("127.0.0.1", false)).ok());
  EXPECT_TRUE(checkAdminExposure(adminOn("::1", false)).ok());
}

TEST(AdminExposureTest, NoAdminListenerIsAllowed) {
  EXPECT_TRUE(checkAdminExposure(config::v1::Bootstrap()).ok());
}

TEST(AdminExposureTest, PlainAdminBeyondLoopbackIsRefusedEvenWithAToken) {
  config::v1::Bootstrap bootstrap = adminOn("0.0.0.0", false);
  bootstrap.set_admin_auth_token("a-long-secret-token");
  const absl::Status status = checkAdminExposure(bootstrap);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("admin_listen 0.0.0.0:8001 is not a loopback address"),
            absl::string_view::npos)
      << status;
  EXPECT_NE(status.message().find("`ssl`"), absl::string_view::npos) << status;
}

TEST(AdminExposureTest, TlsWithoutAuthenticationBeyondLoopbackIsRefused) {
  const absl::Status status = checkAdminExposure(adminOn("10.1.2.3", true));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("admin_auth_token"), absl::string_view::npos) << status;
  EXPECT_NE(status.message().find("admin_ssl_client_ca"), absl::string_view::npos) << status;
}

TEST(AdminExposureTest, TlsWithATokenBeyondLoopbackIsAllowed) {
  config::v1::Bootstrap bootstrap = adminOn("0.0.0.0", true);
  bootstrap.set_admin_auth_token("a-long-secret-token");
  EXPECT_TRUE(checkAdminExposure(bootstrap).ok());
}

TEST(AdminExposureTest, TlsWithClientCertificatesBeyondLoopbackIsAllowed) {
  config::v1::Bootstrap bootstrap = adminOn("::", true);
  bootstrap.set_admin_ssl_client_ca("/etc/portico/admin-ca.pem");
  EXPECT_TRUE(checkAdminExposure(bootstrap).ok());
}

TEST(AdminExposureTest, EveryListenerIsCheckedNotJustTheFirst) {
  config::v1::Bootstrap bootstrap = adminOn("127.0.0.1", false);
  config::v1::Listener* exposed = bootstrap.add_admin_listen();
  exposed->set_address("192.168.0.10");
  exposed->set_port(8444);
  const absl::Status status = checkAdminExposure(bootstrap);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("192.168.0.10:8444"), absl::string_view::npos) << status;
}

TEST(AdminExposureTest, TheTokenNeverAppearsInTheError) {
  config::v1::Bootstrap bootstrap = adminOn("0.0.0.0", false);
  bootstrap.set_admin_auth_token("s3cr3t-value");
  const absl::Status status = checkAdminExposure(bootstrap);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message().find("s3cr3t-value"), absl::string_view::npos);
}

}  // namespace
}  // namespace portico::server
