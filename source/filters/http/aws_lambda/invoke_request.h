#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "source/common/aws/credentials.h"
#include "source/common/aws/sigv4_signer.h"

namespace portico::filters::http::aws_lambda {

// The parts of the Invoke call (aws-lambda-invoke.md §1–2) that are fixed for one plugin config.
struct InvokeEndpoint {
  // /2015-03-31/functions/<name>/invocations, the name percent-encoded as one path segment
  // (`:` of an ARN or alias becomes %3A, as the SDKs send it).
  std::string path;
  // Qualifier=<version or alias>, encoded; empty without a qualifier.
  std::string query;
  std::string host_header;  // host, with the port unless it is the scheme's default
  std::string invocation_type;
  std::string log_type;
};

InvokeEndpoint makeInvokeEndpoint(std::string_view function_name,
                                  const std::optional<std::string>& qualifier,
                                  std::string_view host, uint16_t port, bool https,
                                  std::string invocation_type, std::string log_type);

// The whole HTTP/1.1 request, head and body, signed with SigV4 for service `lambda`.
absl::StatusOr<std::string> buildInvokeRequest(const InvokeEndpoint& endpoint,
                                               std::string_view payload,
                                               const aws::Credentials& credentials,
                                               const aws::SigV4Signer& signer,
                                               std::chrono::system_clock::time_point now);

}  // namespace portico::filters::http::aws_lambda
