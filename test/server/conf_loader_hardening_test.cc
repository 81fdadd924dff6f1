#include <fstream>

#include "gtest/gtest.h"
#include "source/server/conf_loader.h"

namespace portico::server {
namespace {

absl::StatusOr<config::v1::Bootstrap> load(const std::string& text) {
  const std::string path = ::testing::TempDir() + "/portico-hardening-test.conf";
  std::ofstream(path) << text;
  return loadBootstrap(path, {});
}

TEST(ConfLoaderHardeningTest, WorkerConnectionsDefaultsToKongs16384) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap = load("");
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  EXPECT_EQ(bootstrap->worker_connections(), 16384u);
}

TEST(ConfLoaderHardeningTest, ReadsNginxEventsWorkerConnections) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap = load("nginx_events_worker_connections = 4\n");
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  EXPECT_EQ(bootstrap->worker_connections(), 4u);
}

TEST(ConfLoaderHardeningTest, WorkerConnectionsAutoIsAPositiveNumber) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap =
      load("nginx_events_worker_connections = auto\n");
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  EXPECT_GT(bootstrap->worker_connections(), 0u);
}

TEST(ConfLoaderHardeningTest, RejectsZeroOrGarbageWorkerConnections) {
  for (const char* value : {"0", "-1", "many"}) {
    absl::StatusOr<config::v1::Bootstrap> bootstrap =
        load(std::string("nginx_events_worker_connections = ") + value + "\n");
    ASSERT_FALSE(bootstrap.ok()) << value;
    EXPECT_NE(bootstrap.status().message().find("nginx_events_worker_connections"),
              absl::string_view::npos);
  }
}

TEST(ConfLoaderHardeningTest, NginxHttpSpellingsOfClientTimeoutsOverrideThePlainKeys) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap = load(
      "client_header_timeout = 60s\n"
      "nginx_http_client_header_timeout = 2s\n"
      "nginx_http_keepalive_timeout = 3s\n"
      "nginx_proxy_client_body_timeout = 4s\n");
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  EXPECT_EQ(bootstrap->client_header_timeout_ms(), 2000u);
  EXPECT_EQ(bootstrap->keepalive_timeout_ms(), 3000u);
  EXPECT_EQ(bootstrap->client_body_timeout_ms(), 4000u);
}

TEST(ConfLoaderHardeningTest, ReadsAdminTlsAndAuthenticationKeys) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap = load(
      "admin_listen = 0.0.0.0:8444 ssl\n"
      "admin_ssl_cert = /c.pem\n"
      "admin_ssl_cert_key = /c.key\n"
      "admin_auth_token = t0ken\n"
      "admin_ssl_client_ca = /ca.pem\n");
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  ASSERT_EQ(bootstrap->admin_ssl_cert_size(), 1);
  EXPECT_EQ(bootstrap->admin_ssl_cert(0), "/c.pem");
  EXPECT_EQ(bootstrap->admin_ssl_cert_key(0), "/c.key");
  EXPECT_EQ(bootstrap->admin_auth_token(), "t0ken");
  EXPECT_EQ(bootstrap->admin_ssl_client_ca(), "/ca.pem");
}

TEST(ConfLoaderHardeningTest, AdminCertificateWithoutKeyUsesKongsWording) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap = load("admin_ssl_cert = /c.pem\n");
  ASSERT_FALSE(bootstrap.ok());
  EXPECT_EQ(bootstrap.status().message(), "admin_ssl_cert_key must be specified");
}

TEST(ConfLoaderHardeningTest, AdminBeyondLoopbackWithoutTlsFailsToLoad) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap =
      load("admin_listen = 0.0.0.0:8001\nadmin_auth_token = t0ken\n");
  ASSERT_FALSE(bootstrap.ok());
  EXPECT_NE(bootstrap.status().message().find("not a loopback address"), absl::string_view::npos)
      << bootstrap.status();
}

TEST(ConfLoaderHardeningTest, AdminBeyondLoopbackFromTheEnvironmentIsCheckedToo) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap =
      loadBootstrap("", {{"KONG_ADMIN_LISTEN", "0.0.0.0:8444 ssl"}});
  ASSERT_FALSE(bootstrap.ok());
  EXPECT_NE(bootstrap.status().message().find("authentication"), absl::string_view::npos)
      << bootstrap.status();
}

}  // namespace
}  // namespace portico::server
