#pragma once

#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "source/common/aws/credentials.h"

namespace portico::aws {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SignableRequest {
  std::string_view method;
  // As it goes on the wire: already percent-encoded, e.g.
  // /2015-03-31/functions/fn%3Aalias/invocations.
  std::string_view path;
  // Raw query string without '?'; may be empty.
  std::string_view query;
  // Headers to sign, in any order and case; repeated names are joined with ',' in this order.
  // Must hold Host, X-Amz-Date (= amzDate(now)) and, with a session token, X-Amz-Security-Token:
  // add signingHeaders() to the request before signing.
  const HeaderList& headers;
  // Hex SHA-256 of the body (sha256Hex).
  std::string_view payload_sha256_hex;
};

struct Signature {
  // X-Amz-Date value, YYYYMMDDTHHMMSSZ.
  std::string amz_date;
  // The whole Authorization header value.
  std::string authorization;
  // For tests and debugging only: callers never log these.
  std::string canonical_request;
  std::string string_to_sign;
};

// Lower-case hex SHA-256, the form SigV4 wants for payload hashes.
std::string sha256Hex(std::string_view data);

// The X-Amz-Date value for `now`: YYYYMMDDTHHMMSSZ in UTC.
std::string amzDate(std::chrono::system_clock::time_point now);

// The headers sign() requires the request to carry besides Host: X-Amz-Date and, for temporary
// credentials, X-Amz-Security-Token. Add them to the outgoing request and to
// SignableRequest::headers, then sign with the same `now`.
HeaderList signingHeaders(const Credentials& credentials,
                          std::chrono::system_clock::time_point now);

using SigningKey = std::array<unsigned char, 32>;

// HMAC chain "AWS4"+secret -> date (YYYYMMDD) -> region -> service -> "aws4_request".
absl::StatusOr<SigningKey> deriveSigningKey(std::string_view secret_access_key,
                                            std::string_view date, std::string_view region,
                                            std::string_view service);

// Header-based AWS Signature Version 4 (AWS4-HMAC-SHA256) for one service and region.
// Thread-safe: one signer is shared by every worker thread. Derived signing keys are cached per
// secret for the current UTC day only, so the cache never outgrows the set of live credentials.
class SigV4Signer {
 public:
  // double_encode_path: every service but S3 URI-encodes the already-encoded path a second time
  // (%3A -> %253A) and normalises it; S3 (false) signs the path exactly as sent.
  SigV4Signer(std::string service, std::string region, bool double_encode_path = true);

  // Adds nothing to the request: see SignableRequest::headers for what must be there. Fails with
  // InvalidArgument when credentials are incomplete or a required header is missing or disagrees
  // with `now`/`credentials` (the signature would be refused), and with Internal if OpenSSL fails.
  absl::StatusOr<Signature> sign(const SignableRequest& request, const Credentials& credentials,
                                 std::chrono::system_clock::time_point now) const;

  const std::string& service() const { return service_; }
  const std::string& region() const { return region_; }
  size_t cachedKeyCount() const;

 private:
  absl::StatusOr<SigningKey> signingKey(const std::string& secret, const std::string& date) const;

  const std::string service_;
  const std::string region_;
  const bool double_encode_path_;

  // Bounds the cache if many credentials are used on one day; they are re-derived after a reset.
  static constexpr size_t kMaxCachedKeys = 32;
  mutable absl::Mutex mutex_;
  mutable std::string cached_date_ ABSL_GUARDED_BY(mutex_);
  mutable absl::flat_hash_map<std::string, SigningKey> cached_keys_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace portico::aws
