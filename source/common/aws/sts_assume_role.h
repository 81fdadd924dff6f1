#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "source/common/aws/credential_source.h"
#include "source/common/aws/http_fetcher.h"

namespace portico::aws {

// Kong's aws_assume_role_arn, aws_role_session_name and aws_sts_endpoint_url.
struct AssumeRoleOptions {
  std::string role_arn;
  std::string session_name = "kong";
  // Empty: https://sts.<region>.amazonaws.com, or the global https://sts.amazonaws.com when
  // `region` is empty or AWS_STS_REGIONAL_ENDPOINTS is "legacy".
  std::string endpoint_url;
  std::string region;
};

// Where an STS call goes and the region it is signed for.
struct StsEndpoint {
  std::string url;        // scheme://authority/path
  std::string authority;  // the Host header: host[:port]
  std::string path;       // at least "/"
  std::string signing_region;
};
absl::StatusOr<StsEndpoint> resolveStsEndpoint(const AssumeRoleOptions& options,
                                               const EnvLookup& env);

// STS AssumeRole on top of a base source: fetches the base credentials, then POSTs
// Action=AssumeRole (form-encoded, SigV4-signed for service "sts" with the base credentials) and
// reads the temporary credentials from the XML answer. Must be owned by a shared_ptr. The base is
// fetched again for each refresh, so temporary base credentials (IMDS, container) stay current.
class AssumeRoleSource : public CredentialSource,
                         public std::enable_shared_from_this<AssumeRoleSource> {
 public:
  AssumeRoleSource(CredentialSourceSharedPtr base, AssumeRoleOptions options, EnvLookup env,
                   HttpFetcher fetcher, Clock clock);
  void fetch(SourceCallback done) override;
  std::string name() const override { return "sts assume role"; }

  // The signed request fetch() sends for `base` at `now`.
  absl::StatusOr<FetchRequest> buildRequest(const Credentials& base,
                                            std::chrono::system_clock::time_point now) const;

 private:
  const CredentialSourceSharedPtr base_;
  const AssumeRoleOptions options_;
  const EnvLookup env_;
  const HttpFetcher fetcher_;
  const Clock clock_;
};

// AssumeRoleResponse/AssumeRoleResult/Credentials {AccessKeyId, SecretAccessKey, SessionToken,
// Expiration}. Errors never quote the document.
absl::StatusOr<Credentials> parseAssumeRoleResponse(const std::string& xml);

// The Code of an STS ErrorResponse (AccessDenied, ExpiredToken, ...), or "" when there is none.
std::string parseStsErrorCode(const std::string& xml);

}  // namespace portico::aws
