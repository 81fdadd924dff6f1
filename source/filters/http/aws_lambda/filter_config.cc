#include "source/filters/http/aws_lambda/filter_config.h"

#include "absl/strings/str_cat.h"
#include "source/filters/http/aws_lambda/filter.h"

namespace portico::filters::http::aws_lambda {

AwsLambdaFilterConfig::AwsLambdaFilterConfig(LambdaConfig config,
                                             std::shared_ptr<SSL_CTX> tls_context,
                                             aws::CredentialsProviderSharedPtr credentials)
    : config_(std::move(config)),
      tls_context_(std::move(tls_context)),
      credentials_(std::move(credentials)) {
  endpoint_ =
      makeInvokeEndpoint(config_.function_name, config_.qualifier, config_.host, config_.port,
                         config_.https, config_.invocation_type, config_.log_type);
  target_.host = config_.host;
  target_.port = config_.port;
  target_.tls_context = tls_context_.get();
  target_.proxy = config_.proxy;
  // Pooled apart from services' connections to the same endpoint: TLS settings may differ.
  target_.pool_key =
      absl::StrCat("lambda:", config_.https ? "https" : "http", "://", config_.host, ":",
                   config_.port, config_.https && !config_.ssl_verify ? "/noverify" : "");
  if (config_.region) {
    signer_ = std::make_unique<const aws::SigV4Signer>("lambda", *config_.region);
  }
}

portico::http::HttpFilterPtr AwsLambdaFilterConfig::createFilter() const {
  return std::make_unique<AwsLambdaFilter>(*this);
}

}  // namespace portico::filters::http::aws_lambda
