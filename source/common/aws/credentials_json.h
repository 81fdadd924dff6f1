#pragma once

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "source/common/aws/credentials.h"

namespace portico::aws {

// The credentials document the ECS agent, EKS pod identity and IMDS serve:
// {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"} (IMDS adds "Code", which must be
// "Success" when present). Errors name `source` and the missing field, never a value.
absl::StatusOr<Credentials> parseCredentialsJson(const std::string& body,
                                                 const std::string& source);

// ISO 8601 / RFC 3339 as AWS writes expirations: 2024-05-17T15:09:54Z, with optional fractional
// seconds or a numeric offset.
absl::StatusOr<std::chrono::system_clock::time_point> parseAwsTimestamp(const std::string& text);

}  // namespace portico::aws
