#include "source/filters/http/aws_lambda/response_mapping.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source/common/http/header_map.h"

namespace portico::filters::http::aws_lambda {
namespace {

using nlohmann::json;

class ResponseMappingTest : public ::testing::Test {
 protected:
  ResponseMappingTest() {
    response_.headers.add("x-amzn-RequestId", "foo");
    response_.headers.add("Content-Length", "42");
    response_.headers.add("Connection", "keep-alive");
    response_.headers.add("X-Amz-Executed-Version", "$LATEST");
  }

  absl::StatusOr<ClientResponse> map() { return mapInvokeResponse(response_, options_); }

  // The 502 reason for a proxy-integration result.
  std::string proxyError(std::string body) {
    options_.is_proxy_integration = true;
    response_.body = std::move(body);
    absl::StatusOr<ClientResponse> mapped = map();
    EXPECT_FALSE(mapped.ok());
    if (mapped.ok()) {
      return "";
    }
    EXPECT_EQ(mapped.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(mapped.status().message());
  }

  InvokeResponse response_;
  ResponseOptions options_;
};

std::vector<std::string> values(const portico::http::HeaderMap& headers, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [header, value] : headers.entries()) {
    if (portico::http::equalsIgnoreCase(header, name)) {
      out.push_back(value);
    }
  }
  return out;
}

TEST_F(ResponseMappingTest, PassesStatusHeadersAndBodyThrough) {
  response_.body = "{\"key1\":\"v\"}";
  absl::StatusOr<ClientResponse> mapped = map();
  ASSERT_TRUE(mapped.ok()) << mapped.status();
  EXPECT_EQ(mapped->status, 200);
  EXPECT_EQ(mapped->body, "{\"key1\":\"v\"}");
  EXPECT_EQ(values(mapped->headers, "x-amzn-requestid"), std::vector<std::string>{"foo"});
  EXPECT_EQ(values(mapped->headers, "x-amz-executed-version"), std::vector<std::string>{"$LATEST"});
}

TEST_F(ResponseMappingTest, DropsContentLengthAndHopByHopHeaders) {
  response_.headers.add("Transfer-Encoding", "chunked");
  response_.headers.add("Keep-Alive", "timeout=5");
  absl::StatusOr<ClientResponse> mapped = map();
  ASSERT_TRUE(mapped.ok());
  EXPECT_FALSE(mapped->headers.has("content-length"));
  EXPECT_FALSE(mapped->headers.has("connection"));
  EXPECT_FALSE(mapped->headers.has("transfer-encoding"));
  EXPECT_FALSE(mapped->headers.has("keep-alive"));
}

TEST_F(ResponseMappingTest, KeepsTheInvokeStatusOfEventAndDryRun) {
  response_.status = 202;
  EXPECT_EQ(map()->status, 202);
  response_.status = 204;
  EXPECT_EQ(map()->status, 204);
}

TEST_F(ResponseMappingTest, UnhandledStatusAppliesOnlyToUnhandledErrors) {
  options_.unhandled_status = 412;
  EXPECT_EQ(map()->status, 200);
  response_.headers.add("X-Amz-Function-Error", "Unhandled");
  absl::StatusOr<ClientResponse> mapped = map();
  EXPECT_EQ(mapped->status, 412);
  EXPECT_EQ(values(mapped->headers, "x-amz-function-error"), std::vector<std::string>{"Unhandled"});
  response_.headers.set("X-Amz-Function-Error", "Handled");
  EXPECT_EQ(map()->status, 200);
}

TEST_F(ResponseMappingTest, UnhandledErrorKeepsTheStatusWithoutUnhandledStatus) {
  response_.headers.add("X-Amz-Function-Error", "Unhandled");
  EXPECT_EQ(map()->status, 200);
}

TEST_F(ResponseMappingTest, HandledStatusAppliesToHandledErrors) {
  options_.handled_status = 400;
  response_.headers.add("X-Amz-Function-Error", "Handled");
  EXPECT_EQ(map()->status, 400);
}

TEST_F(ResponseMappingTest, AnUnhandledStatusBeyond599FailsLikeKong) {
  options_.unhandled_status = 999;
  response_.headers.add("X-Amz-Function-Error", "Unhandled");
  EXPECT_EQ(map().status().code(), absl::StatusCode::kInternal);
}

TEST_F(ResponseMappingTest, LegacyModeTurnsEmptyArraysIntoObjects) {
  response_.headers.add("Content-Type", "application/json");
  response_.body = R"({"statusCode":200,"testbody":[],"nested":{"a":[[]]},"full":[1]})";
  EXPECT_EQ(json::parse(map()->body),
            json::parse(R"({"statusCode":200,"testbody":{},"nested":{"a":[{}]},"full":[1]})"));
}

TEST_F(ResponseMappingTest, CorrectModeKeepsEmptyArrays) {
  options_.empty_arrays_legacy = false;
  response_.headers.add("Content-Type", "application/json");
  response_.body = R"({"statusCode":200,"testbody":[]})";
  EXPECT_EQ(json::parse(map()->body), json::parse(R"({"statusCode":200,"testbody":[]})"));
}

TEST_F(ResponseMappingTest, ReencodesOnlyJsonContentTypes) {
  response_.body = R"({ "a" : [] })";
  EXPECT_EQ(map()->body, R"({ "a" : [] })");
  response_.headers.set("Content-Type", "application/vnd.api+json; charset=utf-8");
  EXPECT_EQ(map()->body, R"({"a":{}})");
}

TEST_F(ResponseMappingTest, AJsonStringBodyBecomesItsText) {
  response_.headers.add("Content-Type", "application/json");
  response_.body = R"("hello")";
  EXPECT_EQ(map()->body, "hello");
}

TEST_F(ResponseMappingTest, UndecodableJsonOrFalseIsSentAsReceived) {
  response_.headers.add("Content-Type", "application/json");
  response_.body = "{broken";
  EXPECT_EQ(map()->body, "{broken");
  response_.body = "false";
  EXPECT_EQ(map()->body, "false");
}

TEST_F(ResponseMappingTest, AJsonNumberOrNullBodyFailsLikeKong) {
  response_.headers.add("Content-Type", "application/json");
  response_.body = "null";
  EXPECT_EQ(map().status().code(), absl::StatusCode::kInternal);
  response_.body = "5";
  EXPECT_EQ(map().status().code(), absl::StatusCode::kInternal);
}

TEST_F(ResponseMappingTest, ProxyIntegrationTakesStatusBodyAndHeadersFromTheResult) {
  options_.is_proxy_integration = true;
  response_.body =
      R"({"statusCode":201,"body":"{\"k\":\"v\"}","headers":{"X-Custom-Header":"Hello world!"}})";
  absl::StatusOr<ClientResponse> mapped = map();
  ASSERT_TRUE(mapped.ok()) << mapped.status();
  EXPECT_EQ(mapped->status, 201);
  EXPECT_EQ(mapped->body, R"({"k":"v"})");
  EXPECT_EQ(values(mapped->headers, "x-custom-header"), std::vector<std::string>{"Hello world!"});
  EXPECT_EQ(values(mapped->headers, "x-amzn-requestid"), std::vector<std::string>{"foo"});
  EXPECT_FALSE(mapped->headers.has("content-length"));
}

TEST_F(ResponseMappingTest, ProxyIntegrationWithoutBodySendsAnEmptyBody) {
  options_.is_proxy_integration = true;
  response_.body = R"({"statusCode":"204"})";
  absl::StatusOr<ClientResponse> mapped = map();
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->status, 204);
  EXPECT_EQ(mapped->body, "");
}

