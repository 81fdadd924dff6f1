#include "source/filters/http/aws_lambda/request_payload.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source/common/http/header_map.h"

namespace portico::filters::http::aws_lambda {
namespace {

using nlohmann::json;

class RequestPayloadTest : public ::testing::Test {
 protected:
  json build(std::string_view target, std::string_view body = "") {
    InvocationRequest request{headers_};
    request.method = method_;
    const size_t question = target.find('?');
    request.raw_path = target.substr(0, question);
    if (question != std::string_view::npos) {
      request.has_query = true;
      request.raw_query = target.substr(question + 1);
    }
    request.upstream_path = request.raw_path;
    request.body = body;
    request.host = "lambda.test";
    return json::parse(buildRequestPayload(request, options_));
  }

  void forwardEverything() {
    options_.forward_request_method = true;
    options_.forward_request_uri = true;
    options_.forward_request_headers = true;
    options_.forward_request_body = true;
  }

  portico::http::HeaderMap headers_;
  std::string method_ = "GET";
  PayloadOptions options_;
};

TEST_F(RequestPayloadTest, LegacyPayloadIsTheQueryArguments) {
  EXPECT_EQ(build("/get?key1=some_value1&key2=some_value2"),
            json({{"key1", "some_value1"}, {"key2", "some_value2"}}));
}

TEST_F(RequestPayloadTest, LegacyPayloadWithoutArgumentsIsAnEmptyObject) {
  EXPECT_EQ(buildRequestPayload(InvocationRequest{headers_}, options_), "{}");
}

TEST_F(RequestPayloadTest, LegacyPayloadKeepsFlagsAndRepeatsAsLuaTables) {
  EXPECT_EQ(build("/?flag&a=1&a=2&empty="),
            json({{"flag", true}, {"a", {"1", "2"}}, {"empty", ""}}));
}

TEST_F(RequestPayloadTest, LegacyPayloadMergesFormBodyOverQuery) {
  method_ = "POST";
  headers_.add("Content-Type", "application/x-www-form-urlencoded");
  EXPECT_EQ(build("/post?key1=from_querystring&key2=q", "key2=some_value_post2&key3=v+3"),
            json({{"key1", "from_querystring"}, {"key2", "some_value_post2"}, {"key3", "v 3"}}));
}

TEST_F(RequestPayloadTest, LegacyPayloadMergesJsonBodyKeepingItsTypes) {
  method_ = "POST";
  headers_.add("Content-Type", "application/json; charset=utf-8");
  EXPECT_EQ(build("/post?key1=q", R"({"statusCode":201,"headers":{"X":"y"},"list":[]})"),
            json::parse(R"({"key1":"q","statusCode":201,"headers":{"X":"y"},"list":[]})"));
}

TEST_F(RequestPayloadTest, LegacyPayloadIgnoresAnInvalidJsonBody) {
  headers_.add("Content-Type", "application/json");
  EXPECT_EQ(build("/?a=1", "{broken"), json({{"a", "1"}}));
  EXPECT_EQ(build("/?a=1", "\"a string\""), json({{"a", "1"}}));
}

TEST_F(RequestPayloadTest, LegacyPayloadIgnoresBodiesOfOtherTypes) {
  headers_.add("Content-Type", "text/plain");
  EXPECT_EQ(build("/?a=1", "a=2"), json({{"a", "1"}}));
}

TEST_F(RequestPayloadTest, LegacyPayloadOfAJsonArrayBodyIsTheArray) {
  headers_.add("Content-Type", "application/json");
  EXPECT_EQ(build("/", "[1,2]"), json({1, 2}));
  EXPECT_EQ(build("/?a=x", "[1]"), json({{"a", "x"}, {"1", 1}}));
}

TEST_F(RequestPayloadTest, ForwardsOnlyTheEnabledParts) {
  method_ = "POST";
  options_.forward_request_method = true;
  options_.forward_request_body = true;
  headers_.add("Content-Type", "application/json");
  EXPECT_EQ(build("/post?x=1", R"({"key2":"some_value"})"),
            json({{"request_method", "POST"},
                  {"request_body", R"({"key2":"some_value"})"},
                  {"request_body_args", {{"key2", "some_value"}}}}));
}

TEST_F(RequestPayloadTest, ForwardsTheRawUriWithItsArguments) {
  options_.forward_request_uri = true;
  EXPECT_EQ(build("/a%20b/../c?key1=from%20querystring"),
            json({{"request_uri", "/a%20b/../c?key1=from%20querystring"},
                  {"request_uri_args", {{"key1", "from querystring"}}}}));
  EXPECT_EQ(build("/bare?"),
            json({{"request_uri", "/bare?"}, {"request_uri_args", json::object()}}));
  EXPECT_EQ(build("/none"), json({{"request_uri", "/none"}, {"request_uri_args", json::object()}}));
}

TEST_F(RequestPayloadTest, ForwardsHeadersLowerCasedWithArraysForRepeats) {
  options_.forward_request_headers = true;
  headers_.add("Host", "lambda-fwd.test");
  headers_.add("X-Multi", "one");
  headers_.add("x-multi", "two");
  EXPECT_EQ(
      build("/"),
      json({{"request_headers", {{"host", "lambda-fwd.test"}, {"x-multi", {"one", "two"}}}}}));
}

TEST_F(RequestPayloadTest, ForwardsAnXmlBodyAsTextWithEmptyArgs) {
  method_ = "POST";
  forwardEverything();
  headers_.add("Content-Type", "application/xml");
  const json payload = build("/post?key1=from_querystring", "<xml/>");
  EXPECT_EQ(payload["request_body"], "<xml/>");
  EXPECT_EQ(payload["request_body_args"], json::object());
  EXPECT_FALSE(payload.contains("request_body_base64"));
  EXPECT_EQ(payload["request_method"], "POST");
  EXPECT_EQ(payload["request_uri_args"], json({{"key1", "from_querystring"}}));
}

TEST_F(RequestPayloadTest, Base64EncodesABinaryBodyAndSaysSo) {
  options_.forward_request_body = true;
  headers_.add("Content-Type", "application/octet-stream");
  EXPECT_EQ(build("/", std::string("\x01\xff", 2)), json({{"request_body", "Af8="},
                                                          {"request_body_base64", true},
                                                          {"request_body_args", json::object()}}));
}

TEST_F(RequestPayloadTest, Base64EncodesABodyWithoutContentType) {
  options_.forward_request_body = true;
  EXPECT_EQ(build("/", "encodemeplease"), json({{"request_body", "ZW5jb2RlbWVwbGVhc2U="},
                                                {"request_body_base64", true},
                                                {"request_body_args", json::object()}}));
}

TEST_F(RequestPayloadTest, RawTypesWithParametersAreBase64EncodedLikeKong) {
  options_.forward_request_body = true;
  headers_.add("Content-Type", "text/plain; charset=utf-8");
  EXPECT_EQ(build("/", "hi")["request_body"], "aGk=");
}

TEST_F(RequestPayloadTest, KeepsAnOpaqueBodyAsTextWhenBase64IsDisabled) {
  options_.forward_request_body = true;
  options_.base64_encode_body = false;
  EXPECT_EQ(build("/", "donotencodemeplease"),
            json({{"request_body", "donotencodemeplease"}, {"request_body_args", json::object()}}));
}

TEST_F(RequestPayloadTest, AnEmptyBodyIsAbsentUnlessBase64Encoded) {
  options_.forward_request_body = true;
  headers_.add("Content-Type", "application/x-www-form-urlencoded");
  EXPECT_EQ(build("/"), json({{"request_body_args", json::object()}}));
  headers_.set("Content-Type", "application/pdf");
  EXPECT_EQ(build("/"), json({{"request_body", ""},
                              {"request_body_base64", true},
                              {"request_body_args", json::object()}}));
}

TEST_F(RequestPayloadTest, AnInvalidJsonBodyHasNoArgs) {
  options_.forward_request_body = true;
  headers_.add("Content-Type", "application/json");
  EXPECT_EQ(build("/", "{nope"), json({{"request_body", "{nope"}}));
}

TEST_F(RequestPayloadTest, MultipartBodiesAreNotDecoded) {
  options_.forward_request_body = true;
  headers_.add("Content-Type", "multipart/form-data; boundary=x");
  const json payload = build("/", "--x\r\n\r\n--x--");
  EXPECT_EQ(payload["request_body_args"], json::object());
  EXPECT_FALSE(payload.contains("request_body_base64"));
}

TEST_F(RequestPayloadTest, GatewayCompatibleWinsOverForwarding) {
  forwardEverything();
  options_.awsgateway_compatible = true;
  EXPECT_EQ(build("/")["version"], "1.0");
  options_.awsgateway_compatible_payload_version = "2.0";
  EXPECT_EQ(build("/")["version"], "2.0");
}

TEST(ArgsTableTest, BuildsTheLuaTableOfArguments) {
  EXPECT_EQ(argsTable(portico::http::parseUriArgs("a=1&b&a&c=")),
            json({{"a", {"1", true}}, {"b", true}, {"c", ""}}));
}

TEST(ParseJsonTest, ReportsEmptyInputAsCjsonDoes) {
  std::string error;
  EXPECT_FALSE(parseJson("", error));
  EXPECT_EQ(error, "Expected value but found T_END at character 1");
}

TEST(ParseJsonTest, RejectsNestingDeeperThanCjsonAllows) {
  std::string error;
  EXPECT_TRUE(parseJson(std::string(1000, '[') + std::string(1000, ']'), error));
  EXPECT_FALSE(parseJson(std::string(1001, '[') + std::string(1001, ']'), error));
  EXPECT_EQ(error, "found too many nested data structures (1001) at character 1001");
  EXPECT_TRUE(parseJson("[\"[[[\\\"[[\"]", error));
}

TEST(ParseJsonTest, ReportsTheParserReason) {
  std::string error;
  EXPECT_FALSE(parseJson(R"({"foo":"bar")", error));
  EXPECT_NE(error.find("unexpected end of input"), std::string::npos) << error;
}

TEST(DumpJsonTest, ReplacesBytesThatAreNotUtf8) {
  EXPECT_EQ(dumpJson(json("a\xff")), "\"a\xef\xbf\xbd\"");
}

}  // namespace
}  // namespace portico::filters::http::aws_lambda
