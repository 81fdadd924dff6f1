#include "source/server/admin/bearer_token.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace portico::server::admin {
namespace {

void digest(std::string_view text, unsigned char (&out)[SHA256_DIGEST_LENGTH]) {
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out);
}

}  // namespace

bool bearerTokenMatches(const http::HeaderMap& headers, std::string_view token) {
  if (token.empty() || headers.count("Authorization") != 1) {
    return false;
  }
  absl::string_view value = *headers.get("Authorization");
  constexpr absl::string_view kScheme = "bearer ";
  if (!absl::StartsWithIgnoreCase(value, kScheme)) {
    return false;
  }
  value = absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  unsigned char presented[SHA256_DIGEST_LENGTH];
  unsigned char expected[SHA256_DIGEST_LENGTH];
  digest(std::string_view(value.data(), value.size()), presented);
  digest(token, expected);
  return CRYPTO_memcmp(presented, expected, SHA256_DIGEST_LENGTH) == 0;
}

}  // namespace portico::server::admin
