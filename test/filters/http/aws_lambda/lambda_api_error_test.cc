#include "source/filters/http/aws_lambda/lambda_api_error.h"

#include <string>

#include "gtest/gtest.h"

namespace portico::filters::http::aws_lambda {
namespace {

upstream::HttpResponse errorResponse(int status, std::string error_type_header, std::string body) {
  upstream::HttpResponse response;
  response.status = status;
  if (!error_type_header.empty()) {
    response.headers.add("x-amzn-ErrorType", std::move(error_type_header));
  }
  response.headers.add("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

TEST(LambdaApiErrorTest, TypeComesFromTheHeader) {
  const LambdaApiError error = describeLambdaApiError(
      errorResponse(404, "ResourceNotFoundException",
                    R"({"Type":"User","Message":"Function not found: arn:aws:lambda:fn"})"));
  EXPECT_EQ(error.type, "ResourceNotFoundException");
  EXPECT_EQ(error.message, "Function not found: arn:aws:lambda:fn");
}

TEST(LambdaApiErrorTest, HeaderNamespaceSuffixAfterColonIsDropped) {
  const LambdaApiError error = describeLambdaApiError(errorResponse(
      403, "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/",
      R"({"message":"Signature expired"})"));
  EXPECT_EQ(error.type, "InvalidSignatureException");
}

TEST(LambdaApiErrorTest, HeaderNamespacePrefixBeforeHashIsDropped) {
  const LambdaApiError error = describeLambdaApiError(
      errorResponse(403, "com.amazon.coral.service#ExpiredTokenException", "{}"));
  EXPECT_EQ(error.type, "ExpiredTokenException");
}

TEST(LambdaApiErrorTest, HeaderWinsOverTheBody) {
  const LambdaApiError error = describeLambdaApiError(
      errorResponse(403, "AccessDeniedException", R"({"__type":"SomethingElse"})"));
  EXPECT_EQ(error.type, "AccessDeniedException");
}

TEST(LambdaApiErrorTest, WithoutTheHeaderTypeComesFromBodyTypeThenCode) {
  EXPECT_EQ(describeLambdaApiError(
                errorResponse(403, "",
                              R"({"__type":"com.amazon.coral.service#InvalidSignatureException",
                                  "message":"bad"})"))
                .type,
            "InvalidSignatureException");
  EXPECT_EQ(
      describeLambdaApiError(errorResponse(429, "", R"({"code":"TooManyRequestsException"})")).type,
      "TooManyRequestsException");
  EXPECT_EQ(describeLambdaApiError(
                errorResponse(400, "", R"({"__type":"InvalidParameterValueException","code":"X"})"))
                .type,
            "InvalidParameterValueException");
}

TEST(LambdaApiErrorTest, NoTypeAnywhereLeavesItEmpty) {
  const LambdaApiError error = describeLambdaApiError(errorResponse(502, "", "<html>oops</html>"));
  EXPECT_EQ(error.type, "");
  EXPECT_EQ(error.message, "");
}

TEST(LambdaApiErrorTest, ReadsMessageInEitherCase) {
  EXPECT_EQ(describeLambdaApiError(errorResponse(404, "X", R"({"Message":"upper"})")).message,
            "upper");
  EXPECT_EQ(describeLambdaApiError(errorResponse(429, "X", R"({"message":"lower"})")).message,
            "lower");
  EXPECT_EQ(
      describeLambdaApiError(errorResponse(400, "X", R"({"Message":1,"message":"text"})")).message,
      "text");
}

TEST(LambdaApiErrorTest, MultiLineMessageIsCutAtTheFirstLineSoTheCanonicalRequestNeverLeaks) {
  const LambdaApiError error = describeLambdaApiError(errorResponse(
      403, "InvalidSignatureException",
      R"({"message":"The request signature we calculated does not match the signature you provided.\n\nThe Canonical String for this request should have been\n'POST\n/2015-03-31/functions/fn/invocations\n\nhost:lambda.us-east-1.amazonaws.com\nx-amz-security-token:SESSIONTOKEN123\n'"})"));
  EXPECT_EQ(error.message,
            "The request signature we calculated does not match the signature you provided.");
}

TEST(LambdaApiErrorTest, LongMessageIsTruncated) {
  const std::string long_message(1000, 'm');
  const LambdaApiError error = describeLambdaApiError(errorResponse(
      400, "InvalidParameterValueException", "{\"message\":\"" + long_message + "\"}"));
  EXPECT_EQ(error.message, std::string(300, 'm') + "...");

  const LambdaApiError exact = describeLambdaApiError(errorResponse(
      400, "InvalidParameterValueException", "{\"message\":\"" + std::string(300, 'm') + "\"}"));
  EXPECT_EQ(exact.message, std::string(300, 'm'));
}

}  // namespace
}  // namespace portico::filters::http::aws_lambda
