#include "source/config/declarative/host_check.h"

#include "gtest/gtest.h"

namespace portico::config::declarative {
namespace {

TEST(HostCheckTest, ClassifiesHosts) {
  EXPECT_EQ(checkHost("example.com").type, "name");
  EXPECT_EQ(checkHost("10.0.0.1").type, "ipv4");
  EXPECT_EQ(checkHost("::1").type, "ipv6");
  EXPECT_EQ(checkHost("[::1]:8080").port, 8080);
  EXPECT_EQ(checkHost("example.com:81").port, 81);
}

TEST(HostCheckTest, RejectsBadHostnames) {
  EXPECT_EQ(checkHost("\\99").error, "invalid hostname: \\99");
  EXPECT_EQ(checkHost("a-.example").error, "invalid hostname: a-.example");
  EXPECT_EQ(checkHost("a..b").error, "invalid hostname: a..b");
  EXPECT_EQ(checkHost("example.com.").error, "");
  EXPECT_EQ(checkHost("300.1.1.1").error, "invalid ipv4 address: 300.1.1.1");
  EXPECT_EQ(checkHost("example.com:99999").error, "invalid port number");
}

TEST(HostCheckTest, ServiceHostsMayNotCarryPorts) {
  EXPECT_EQ(serviceHostError("mockbin.org"), "");
  EXPECT_EQ(serviceHostError("mockbin.org:80"), "must not have a port");
  EXPECT_EQ(serviceHostError("bad host"), "invalid value: bad host");
}

TEST(HostCheckTest, RouteHostsAllowOneWildcardAtAnEdge) {
  EXPECT_EQ(routeHostError("*.example.com"), "");
  EXPECT_EQ(routeHostError("example.*"), "");
  EXPECT_EQ(routeHostError("example.com:8000"), "");
  EXPECT_EQ(routeHostError("*.example.*"), "invalid wildcard: must have at most one wildcard");
  EXPECT_EQ(routeHostError("ex*ample.com"),
            "invalid wildcard: must be placed at leftmost or rightmost label");
  EXPECT_EQ(routeHostError("\\99"), "invalid hostname: \\99");
}

TEST(HostCheckTest, SnisMustBeNames) {
  EXPECT_EQ(sniError("example.com"), "");
  EXPECT_EQ(sniError("10.0.0.1"), "must not be an IP");
  EXPECT_EQ(sniError("example.com:443"), "must not have a port");
}

}  // namespace
}  // namespace portico::config::declarative
