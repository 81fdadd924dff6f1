#include "source/common/network/ip_literal.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "gtest/gtest.h"

namespace portico::network {
namespace {

TEST(IpLiteralTest, ReadsIpv4WithItsPort) {
  const std::optional<sockaddr_storage> address = parseIpLiteral("10.0.0.7", 8080);
  ASSERT_TRUE(address.has_value());
  const auto& v4 = reinterpret_cast<const sockaddr_in&>(*address);
  EXPECT_EQ(v4.sin_family, AF_INET);
  EXPECT_EQ(ntohs(v4.sin_port), 8080);
  EXPECT_EQ(ntohl(v4.sin_addr.s_addr), 0x0a000007u);
}

TEST(IpLiteralTest, ReadsIpv6BareOrInBrackets) {
  for (const char* host : {"::1", "[::1]"}) {
    const std::optional<sockaddr_storage> address = parseIpLiteral(host, 443);
    ASSERT_TRUE(address.has_value()) << host;
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(*address);
    EXPECT_EQ(v6.sin6_family, AF_INET6) << host;
    EXPECT_EQ(ntohs(v6.sin6_port), 443) << host;
    EXPECT_TRUE(IN6_IS_ADDR_LOOPBACK(&v6.sin6_addr)) << host;
  }
}

TEST(IpLiteralTest, NamesAndHalfBracketsAreNotLiterals) {
  for (const char* host :
       {"localhost", "api.example.com", "[::1", "::1]", "[10.0.0.1]", "", "10.0.0.256"}) {
    EXPECT_FALSE(parseIpLiteral(host, 80).has_value()) << host;
  }
}

}  // namespace
}  // namespace portico::network
