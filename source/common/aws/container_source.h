#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "source/common/aws/credential_source.h"
#include "source/common/aws/http_fetcher.h"

namespace portico::aws {

// ECS task roles and EKS pod identity: GET AWS_CONTAINER_CREDENTIALS_RELATIVE_URI from
// http://169.254.170.2, else AWS_CONTAINER_CREDENTIALS_FULL_URI, with an Authorization header from
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or AWS_CONTAINER_AUTHORIZATION_TOKEN. kNotFound when
// neither URI variable is set.
class ContainerSource : public CredentialSource {
 public:
  ContainerSource(EnvLookup env, HttpFetcher fetcher)
      : env_(std::move(env)), fetcher_(std::move(fetcher)) {}
  void fetch(SourceCallback done) override;
  std::string name() const override { return "container"; }

  // The request fetch() would send, or why there is none.
  absl::StatusOr<FetchRequest> buildRequest() const;

 private:
  const EnvLookup env_;
  const HttpFetcher fetcher_;
};

// Whether a FULL_URI may be used: any https URL, and plain http only to loopback or the ECS/EKS
// agent addresses, as the SDKs require, so the token never travels in clear over the network.
bool isAllowedContainerUri(const std::string& url);

}  // namespace portico::aws
