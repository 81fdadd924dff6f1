#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "source/common/http/header_map.h"
#include "source/router/router.h"
#include "test/router/test_config.h"

namespace portico::router::test {

struct TestRequest {
  std::string method = "GET";
  std::string host = "gateway.test";
  std::string path = "/";
  uint32_t port = 8000;
  std::string scheme = "http";
  std::string sni;
  http::HeaderMap headers;
};

class RouterTestBase : public ::testing::Test {
 protected:
  void build() {
    absl::StatusOr<RouterConstPtr> router = Router::create(config_.build());
    ASSERT_TRUE(router.ok()) << router.status();
    router_ = std::move(*router);
  }

  std::optional<RouteMatch> match(const TestRequest& request) const {
    RequestInfo info(request.headers);
    info.method = request.method;
    info.host = request.host;
    info.path = request.path;
    info.listener_port = request.port;
    info.scheme = request.scheme;
    info.sni = request.sni;
    return router_->match(info);
  }

  std::optional<RouteMatch> get(const std::string& path,
                                const std::string& host = "gateway.test") const {
    TestRequest request;
    request.path = path;
    request.host = host;
    return match(request);
  }

  // The matched route's id, or "<none>".
  std::string routeFor(const TestRequest& request) const {
    const std::optional<RouteMatch> result = match(request);
    return result ? result->route->id() : "<none>";
  }
  std::string routeFor(const std::string& path, const std::string& host = "gateway.test") const {
    return routeFor(requestFor(path, host));
  }

  static TestRequest requestFor(const std::string& path, const std::string& host = "gateway.test") {
    TestRequest request;
    request.path = path;
    request.host = host;
    return request;
  }

  TestConfig config_;
  RouterConstPtr router_;
};

}  // namespace portico::router::test
