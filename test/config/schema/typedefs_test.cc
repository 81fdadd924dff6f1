#include "source/config/schema/typedefs.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace portico::config::schema::typedefs {
namespace {

using nlohmann::json;

json errorFor(const Field& field, json value) { return field.validate(value); }

TEST(TypedefsTest, HostAcceptsNamesAndAddressesWithoutPort) {
  for (const char* name : {"example.com", "lambda.us-east-1.amazonaws.com", "example.com.",
                           "127.0.0.1", "::1", "[::1]", "us-east-1"}) {
    EXPECT_TRUE(errorFor(host(), name).is_null()) << name;
  }
}

TEST(TypedefsTest, HostRejectsPortsAndBadNames) {
  EXPECT_EQ(errorFor(host(), "example.com:80"), "must not have a port");
  EXPECT_EQ(errorFor(host(), "127.0.0.1:6379"), "must not have a port");
  EXPECT_EQ(errorFor(host(), "[::1]:80"), "must not have a port");
  EXPECT_EQ(errorFor(host(), "example.com:99999"), "must not have a port");
  EXPECT_EQ(errorFor(host(), "bad host"), "invalid value: bad host");
  EXPECT_EQ(errorFor(host(), "a-.b"), "invalid value: a-.b");
  EXPECT_EQ(errorFor(host(), "a..b"), "invalid value: a..b");
  EXPECT_EQ(errorFor(host(), "300.1.1.1"), "invalid value: 300.1.1.1");
}

TEST(TypedefsTest, SniRejectsAddresses) {
  EXPECT_TRUE(errorFor(sni(), "redis.internal").is_null());
  EXPECT_EQ(errorFor(sni(), "10.0.0.1"), "must not be an IP");
  EXPECT_EQ(errorFor(sni(), "redis.internal:6379"), "must not have a port");
}

TEST(TypedefsTest, PortAndTimeoutRanges) {
  EXPECT_EQ(errorFor(port(), 65536), "value should be between 0 and 65535");
  EXPECT_EQ(errorFor(port(), "80"), "expected an integer");
  EXPECT_EQ(errorFor(timeout(), -1), "value should be between 0 and 2147483646");
}

TEST(TypedefsTest, UrlNeedsHostAndScheme) {
  EXPECT_TRUE(errorFor(url(), "http://squid:3128").is_null());
  EXPECT_TRUE(errorFor(url(), "https://user:pw@sts.amazonaws.com/path?x=1").is_null());
  EXPECT_EQ(errorFor(url(), "squid"), "missing host in url");
  EXPECT_EQ(errorFor(url(), "http://"), "missing host in url");
  EXPECT_EQ(errorFor(url(), "//squid:3128"), "missing scheme in url");
}

TEST(TypedefsTest, HeaderNameAllowsTokenCharacters) {
  EXPECT_TRUE(errorFor(headerName(), "X-App_Id").is_null());
  EXPECT_EQ(errorFor(headerName(), "X App"),
            "bad header name 'X App', allowed characters are A-Z, a-z, 0-9, '_', and '-'");
}

TEST(TypedefsTest, PathMustBeAbsoluteCleanAndEncoded) {
  EXPECT_TRUE(errorFor(path(), "/rl/a%20b").is_null());
  EXPECT_EQ(errorFor(path(), "rl"), "should start with: /");
  EXPECT_EQ(errorFor(path(), "/a//b"), "must not have empty segments");
  EXPECT_EQ(errorFor(path(), "/a b"),
            "invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)");
  EXPECT_EQ(errorFor(path(), "/a%zz"), "invalid url-encoded value: '%zz'");
}

}  // namespace
}  // namespace portico::config::schema::typedefs
