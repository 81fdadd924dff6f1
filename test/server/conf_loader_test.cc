#include "source/server/conf_loader.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace portico::server {
namespace {

std::string writeConf(const std::string& text) {
  const std::string path = ::testing::TempDir() + "/portico-test.conf";
  std::ofstream(path) << text;
  return path;
}

TEST(ConfLoaderTest, ReadsKongConfKeys) {
  const std::string path = writeConf(
      "database = off   # DB-less\n"
      "declarative_config = /etc/kong/kong.yml\n"
      "proxy_listen = 127.0.0.1:9000 reuseport backlog=16384, 127.0.0.1:9443 ssl\n"
      "admin_listen = 127.0.0.1:9001\n"
      "nginx_worker_processes = 3\n"
      "prefix = /tmp/p\n");
  absl::StatusOr<config::v1::Bootstrap> bootstrap = loadBootstrap(path, {});
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  EXPECT_EQ(bootstrap->declarative_config(), "/etc/kong/kong.yml");
  ASSERT_EQ(bootstrap->proxy_listen_size(), 2);
  EXPECT_EQ(bootstrap->proxy_listen(0).address(), "127.0.0.1");
  EXPECT_EQ(bootstrap->proxy_listen(0).port(), 9000u);
  EXPECT_FALSE(bootstrap->proxy_listen(0).ssl());
  EXPECT_TRUE(bootstrap->proxy_listen(1).ssl());
  EXPECT_EQ(bootstrap->admin_listen(0).port(), 9001u);
  EXPECT_EQ(bootstrap->workers(), 3u);
  EXPECT_EQ(bootstrap->prefix(), "/tmp/p");
}

TEST(ConfLoaderTest, KongsDefaultProxyListenAddsATlsListener) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap = loadBootstrap("", {});
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  ASSERT_EQ(bootstrap->proxy_listen_size(), 2);
  EXPECT_EQ(bootstrap->proxy_listen(1).port(), 8443u);
  EXPECT_TRUE(bootstrap->proxy_listen(1).ssl());
  EXPECT_TRUE(bootstrap->proxy_listen(1).http2());
  EXPECT_FALSE(bootstrap->proxy_listen(0).ssl());
}

TEST(ConfLoaderTest, SslCertAndKeyPairByPosition) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap = loadBootstrap(
      writeConf("ssl_cert = /a/rsa.crt, /a/ecdsa.crt\nssl_cert_key = /a/rsa.key, /a/ecdsa.key\n"),
      {});
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  ASSERT_EQ(bootstrap->ssl_cert_size(), 2);
  EXPECT_EQ(bootstrap->ssl_cert(1), "/a/ecdsa.crt");
  EXPECT_EQ(bootstrap->ssl_cert_key(1), "/a/ecdsa.key");
  EXPECT_EQ(loadBootstrap(writeConf("ssl_cert = /a/rsa.crt\n"), {}).status().message(),
            "ssl_cert_key must be specified");
  EXPECT_EQ(
      loadBootstrap(writeConf("ssl_cert = /a, /b\nssl_cert_key = /k\n"), {}).status().message(),
      "ssl_cert was specified 2 times while ssl_cert_key was specified 1 times");
}

TEST(ConfLoaderTest, EnvironmentOverridesFilePorticoPrefixWins) {
  const std::string path = writeConf("nginx_worker_processes = 3\n");
  absl::StatusOr<config::v1::Bootstrap> bootstrap =
      loadBootstrap(path, {{"KONG_NGINX_WORKER_PROCESSES", "4"},
                           {"PORTICO_NGINX_WORKER_PROCESSES", "5"},
                           {"KONG_DECLARATIVE_CONFIG", "/kong.yml"}});
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  EXPECT_EQ(bootstrap->workers(), 5u);
  EXPECT_EQ(bootstrap->declarative_config(), "/kong.yml");
}

TEST(ConfLoaderTest, MissingFileUsesKongWording) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap = loadBootstrap("/nonexistent/foo.conf", {});
  ASSERT_FALSE(bootstrap.ok());
  EXPECT_EQ(bootstrap.status().message(), "no file at: /nonexistent/foo.conf");
}

// It used to read as an empty file: every setting silently at its default.
TEST(ConfLoaderTest, ADirectoryIsRefusedWithTheReason) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap = loadBootstrap(::testing::TempDir(), {});
  ASSERT_FALSE(bootstrap.ok());
  EXPECT_EQ(bootstrap.status().message(),
            absl::StrCat("cannot read ", ::testing::TempDir(), ": Is a directory"));
}

TEST(ConfLoaderTest, LinesEndingInCrLfAndALastLineWithoutNewlineAreRead) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap =
      loadBootstrap(writeConf("database = off\r\nnginx_worker_processes = 3"), {});
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  EXPECT_EQ(bootstrap->workers(), 3u);
}

TEST(ConfLoaderTest, RejectsDatabaseOtherThanOff) {
  EXPECT_FALSE(loadBootstrap("", {{"PORTICO_DATABASE", "postgres"}}).ok());
}

