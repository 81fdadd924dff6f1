#include "gtest/gtest.h"
#include "source/common/network/cidr.h"

namespace portico::network {
namespace {

TEST(LoopbackTest, LoopbackIsTheWhole127SlashEightAndIpv6One) {
  for (const char* address :
       {"127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(isLoopbackAddress(address)) << address;
  }
}

TEST(LoopbackTest, WildcardsPrivateAndPublicAddressesAreNotLoopback) {
  for (const char* address : {"0.0.0.0", "::", "*", "10.0.0.5", "192.168.1.1", "128.0.0.1",
                              "::ffff:10.0.0.1", "fe80::1", "localhost", ""}) {
    EXPECT_FALSE(isLoopbackAddress(address)) << address;
  }
}

}  // namespace
}  // namespace portico::network
