#include "source/server/https_redirect.h"

#include "gtest/gtest.h"

namespace portico::server {
namespace {

config::v1::Route routeWith(std::vector<std::string> protocols, uint32_t redirect_code = 426) {
  config::v1::Route route;
  for (std::string& protocol : protocols) {
    route.add_protocols(std::move(protocol));
  }
  route.set_https_redirect_status_code(redirect_code);
  return route;
}

http::HeaderMap headers(std::initializer_list<std::pair<const char*, const char*>> entries) {
  http::HeaderMap map;
  for (const auto& [name, value] : entries) {
    map.add(name, value);
  }
  return map;
}

TEST(HttpsRedirectTest, AnHttpsOnlyRouteOverHttpAnswers426) {
  auto redirect = httpsRedirectFor(routeWith({"https"}), "http", false,
                                   headers({{"host", "example.com"}}), "/x");
  ASSERT_TRUE(redirect.has_value());
  EXPECT_EQ(redirect->status, 426);
  EXPECT_EQ(redirect->location, "");
}

TEST(HttpsRedirectTest, RoutesThatAcceptHttpOrRequestsOverTlsPass) {
  const http::HeaderMap host = headers({{"host", "example.com"}});
  EXPECT_FALSE(
      httpsRedirectFor(routeWith({"http", "https"}), "http", false, host, "/").has_value());
  EXPECT_FALSE(httpsRedirectFor(routeWith({"http"}), "https", false, host, "/").has_value());
  EXPECT_FALSE(httpsRedirectFor(routeWith({"https"}), "https", false, host, "/").has_value());
  EXPECT_FALSE(httpsRedirectFor(routeWith({"grpcs"}), "http", false, host, "/").has_value());
}

TEST(HttpsRedirectTest, RedirectCodesSendTheHttpsLocationWithoutThePort) {
  for (uint32_t code : {301u, 302u, 307u, 308u}) {
    auto redirect = httpsRedirectFor(routeWith({"https"}, code), "http", false,
                                     headers({{"host", "Example.COM:8000"}}), "/a/b?c=d");
    ASSERT_TRUE(redirect.has_value());
    EXPECT_EQ(redirect->status, static_cast<int>(code));
    EXPECT_EQ(redirect->location, "https://example.com/a/b?c=d");
  }
}

TEST(HttpsRedirectTest, ATrustedProxysForwardedProtoAndHostCount) {
  const http::HeaderMap forwarded = headers({{"host", "inner:8000"},
                                             {"x-forwarded-proto", "https"},
                                             {"x-forwarded-host", "outer.example"}});
  EXPECT_FALSE(httpsRedirectFor(routeWith({"https"}), "http", true, forwarded, "/").has_value());
  EXPECT_TRUE(httpsRedirectFor(routeWith({"https"}), "http", false, forwarded, "/").has_value());
  const http::HeaderMap plain_proto = headers({{"host", "inner:8000"},
                                               {"x-forwarded-proto", "http"},
                                               {"x-forwarded-host", "outer.example"}});
  auto redirect = httpsRedirectFor(routeWith({"https"}, 301), "http", true, plain_proto, "/p");
  ASSERT_TRUE(redirect.has_value());
  EXPECT_EQ(redirect->location, "https://outer.example/p");
}

}  // namespace
}  // namespace portico::server
