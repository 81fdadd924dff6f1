#include <memory>

#include "absl/strings/str_cat.h"
#include "source/common/aws/credentials_provider.h"
#include "source/common/aws/credentials_provider_registry.h"
#include "source/common/tls/client_context.h"
#include "source/filters/http/aws_lambda/filter_config.h"
#include "source/filters/http/aws_lambda/lambda_config.h"
#include "source/http/filter_factory.h"

namespace portico::filters::http::aws_lambda {
namespace {

absl::StatusOr<std::shared_ptr<SSL_CTX>> tlsContextFor(
    const LambdaConfig& config, const portico::http::FilterFactoryContext& context) {
  if (!config.https) {
    return nullptr;
  }
  tls::ClientOptions options;
  options.verify = config.ssl_verify;
  options.extra_ca_pem = std::string(context.trusted_ca_pem);
  absl::StatusOr<tls::SslCtxPtr> tls_context = tls::makeClientContext(options);
  if (!tls_context.ok()) {
    return tls_context.status();
  }
  return std::shared_ptr<SSL_CTX>(tls_context->release(), SSL_CTX_free);
}

aws::CredentialsProviderSharedPtr credentialsFor(
    const LambdaConfig& config, const portico::http::FilterFactoryContext& context) {
  const aws::CredentialsOptions& options = config.credentials;
  if (context.services == nullptr || context.services->fetcher() == nullptr) {
    // Validation only: nothing will sign, but the config must compile.
    return std::make_shared<aws::CredentialsProvider>();
  }
  portico::http::LoopServices& services = *context.services;
  return services
      .getOrCreate<aws::CredentialsProviderRegistry>([&services] {
        return std::make_unique<aws::CredentialsProviderRegistry>(
            services.loop(), *services.fetcher(), aws::processEnvironment());
      })
      .get(options);
}

class AwsLambdaFilterFactory : public portico::http::FilterFactory {
 public:
  std::string_view name() const override { return "aws-lambda"; }

  absl::StatusOr<portico::http::FilterConfigConstSharedPtr> compile(
      const google::protobuf::Struct& config,
      const portico::http::FilterFactoryContext& context) const override {
    absl::StatusOr<LambdaConfig> parsed = parseLambdaConfig(config, aws::processEnvironment());
    if (!parsed.ok()) {
      return parsed.status();
    }
    absl::StatusOr<std::shared_ptr<SSL_CTX>> tls_context = tlsContextFor(*parsed, context);
    if (!tls_context.ok()) {
      return tls_context.status();
    }
    aws::CredentialsProviderSharedPtr credentials = credentialsFor(*parsed, context);
    return std::make_shared<const AwsLambdaFilterConfig>(
        std::move(*parsed), std::move(*tls_context), std::move(credentials));
  }
};

const portico::http::RegisterFilterFactory<AwsLambdaFilterFactory> kRegister;

}  // namespace
}  // namespace portico::filters::http::aws_lambda
