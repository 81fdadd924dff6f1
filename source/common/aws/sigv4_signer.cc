#include "source/common/aws/sigv4_signer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "source/common/aws/uri_encode.h"

namespace portico::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";

std::string toHex(const unsigned char* bytes, size_t size) {
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(bytes), size));
}

bool hmacSha256(const void* key, size_t key_size, std::string_view data, SigningKey& out) {
  unsigned int out_size = 0;
  const auto* result =
      HMAC(EVP_sha256(), key, static_cast<int>(key_size),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &out_size);
  return result != nullptr && out_size == out.size();
}

bool isBlank(char c) { return c == ' ' || c == '\t'; }

// SigV4 header value: trimmed, inner runs of blanks collapsed to one space (quotes included).
std::string canonicalHeaderValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (const char c : value) {
    if (isBlank(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    out.push_back(c);
  }
  return out;
}

// Lower-cased names in byte order; a repeated name's values joined with ',' in arrival order.
std::map<std::string, std::string> canonicalHeaders(const HeaderList& headers) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : headers) {
    std::string canonical_value = canonicalHeaderValue(value);
    auto [it, inserted] = out.try_emplace(absl::AsciiStrToLower(name), canonical_value);
    if (!inserted) {
      it->second.push_back(',');
      it->second.append(canonical_value);
    }
  }
  return out;
}

// Each name and value decoded then re-encoded, so that "%24" and "$" sign alike; sorted by name,
// then value; '=' kept for empty values.
std::string canonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) {
      end = query.size();
    }
    const std::string_view param = query.substr(start, end - start);
    start = end + 1;
    if (param.empty()) {
      continue;
    }
    const size_t equals = param.find('=');
    const std::string_view name = param.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : param.substr(equals + 1);
    params.emplace_back(uriEncode(uriDecode(name), false), uriEncode(uriDecode(value), false));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) {
      out.push_back('&');
    }
    out.append(name).append("=").append(value);
  }
  return out;
}

// The headers that make a signature valid must be signed with the values this signature uses;
// catching a mismatch here beats an InvalidSignatureException from AWS.
absl::Status checkRequiredHeaders(const std::map<std::string, std::string>& headers,
                                  const std::string& amz_date, const Credentials& credentials) {
  if (headers.count("host") == 0) {
    return absl::InvalidArgumentError("SigV4: the request to sign has no Host header");
  }
  const auto date = headers.find("x-amz-date");
  if (date == headers.end() || date->second != amz_date) {
    return absl::InvalidArgumentError(
        "SigV4: the request to sign must carry X-Amz-Date: " + amz_date + " (see signingHeaders)");
  }
  if (!credentials.session_token.empty()) {
    const auto token = headers.find("x-amz-security-token");
    if (token == headers.end() || token->second != credentials.session_token) {
      return absl::InvalidArgumentError(
          "SigV4: temporary credentials need the session token in X-Amz-Security-Token, signed "
          "(see signingHeaders)");
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    return "";
  }
  return toHex(digest, size);
}

std::string amzDate(std::chrono::system_clock::time_point now) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", absl::FromChrono(now), absl::UTCTimeZone());
}

