#pragma once

#include <uv.h>

#include <map>
#include <memory>
#include <string>

#include "source/common/aws/credential_source.h"
#include "source/common/aws/credentials_provider.h"
#include "source/common/aws/credentials_refresher.h"
#include "source/common/aws/http_fetcher.h"
#include "source/common/aws/imds_source.h"

namespace portico::aws {

// The aws-lambda config fields that decide where credentials come from (Kong §5.1).
struct CredentialsOptions {
  // aws_key/aws_secret; both empty: the default chain.
  std::string access_key_id;
  std::string secret_access_key;
  // aws_assume_role_arn, aws_role_session_name, aws_sts_endpoint_url.
  std::string assume_role_arn;
  std::string role_session_name = "kong";
  std::string sts_endpoint_url;
  // aws_region, for the regional STS endpoint; empty: AWS_REGION, then AWS_DEFAULT_REGION.
  std::string region;
  // aws_imds_protocol_version; Kong's default is v1.
  ImdsVersion imds_version = ImdsVersion::kV1;
};

// The source for `options`: config keys, else the SDKs' chain (environment, shared file/profile,
// container, IMDS); wrapped in STS AssumeRole when a role ARN is set.
CredentialSourceSharedPtr makeCredentialSource(const CredentialsOptions& options, EnvLookup env,
                                               HttpFetcher fetcher, Clock clock);

// Providers by options, so a config reload that keeps a plugin's options keeps its credentials
// instead of fetching them again. Holds providers weakly: one lives while a compiled config uses
// it. Main thread only; destroy it before its loop.
class CredentialsProviderRegistry {
 public:
  CredentialsProviderRegistry(uv_loop_t* loop, HttpFetcher fetcher, EnvLookup env,
                              Clock clock = systemClock(), RefreshPolicy policy = {});

  // The live provider for these options, or a new one whose first fetch starts now: it completes
  // before returning for config keys, the environment and the shared file; container, IMDS and
  // STS answer later on the loop.
  CredentialsProviderSharedPtr get(const CredentialsOptions& options);

  // Providers still in use.
  size_t size();

 private:
  struct Entry {
    std::weak_ptr<CredentialsProvider> provider;
    CredentialsRefresherSharedPtr refresher;
  };
  void dropUnused();

  uv_loop_t* const loop_;
  const HttpFetcher fetcher_;
  const EnvLookup env_;
  const Clock clock_;
  const RefreshPolicy policy_;
  std::map<std::string, Entry> entries_;
};

}  // namespace portico::aws
