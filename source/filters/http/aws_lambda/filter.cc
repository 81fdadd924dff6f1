#include "source/filters/http/aws_lambda/filter.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "source/common/http/status.h"
#include "source/common/log/logger.h"
#include "source/filters/http/aws_lambda/filter_config.h"
#include "source/filters/http/aws_lambda/lambda_api_error.h"
#include "source/filters/http/aws_lambda/request_payload.h"
#include "source/filters/http/aws_lambda/response_mapping.h"
#include "source/http/stream_context.h"

namespace portico::filters::http::aws_lambda {
namespace {

using portico::http::FilterStatus;

constexpr char kUnexpectedError[] = "An unexpected error occurred";

}  // namespace

AwsLambdaFilter::AwsLambdaFilter(const AwsLambdaFilterConfig& config) : config_(config) {}

FilterStatus AwsLambdaFilter::onRequestHeaders(portico::http::MessageHead& request,
                                               bool end_stream) {
  request_ = &request;
  received_at_ = std::chrono::system_clock::now();
  if (request.content_length && *request.content_length > kMaxInvokePayloadBytes) {
    callbacks_->sendGatewayError(413, "Payload too large");
    return FilterStatus::kStop;
  }
  if (end_stream) {
    invoke();
  } else {
    callbacks_->takeRequestBody(*this);
  }
  return FilterStatus::kStop;
}

FilterStatus AwsLambdaFilter::onRequestBody(std::string& chunk, bool end_stream) {
  if (body_too_large_) {
    return FilterStatus::kStop;
  }
  if (body_.size() + chunk.size() > kMaxInvokePayloadBytes) {
    body_too_large_ = true;
    body_.clear();
    body_.shrink_to_fit();
    callbacks_->sendGatewayError(413, "Payload too large");
    return FilterStatus::kStop;
  }
  body_.append(chunk);
  if (end_stream) {
    invoke();
  }
  return FilterStatus::kStop;
}

void AwsLambdaFilter::invoke() {
  portico::http::StreamContext& context = callbacks_->context();
  const aws::SigV4Signer* signer = config_.signer();
  if (signer == nullptr) {
    failInternally("no region specified (aws_region, AWS_REGION or AWS_DEFAULT_REGION)");
    return;
  }
  aws::CredentialsConstSharedPtr credentials = config_.credentials()->current();
  if (credentials == nullptr) {
    failInternally("no AWS credentials available");
    return;
  }
  const LambdaConfig& lambda = config_.config();
  if (lambda.skip_large_bodies && body_.size() > kLargeBodyBytes) {
    // Kong's behaviour: nginx spooled such a body to disk and the plugin skipped it.
    log::warn(absl::StrCat(
        "aws-lambda: request body of ", body_.size(),
        " bytes not sent (skip_large_bodies), request_id: ", context.request_id.str()));
    body_.clear();
  }
  InvocationRequest invocation{request_->headers};
  invocation.method = request_->method;
  invocation.raw_path = context.raw_path;
  invocation.raw_query = context.raw_query;
  invocation.has_query = context.has_query;
  if (context.match) {
    invocation.upstream_path = context.match->upstream_path;
    invocation.named_captures = context.match->captures.named;
  }
  invocation.body = body_;
  invocation.client_ip = context.client_address;
  invocation.request_id = context.request_id.view();
  if (const std::string* host = request_->headers.get("host")) {
    invocation.host = *host;
  }
  invocation.protocol = request_->isHttp10() ? "HTTP/1.0" : "HTTP/1.1";
  invocation.received_at = received_at_;
  const std::string payload = buildRequestPayload(invocation, lambda.payload);
  body_.clear();
  body_.shrink_to_fit();

  absl::StatusOr<std::string> bytes = buildInvokeRequest(config_.endpoint(), payload, *credentials,
                                                         *signer, std::chrono::system_clock::now());
  if (!bytes.ok()) {
    failInternally(std::string(bytes.status().message()));
    return;
  }
  invoke_started_ms_ = uv_now(callbacks_->loop());
  upstream::HttpClientRequest::Options options;
  options.timeout_ms = lambda.timeout_ms;
  call_ = std::make_unique<upstream::HttpClientRequest>(
      callbacks_->upstreams(), config_.target(), std::move(*bytes), options,
      [this](absl::StatusOr<upstream::HttpResponse> result) { onInvoked(std::move(result)); });
  call_->start();
}

void AwsLambdaFilter::onInvoked(absl::StatusOr<upstream::HttpResponse> result) {
  callbacks_->context().excluded_latency_ms = uv_now(callbacks_->loop()) - invoke_started_ms_;
  if (!result.ok()) {
    failInternally(std::string(result.status().message()));
    return;
  }
  if (result->status >= 400) {
    answerLambdaApiError(*result);
    return;
  }
  InvokeResponse invoke_response{result->status, std::move(result->headers),
                                 std::move(result->body)};
  absl::StatusOr<ClientResponse> mapped =
      mapInvokeResponse(std::move(invoke_response), config_.config().response);
  if (!mapped.ok()) {
    if (mapped.status().code() == absl::StatusCode::kInvalidArgument) {
      portico::http::HeaderMap headers;
      headers.set("Content-Type", "application/json; charset=utf-8");
      callbacks_->sendResponse(502, std::move(headers),
                               badGatewayBody(std::string(mapped.status().message())));
      return;
    }
    failInternally(std::string(mapped.status().message()));
    return;
  }
  // Kong tags every Lambda answer as coming through an HTTP/2-style hop (its `$http2` test is
  // always truthy), whatever the client spoke.
  const std::string via = absl::StrCat("2 ", callbacks_->context().settings->viaToken());
  if (const std::string* existing = mapped->headers.get("via")) {
    mapped->headers.set("Via", absl::StrCat(*existing, ", ", via));
  } else {
    mapped->headers.add("Via", via);
  }
  callbacks_->sendResponse(mapped->status, std::move(mapped->headers), std::move(mapped->body));
}

void AwsLambdaFilter::answerLambdaApiError(const upstream::HttpResponse& response) {
  const LambdaApiError error = describeLambdaApiError(response);
  log::error(absl::StrCat("aws-lambda: Lambda API answered ", response.status, " ", error.type,
                          ": ", error.message, " (function ", config_.config().function_name,
                          "), request_id: ", callbacks_->context().request_id.str()));
  if (!config_.config().preserve_lambda_api_error_code) {
    callbacks_->sendLocalReply(500, kUnexpectedError, {});
    return;
  }
  portico::http::HeaderMap headers;
  if (const std::string* retry_after = response.headers.get("retry-after")) {
    headers.set("Retry-After", *retry_after);
  }
  callbacks_->sendLocalReply(response.status,
                             error.type.empty() ? portico::http::reasonPhrase(response.status)
                                                : std::string_view(error.type),
                             std::move(headers));
}

void AwsLambdaFilter::failInternally(const std::string& reason) {
  log::error(absl::StrCat("aws-lambda: ", reason, " (function ", config_.config().function_name,
                          "), request_id: ", callbacks_->context().request_id.str()));
  callbacks_->sendLocalReply(500, kUnexpectedError, {});
}

void AwsLambdaFilter::onDownstreamReset() { call_.reset(); }

}  // namespace portico::filters::http::aws_lambda