TEST_F(ResponseMappingTest, ProxyIntegrationHeadersReplaceLambdaHeaders) {
  options_.is_proxy_integration = true;
  response_.body = R"({"statusCode":201,"headers":{"x-amzn-requestid":"bar","Age":3600}})";
  absl::StatusOr<ClientResponse> mapped = map();
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(values(mapped->headers, "x-amzn-requestid"), std::vector<std::string>{"bar"});
  EXPECT_EQ(values(mapped->headers, "age"), std::vector<std::string>{"3600"});
}

TEST_F(ResponseMappingTest, ProxyIntegrationIgnoresUnhandledStatus) {
  options_.is_proxy_integration = true;
  options_.unhandled_status = 412;
  response_.headers.add("X-Amz-Function-Error", "Unhandled");
  response_.body = R"({"statusCode":200})";
  EXPECT_EQ(map()->status, 200);
}

TEST_F(ResponseMappingTest, ProxyIntegrationDecodesBase64Bodies) {
  options_.is_proxy_integration = true;
  response_.body = R"({"statusCode":200,"body":"dGVzdA==","isBase64Encoded":true})";
  EXPECT_EQ(map()->body, "test");
  response_.body = R"({"statusCode":200,"body":"dGVzdA==","isBase64Encoded":false})";
  EXPECT_EQ(map()->body, "dGVzdA==");
}

