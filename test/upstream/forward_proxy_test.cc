#include "source/upstream/forward_proxy.h"

#include "gtest/gtest.h"

namespace portico::upstream {
namespace {

TEST(ParseForwardProxyUrl, HostAndPortWithoutCredentials) {
  absl::StatusOr<ForwardProxy> proxy = parseForwardProxyUrl("http://proxy.internal:3128");
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  EXPECT_EQ(proxy->host, "proxy.internal");
  EXPECT_EQ(proxy->port, 3128);
  EXPECT_EQ(proxy->authorization, "");
}

TEST(ParseForwardProxyUrl, PortDefaultsTo80AndPathIsIgnored) {
  absl::StatusOr<ForwardProxy> proxy = parseForwardProxyUrl("http://10.0.0.1/");
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  EXPECT_EQ(proxy->host, "10.0.0.1");
  EXPECT_EQ(proxy->port, 80);
}

TEST(ParseForwardProxyUrl, UserinfoBecomesBasicAuthorizationPercentDecoded) {
  absl::StatusOr<ForwardProxy> proxy = parseForwardProxyUrl("http://u:p@h:3128");
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  EXPECT_EQ(proxy->host, "h");
  EXPECT_EQ(proxy->port, 3128);
  EXPECT_EQ(proxy->authorization, "Basic dTpw");  // u:p

  proxy = parseForwardProxyUrl("http://us%40er:p%3Ass@h");
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  EXPECT_EQ(proxy->authorization, "Basic dXNAZXI6cDpzcw==");  // us@er:p:ss

  proxy = parseForwardProxyUrl("http://user@h");
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  EXPECT_EQ(proxy->authorization, "Basic dXNlcjo=");  // user:
}

TEST(ParseForwardProxyUrl, IPv6LiteralHost) {
  absl::StatusOr<ForwardProxy> proxy = parseForwardProxyUrl("http://[::1]:8888");
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  EXPECT_EQ(proxy->host, "::1");
  EXPECT_EQ(proxy->port, 8888);
  EXPECT_EQ(hostAndPort(proxy->host, proxy->port), "[::1]:8888");
}

TEST(ParseForwardProxyUrl, RefusesOtherSchemesAndBadPorts) {
  EXPECT_EQ(parseForwardProxyUrl("https://h:3128").status().message(),
            "proxy_url scheme must be http");
  EXPECT_FALSE(parseForwardProxyUrl("http://h:99999").ok());
  EXPECT_FALSE(parseForwardProxyUrl("http://:3128").ok());
}

TEST(ConnectRequest, NamesTheTargetAndCarriesProxyCredentials) {
  EXPECT_EQ(connectRequest(ForwardProxy{"p", 3128, ""}, "lambda.us-east-1.amazonaws.com", 443),
            "CONNECT lambda.us-east-1.amazonaws.com:443 HTTP/1.1\r\n"
            "Host: lambda.us-east-1.amazonaws.com:443\r\n\r\n");
  EXPECT_EQ(connectRequest(ForwardProxy{"p", 3128, "Basic dTpw"}, "::1", 8443),
            "CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n"
            "Proxy-Authorization: Basic dTpw\r\n\r\n");
}

TEST(ToAbsoluteForm, RewritesOnlyTheRequestTarget) {
  const std::string request =
      "POST /2015-03-31/functions/f/invocations?Qualifier=1 HTTP/1.1\r\n"
      "Host: lambda:8080\r\n\r\nbody /x";
  EXPECT_EQ(toAbsoluteForm(request, ForwardProxy{"p", 3128, ""}, "lambda", 8080),
            "POST http://lambda:8080/2015-03-31/functions/f/invocations?Qualifier=1 HTTP/1.1\r\n"
            "Host: lambda:8080\r\n\r\nbody /x");
  EXPECT_EQ(toAbsoluteForm(request, ForwardProxy{"p", 3128, "Basic dTpw"}, "lambda", 80),
            "POST http://lambda:80/2015-03-31/functions/f/invocations?Qualifier=1 HTTP/1.1\r\n"
            "Proxy-Authorization: Basic dTpw\r\nHost: lambda:8080\r\n\r\nbody /x");
}

}  // namespace
}  // namespace portico::upstream
