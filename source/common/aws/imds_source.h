#pragma once

#include <string>

#include "source/common/aws/credential_source.h"
#include "source/common/aws/http_fetcher.h"

namespace portico::aws {

// Kong's aws_imds_protocol_version.
enum class ImdsVersion { kV1, kV2 };

// The EC2 instance role from the instance metadata service: (v2 only: PUT /latest/api/token for a
// session token, sent with every later call) GET /latest/meta-data/iam/security-credentials/ for
// the role name, then GET .../<role> for the credentials document. The endpoint is
// AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://169.254.169.254 (http://[fd00:ec2::254] when
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is IPv6). kNotFound when AWS_EC2_METADATA_DISABLED is
// true or the instance has no role.
class ImdsSource : public CredentialSource {
 public:
  ImdsSource(EnvLookup env, HttpFetcher fetcher, ImdsVersion version)
      : env_(std::move(env)), fetcher_(std::move(fetcher)), version_(version) {}
  void fetch(SourceCallback done) override;
  std::string name() const override { return "imds"; }

  std::string endpoint() const;

 private:
  const EnvLookup env_;
  const HttpFetcher fetcher_;
  const ImdsVersion version_;
};

}  // namespace portico::aws
