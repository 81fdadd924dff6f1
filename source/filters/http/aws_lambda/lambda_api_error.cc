#include "source/filters/http/aws_lambda/lambda_api_error.h"

#include "nlohmann/json.hpp"

namespace portico::filters::http::aws_lambda {
namespace {

constexpr size_t kMaxMessageBytes = 300;

std::string stringMember(const nlohmann::json& body, const char* first, const char* second) {
  for (const char* name : {first, second}) {
    auto it = body.find(name);
    if (it != body.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  return "";
}

// `com.amazon.coral.service#ExpiredTokenException` and
// `InvalidSignatureException:http://internal.amazon.com/...` both name ExpiredTokenException /
// InvalidSignatureException.
std::string bareErrorType(std::string type) {
  if (const size_t colon = type.find(':'); colon != std::string::npos) {
    type.resize(colon);
  }
  if (const size_t hash = type.rfind('#'); hash != std::string::npos) {
    type.erase(0, hash + 1);
  }
  return type;
}

}  // namespace

LambdaApiError describeLambdaApiError(const upstream::HttpResponse& response) {
  LambdaApiError error;
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (const std::string* header = response.headers.get("x-amzn-errortype")) {
    error.type = bareErrorType(*header);
  } else if (body.is_object()) {
    error.type = bareErrorType(stringMember(body, "__type", "code"));
  }
  if (body.is_object()) {
    error.message = stringMember(body, "Message", "message");
  }
  if (const size_t newline = error.message.find('\n'); newline != std::string::npos) {
    error.message.resize(newline);
  }
  if (error.message.size() > kMaxMessageBytes) {
    error.message.resize(kMaxMessageBytes);
    error.message.append("...");
  }
  return error;
}

}  // namespace portico::filters::http::aws_lambda
