#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "source/common/aws/credentials_provider.h"
#include "source/common/aws/sigv4_signer.h"
#include "source/filters/http/aws_lambda/invoke_request.h"
#include "source/filters/http/aws_lambda/lambda_config.h"
#include "source/http/filter_factory.h"
#include "source/upstream/http_client.h"

namespace portico::filters::http::aws_lambda {

// One aws-lambda instance, compiled on the main thread: the endpoint, TLS context, signer and
// credentials every stream on every worker shares read-only.
class AwsLambdaFilterConfig : public portico::http::FilterConfig {
 public:
  // `credentials` is nullptr when no region is known: such a config is accepted (as in Kong) and
  // every request fails with 500.
  AwsLambdaFilterConfig(LambdaConfig config, std::shared_ptr<SSL_CTX> tls_context,
                        aws::CredentialsProviderSharedPtr credentials);

  portico::http::HttpFilterPtr createFilter() const override;

  const LambdaConfig& config() const { return config_; }
  const InvokeEndpoint& endpoint() const { return endpoint_; }
  const upstream::HttpTarget& target() const { return target_; }
  // nullptr without a region.
  const aws::SigV4Signer* signer() const { return signer_.get(); }
  const aws::CredentialsProvider* credentials() const { return credentials_.get(); }

 private:
  const LambdaConfig config_;
  const std::shared_ptr<SSL_CTX> tls_context_;
  const aws::CredentialsProviderSharedPtr credentials_;
  InvokeEndpoint endpoint_;
  upstream::HttpTarget target_;
  std::unique_ptr<const aws::SigV4Signer> signer_;
};

}  // namespace portico::filters::http::aws_lambda
