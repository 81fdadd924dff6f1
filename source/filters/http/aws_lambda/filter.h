#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "source/http/filter.h"
#include "source/upstream/http_client.h"

namespace portico::filters::http::aws_lambda {

class AwsLambdaFilterConfig;

// Answers the request by invoking a Lambda function (Kong's aws-lambda access phase): buffers
// the request body, builds the payload, signs and sends the Invoke call over a pooled connection
// of the worker, and maps Lambda's answer to the client's response. The route's service, if any,
// is never contacted.
class AwsLambdaFilter : public portico::http::HttpFilter {
 public:
  explicit AwsLambdaFilter(const AwsLambdaFilterConfig& config);

  portico::http::FilterStatus onRequestHeaders(portico::http::MessageHead& request,
                                               bool end_stream) override;
  portico::http::FilterStatus onRequestBody(std::string& chunk, bool end_stream) override;
  void onDownstreamReset() override;

 private:
  void invoke();
  void onInvoked(absl::StatusOr<upstream::HttpResponse> result);
  void answerLambdaApiError(const upstream::HttpResponse& response);
  // Kong's answer to anything that goes wrong around the call: 500, details only in the log.
  void failInternally(const std::string& reason);

  const AwsLambdaFilterConfig& config_;
  const portico::http::MessageHead* request_ = nullptr;
  std::chrono::system_clock::time_point received_at_;
  std::string body_;
  bool body_too_large_ = false;
  uint64_t invoke_started_ms_ = 0;
  std::unique_ptr<upstream::HttpClientRequest> call_;
};

}  // namespace portico::filters::http::aws_lambda