TEST(ConfLoaderTest, ParsesDurationsAndSizes) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap =
      loadBootstrap("", {{"PORTICO_CLIENT_HEADER_TIMEOUT", "500ms"},
                         {"PORTICO_KEEPALIVE_TIMEOUT", "2m"},
                         {"PORTICO_CLIENT_MAX_BODY_SIZE", "8m"},
                         {"PORTICO_LARGE_CLIENT_HEADER_BUFFERS", "4 16k"}});
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  EXPECT_EQ(bootstrap->client_header_timeout_ms(), 500u);
  EXPECT_EQ(bootstrap->keepalive_timeout_ms(), 120000u);
  EXPECT_EQ(bootstrap->client_max_body_size(), 8u * 1024 * 1024);
  EXPECT_EQ(bootstrap->large_client_header_buffer(), 64u * 1024);
}

TEST(ConfLoaderTest, RejectsMalformedLines) {
  const std::string path = writeConf("this line has no equals sign\n");
  absl::StatusOr<config::v1::Bootstrap> bootstrap = loadBootstrap(path, {});
  ASSERT_FALSE(bootstrap.ok());
  EXPECT_NE(bootstrap.status().message().find(":1:"), absl::string_view::npos);
}

TEST(ConfLoaderTest, DnsKeysDefaultToKongs) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap = loadBootstrap("", {});
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  const config::v1::DnsSettings& dns = bootstrap->dns();
  EXPECT_EQ(dns.resolver_size(), 0);
  EXPECT_EQ(dns.hostsfile(), "/etc/hosts");
  EXPECT_EQ(std::vector<std::string>(dns.order().begin(), dns.order().end()),
            (std::vector<std::string>{"LAST", "SRV", "A", "CNAME"}));
  EXPECT_FALSE(dns.has_valid_ttl_s());
  EXPECT_EQ(dns.stale_ttl_s(), 3600u);
  EXPECT_EQ(dns.not_found_ttl_s(), 30u);
  EXPECT_EQ(dns.error_ttl_s(), 1u);
}

TEST(ConfLoaderTest, ReadsDnsKeys) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap =
      loadBootstrap("", {{"KONG_DNS_RESOLVER", "8.8.8.8, 127.0.0.1:5353,::1,[::1]:53"},
                         {"PORTICO_DNS_ORDER", "aaaa,A"},
                         {"PORTICO_DNS_VALID_TTL", "5"},
                         {"PORTICO_DNS_STALE_TTL", "0"},
                         {"PORTICO_DNS_NOT_FOUND_TTL", "2"},
                         {"PORTICO_DNS_ERROR_TTL", "3"}});
  ASSERT_TRUE(bootstrap.ok()) << bootstrap.status();
  const config::v1::DnsSettings& dns = bootstrap->dns();
  ASSERT_EQ(dns.resolver_size(), 4);
  EXPECT_EQ(dns.resolver(0).address(), "8.8.8.8");
  EXPECT_EQ(dns.resolver(0).port(), 53u);
  EXPECT_EQ(dns.resolver(1).address(), "127.0.0.1");
  EXPECT_EQ(dns.resolver(1).port(), 5353u);
  EXPECT_EQ(dns.resolver(2).address(), "::1");
  EXPECT_EQ(dns.resolver(2).port(), 53u);
  EXPECT_EQ(dns.resolver(3).address(), "::1");
  EXPECT_EQ(std::vector<std::string>(dns.order().begin(), dns.order().end()),
            (std::vector<std::string>{"AAAA", "A"}));
  EXPECT_EQ(dns.valid_ttl_s(), 5u);
  EXPECT_TRUE(dns.has_stale_ttl_s());
  EXPECT_EQ(dns.stale_ttl_s(), 0u);
  EXPECT_EQ(dns.not_found_ttl_s(), 2u);
  EXPECT_EQ(dns.error_ttl_s(), 3u);
}

TEST(ConfLoaderTest, BadDnsResolverEntryIsAStartupErrorNamingTheKey) {
  for (const char* value : {"1.2.3.4:53;4.3.2.1", "dns.example.com", "1.2.3.4:99999", "[::1"}) {
    absl::StatusOr<config::v1::Bootstrap> bootstrap =
        loadBootstrap("", {{"PORTICO_DNS_RESOLVER", value}});
    ASSERT_FALSE(bootstrap.ok()) << value;
    EXPECT_EQ(bootstrap.status().message(),
              absl::StrCat("dns_resolver must be a comma separated list in the form of IPv4/6 or "
                           "IPv4/6:port, got '",
                           value, "'"));
  }
}

TEST(ConfLoaderTest, RejectsUnknownDnsOrderEntriesAndMissingHostsFile) {
  absl::StatusOr<config::v1::Bootstrap> order =
      loadBootstrap("", {{"PORTICO_DNS_ORDER", "LAST,MX"}});
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.status().message(), "dns_order: invalid entry 'MX'");
  absl::StatusOr<config::v1::Bootstrap> hosts =
      loadBootstrap("", {{"PORTICO_DNS_HOSTSFILE", "/nonexistent/hosts"}});
  ASSERT_FALSE(hosts.ok());
  EXPECT_EQ(hosts.status().message(), "dns_hostsfile: file does not exist");
  absl::StatusOr<config::v1::Bootstrap> ttl =
      loadBootstrap("", {{"PORTICO_DNS_STALE_TTL", "soon"}});
  ASSERT_FALSE(ttl.ok());
  EXPECT_EQ(ttl.status().message(), "dns_stale_ttl: expected a number of seconds, got 'soon'");
}

}  // namespace
}  // namespace portico::server
