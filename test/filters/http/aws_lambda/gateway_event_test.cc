#include "source/filters/http/aws_lambda/gateway_event.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source/common/http/header_map.h"

namespace portico::filters::http::aws_lambda {
namespace {

using nlohmann::json;

// 2022-09-06T03:55:14.123Z
const std::chrono::system_clock::time_point kReceivedAt =
    std::chrono::system_clock::time_point(std::chrono::milliseconds(1662436514123));

class GatewayEventTest : public ::testing::Test {
 protected:
  GatewayEventTest() {
    headers_.add("Host", "gw.test:8000");
    headers_.add("User-Agent", "curl/7.54.0");
    headers_.add("X-Multi", "first");
    headers_.add("x-multi", "second");
    request_.method = "GET";
    request_.raw_path = "/123/strip/more";
    request_.raw_query = "single=hello%20world&multi=first&multi=second&boolean";
    request_.has_query = true;
    request_.upstream_path = "/more";
    request_.body = "text";
    request_.client_ip = "127.0.0.1";
    request_.request_id = "b2a3c5e8";
    request_.host = "GW.test:8000";
    request_.named_captures = {{"version", "123"}};
    request_.received_at = kReceivedAt;
  }

  portico::http::HeaderMap headers_;
  InvocationRequest request_{headers_};
};

TEST_F(GatewayEventTest, V1EventMatchesKongsSerializer) {
  const json expected = json::parse(R"({
    "version": "1.0",
    "httpMethod": "GET",
    "path": "/more",
    "headers": {"host": "gw.test:8000", "user-agent": "curl/7.54.0", "x-multi": "first"},
    "multiValueHeaders": {"host": ["gw.test:8000"], "user-agent": ["curl/7.54.0"],
                          "x-multi": ["first", "second"]},
    "pathParameters": {"version": "123"},
    "queryStringParameters": {"single": "hello world", "multi": "first", "boolean": true},
    "multiValueQueryStringParameters": {"single": ["hello world"], "multi": ["first", "second"],
                                        "boolean": [true]},
    "body": "dGV4dA==",
    "isBase64Encoded": true,
    "requestContext": {
      "path": "/more",
      "resourcePath": "/more",
      "protocol": "HTTP/1.1",
      "httpMethod": "GET",
      "domainName": "gw.test",
      "domainPrefix": "gw",
      "identity": {"sourceIp": "127.0.0.1", "userAgent": "curl/7.54.0"},
      "requestId": "b2a3c5e8",
      "requestTime": "06/Sep/2022:03:55:14 +0000",
      "requestTimeEpoch": 1662436514123
    }
  })");
  EXPECT_EQ(buildGatewayEventV1(request_, true), expected);
}

TEST_F(GatewayEventTest, V1HasNoResource) {
  EXPECT_FALSE(buildGatewayEventV1(request_, true).contains("resource"));
}

TEST_F(GatewayEventTest, V1KeepsTheBodyAsTextWithoutBase64) {
  const json event = buildGatewayEventV1(request_, false);
  EXPECT_EQ(event["body"], "text");
  EXPECT_EQ(event["isBase64Encoded"], false);
}

TEST_F(GatewayEventTest, V1EmptyBodyFollowsKongsNilBody) {
  request_.body = "";
  const json encoded = buildGatewayEventV1(request_, true);
  EXPECT_EQ(encoded["body"], "");
  EXPECT_EQ(encoded["isBase64Encoded"], true);
  const json plain = buildGatewayEventV1(request_, false);
  EXPECT_FALSE(plain.contains("body"));
  EXPECT_EQ(plain["isBase64Encoded"], false);
}

TEST_F(GatewayEventTest, V1EmptyMapsAreObjects) {
  request_.raw_query = "";
  request_.named_captures.clear();
  const std::string text = dumpJson(buildGatewayEventV1(request_, true));
  EXPECT_NE(text.find(R"("pathParameters":{})"), std::string::npos);
  EXPECT_NE(text.find(R"("queryStringParameters":{})"), std::string::npos);
  EXPECT_NE(text.find(R"("multiValueQueryStringParameters":{})"), std::string::npos);
}

TEST_F(GatewayEventTest, V1PathFallsBackToTheRawPath) {
  request_.upstream_path = "";
  EXPECT_EQ(buildGatewayEventV1(request_, true)["path"], "/123/strip/more");
}

TEST_F(GatewayEventTest, V1OmitsTheUserAgentWhenThereIsNone) {
  headers_.remove("user-agent");
  EXPECT_EQ(buildGatewayEventV1(request_, true)["requestContext"]["identity"],
            json({{"sourceIp", "127.0.0.1"}}));
}

TEST_F(GatewayEventTest, V2EventFollowsTheHttpApiFormat) {
  headers_.add("Cookie", "a=1; b=2");
  headers_.add("Cookie", "c=3");
  const json expected = json::parse(R"({
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/more",
    "rawQueryString": "single=hello%20world&multi=first&multi=second&boolean",
    "cookies": ["a=1", "b=2", "c=3"],
    "headers": {"host": "gw.test:8000", "user-agent": "curl/7.54.0", "x-multi": "first,second"},
    "queryStringParameters": {"single": "hello world", "multi": "first,second", "boolean": ""},
    "pathParameters": {"version": "123"},
    "body": "dGV4dA==",
    "isBase64Encoded": true,
    "requestContext": {
      "domainName": "gw.test",
      "domainPrefix": "gw",
      "http": {"method": "GET", "path": "/more", "protocol": "HTTP/1.1",
               "sourceIp": "127.0.0.1", "userAgent": "curl/7.54.0"},
      "requestId": "b2a3c5e8",
      "routeKey": "$default",
      "stage": "$default",
      "time": "06/Sep/2022:03:55:14 +0000",
      "timeEpoch": 1662436514123
    }
  })");
  EXPECT_EQ(buildGatewayEventV2(request_, true), expected);
}

TEST_F(GatewayEventTest, V2LeavesOutEmptyParts) {
  request_.raw_query = "";
  request_.body = "";
  request_.named_captures.clear();
  const json event = buildGatewayEventV2(request_, true);
  EXPECT_FALSE(event.contains("queryStringParameters"));
  EXPECT_FALSE(event.contains("pathParameters"));
  EXPECT_FALSE(event.contains("cookies"));
  EXPECT_FALSE(event.contains("body"));
  EXPECT_EQ(event["isBase64Encoded"], false);
  EXPECT_EQ(event["rawQueryString"], "");
}

TEST_F(GatewayEventTest, V2KeepsTheBodyAsTextWithoutBase64) {
  const json event = buildGatewayEventV2(request_, false);
  EXPECT_EQ(event["body"], "text");
  EXPECT_EQ(event["isBase64Encoded"], false);
}

TEST(RequestTimeTest, FormatsAsClfInUtc) {
  EXPECT_EQ(formatRequestTime(std::chrono::system_clock::time_point()),
            "01/Jan/1970:00:00:00 +0000");
  EXPECT_EQ(formatRequestTime(kReceivedAt), "06/Sep/2022:03:55:14 +0000");
}

TEST(HostNameTest, DropsThePortAndLowerCases) {
  EXPECT_EQ(hostName("Abc.MyHost.com:8443"), "abc.myhost.com");
  EXPECT_EQ(hostName("localhost"), "localhost");
  EXPECT_EQ(hostName("[::1]:8000"), "[::1]");
  EXPECT_EQ(hostName(""), "");
}

}  // namespace
}  // namespace portico::filters::http::aws_lambda