HeaderList signingHeaders(const Credentials& credentials,
                          std::chrono::system_clock::time_point now) {
  HeaderList headers;
  headers.emplace_back("X-Amz-Date", amzDate(now));
  if (!credentials.session_token.empty()) {
    headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  return headers;
}

absl::StatusOr<SigningKey> deriveSigningKey(std::string_view secret_access_key,
                                            std::string_view date, std::string_view region,
                                            std::string_view service) {
  std::string secret = "AWS4";
  secret.append(secret_access_key);
  SigningKey date_key;
  SigningKey region_key;
  SigningKey service_key;
  SigningKey signing_key;
  const bool ok = hmacSha256(secret.data(), secret.size(), date, date_key) &&
                  hmacSha256(date_key.data(), date_key.size(), region, region_key) &&
                  hmacSha256(region_key.data(), region_key.size(), service, service_key) &&
                  hmacSha256(service_key.data(), service_key.size(), kTerminator, signing_key);
  OPENSSL_cleanse(secret.data(), secret.size());
  OPENSSL_cleanse(date_key.data(), date_key.size());
  OPENSSL_cleanse(region_key.data(), region_key.size());
  OPENSSL_cleanse(service_key.data(), service_key.size());
  if (!ok) {
    return absl::InternalError("SigV4: HMAC-SHA256 failed in OpenSSL");
  }
  return signing_key;
}

SigV4Signer::SigV4Signer(std::string service, std::string region, bool double_encode_path)
    : service_(std::move(service)),
      region_(std::move(region)),
      double_encode_path_(double_encode_path) {}

absl::StatusOr<Signature> SigV4Signer::sign(const SignableRequest& request,
                                            const Credentials& credentials,
                                            std::chrono::system_clock::time_point now) const {
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return absl::InvalidArgumentError("SigV4: credentials have no access key id or secret key");
  }
  Signature signature;
  signature.amz_date = amzDate(now);
  const std::string date = signature.amz_date.substr(0, 8);

  const std::map<std::string, std::string> headers = canonicalHeaders(request.headers);
  if (absl::Status status = checkRequiredHeaders(headers, signature.amz_date, credentials);
      !status.ok()) {
    return status;
  }
  std::string header_block;
  std::string signed_headers;
  for (const auto& [name, value] : headers) {
    header_block.append(name).append(":").append(value).append("\n");
    if (!signed_headers.empty()) {
      signed_headers.push_back(';');
    }
    signed_headers.append(name);
  }

  std::string canonical_uri;
  if (double_encode_path_) {
    canonical_uri = uriEncode(normalizePath(request.path), true);
  } else {
    canonical_uri = request.path.empty() ? "/" : std::string(request.path);
  }

  std::string& creq = signature.canonical_request;
  creq.append(request.method).append("\n");
  creq.append(canonical_uri).append("\n");
  creq.append(canonicalQuery(request.query)).append("\n");
  creq.append(header_block).append("\n");
  creq.append(signed_headers).append("\n");
  creq.append(request.payload_sha256_hex);

  const std::string creq_hash = sha256Hex(creq);
  if (creq_hash.empty()) {
    return absl::InternalError("SigV4: SHA-256 failed in OpenSSL");
  }
  std::string scope = date;
  scope.append("/").append(region_).append("/").append(service_).append("/").append(kTerminator);
  std::string& sts = signature.string_to_sign;
  sts.append(kAlgorithm).append("\n");
  sts.append(signature.amz_date).append("\n");
  sts.append(scope).append("\n");
  sts.append(creq_hash);

  const absl::StatusOr<SigningKey> key = signingKey(credentials.secret_access_key, date);
  if (!key.ok()) {
    return key.status();
  }
  SigningKey mac;
  if (!hmacSha256(key->data(), key->size(), sts, mac)) {
    return absl::InternalError("SigV4: HMAC-SHA256 failed in OpenSSL");
  }
  std::string& authorization = signature.authorization;
  authorization.append(kAlgorithm).append(" Credential=").append(credentials.access_key_id);
  authorization.append("/").append(scope).append(", SignedHeaders=").append(signed_headers);
  authorization.append(", Signature=").append(toHex(mac.data(), mac.size()));
  return signature;
}

size_t SigV4Signer::cachedKeyCount() const {
  absl::MutexLock lock(&mutex_);
  return cached_keys_.size();
}

absl::StatusOr<SigningKey> SigV4Signer::signingKey(const std::string& secret,
                                                   const std::string& date) const {
  {
    absl::MutexLock lock(&mutex_);
    if (date == cached_date_) {
      const auto it = cached_keys_.find(secret);
      if (it != cached_keys_.end()) {
        return it->second;
      }
    }
  }
  // Derived outside the lock: two threads may both derive the same key once, which is harmless.
  absl::StatusOr<SigningKey> key = deriveSigningKey(secret, date, region_, service_);
  if (!key.ok()) {
    return key;
  }
  absl::MutexLock lock(&mutex_);
  // YYYYMMDD compares in date order. A late signer still holding yesterday's time is served
  // without caching, so the cache never flips back to an old day.
  if (date > cached_date_) {
    cached_date_ = date;
    cached_keys_.clear();
  }
  if (date == cached_date_) {
    if (cached_keys_.size() >= kMaxCachedKeys) {
      cached_keys_.clear();
    }
    cached_keys_.try_emplace(secret, *key);
  }
  return key;
}

}  // namespace portico::aws