TEST_F(ResponseMappingTest, ProxyIntegrationFailsOnAnUndecodableBase64Body) {
  options_.is_proxy_integration = true;
  response_.body = R"({"statusCode":200,"body":"*not base64*","isBase64Encoded":true})";
  EXPECT_EQ(map().status().code(), absl::StatusCode::kInternal);
}

TEST_F(ResponseMappingTest, MultiValueHeadersAreRepeatedLinesOverridingHeaders) {
  options_.is_proxy_integration = true;
  response_.body = R"({"statusCode":200,"headers":{"Age":"3600","Vary":"Accept"},
    "multiValueHeaders":{"Access-Control-Allow-Origin":["site1.com","site2.com"],
                         "vary":["Origin"],"X-Null":null}})";
  absl::StatusOr<ClientResponse> mapped = map();
  ASSERT_TRUE(mapped.ok()) << mapped.status();
  EXPECT_EQ(values(mapped->headers, "age"), std::vector<std::string>{"3600"});
  EXPECT_EQ(values(mapped->headers, "access-control-allow-origin"),
            (std::vector<std::string>{"site1.com", "site2.com"}));
  EXPECT_EQ(values(mapped->headers, "vary"), std::vector<std::string>{"Origin"});
  EXPECT_FALSE(mapped->headers.has("x-null"));
}

TEST_F(ResponseMappingTest, ANullMultiValueHeadersIsIgnored) {
  options_.is_proxy_integration = true;
  response_.body = R"({"statusCode":200,"multiValueHeaders":null})";
  EXPECT_TRUE(map().ok());
}

TEST_F(ResponseMappingTest, ProxyIntegrationFunctionCannotSetContentLength) {
  options_.is_proxy_integration = true;
  response_.body = R"({"statusCode":200,"body":"abc","headers":{"Content-Length":"99"}})";
  EXPECT_FALSE(map()->headers.has("content-length"));
}

TEST_F(ResponseMappingTest, ProxyIntegrationReadsAnAlreadyDecodedJsonResult) {
  options_.is_proxy_integration = true;
  response_.headers.add("Content-Type", "application/json");
  response_.body = R"({"statusCode":200,"body":"[]"})";
  absl::StatusOr<ClientResponse> mapped = map();
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->body, "[]");
  response_.body = R"("{\"statusCode\":202}")";
  EXPECT_EQ(map()->status, 202);
}

TEST_F(ResponseMappingTest, ProxyIntegrationRejectsBadStatusCodes) {
  EXPECT_EQ(proxyError(R"({"body":"x"})"), "statusCode validation failed");
  EXPECT_EQ(proxyError(R"({"statusCode":99})"), "statusCode validation failed");
  EXPECT_EQ(proxyError(R"({"statusCode":600})"), "statusCode validation failed");
  EXPECT_EQ(proxyError(R"({"statusCode":"abc"})"), "statusCode validation failed");
  EXPECT_EQ(proxyError(R"({"statusCode":true})"), "statusCode validation failed");
  EXPECT_EQ(proxyError(R"([1,2])"), "statusCode validation failed");
}

TEST_F(ResponseMappingTest, ProxyIntegrationRejectsMistypedFields) {
  EXPECT_EQ(proxyError(R"({"statusCode":200,"headers":"x"})"), "headers must be a table");
  EXPECT_EQ(proxyError(R"({"statusCode":200,"body":{}})"), "body must be a string");
  EXPECT_EQ(proxyError(R"({"statusCode":200,"body":null})"), "body must be a string");
  EXPECT_EQ(proxyError(R"({"statusCode":200,"body":"dGVzdA=","isBase64Encoded":"abc"})"),
            "isBase64Encoded must be a boolean");
}

TEST_F(ResponseMappingTest, ProxyIntegrationReportsUndecodableResults) {
  EXPECT_EQ(proxyError(""), "Expected value but found T_END at character 1");
  EXPECT_NE(proxyError(R"({"foo":"bar")").find("unexpected end of input"), std::string::npos);
}

TEST_F(ResponseMappingTest, ProxyIntegrationRejectsDecodedScalars) {
  response_.headers.add("Content-Type", "application/json");
  EXPECT_EQ(proxyError("5"), "proxy response must be json format");
}

TEST(BadGatewayBodyTest, IsKongsExitBody) {
  EXPECT_EQ(json::parse(badGatewayBody("body must be a string")),
            json({{"message", "Bad Gateway"},
                  {"error",
                   "could not JSON decode Lambda function response: body must be a "
                   "string"}}));
}

}  // namespace
}  // namespace portico::filters::http::aws_lambda
