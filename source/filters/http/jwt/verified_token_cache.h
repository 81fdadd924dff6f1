#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "source/filters/http/jwt/public_key.h"
#include "source/filters/http/jwt/token.h"

namespace portico::filters::http::jwt {

using TokenConstSharedPtr = std::shared_ptr<const Token>;

// Tokens whose signature has verified, decoded, so that a client repeating its token skips the
// base64url and JSON decoding and, for public-key algorithms, the signature check. One per worker
// thread (no locks); bounded, least recently used first out; an entry never outlives the token's
// `exp`. Only verified tokens get in, so a client sending made-up tokens cannot push out others',
// and only on their second sighting (a "doorkeeper", as in TinyLFU): clients that use each token
// once would otherwise pay for an entry and an eviction on every request and save nothing.
// An HMAC token is remembered with the credential secret it verified under (see
// Credential::secret_generation), so a reload, which makes new credentials, checks it again.
class VerifiedTokenCache {
 public:
  static constexpr size_t kDefaultCapacity = 4096;

  struct Entry {
    std::string raw;
    TokenConstSharedPtr token;
    // The public key the signature verified under; null for HMAC. Held, so that a key of an old
    // config snapshot cannot be mistaken for a new one at the same address.
    PublicKeySharedPtr verified_under;
    // The HMAC secret it verified under (Authenticator's secret id); 0 for none.
    uint64_t verified_secret = 0;
    std::optional<double> exp;  // the token's numeric `exp` claim
  };

  explicit VerifiedTokenCache(size_t capacity = kDefaultCapacity);
  VerifiedTokenCache(const VerifiedTokenCache&) = delete;
  VerifiedTokenCache& operator=(const VerifiedTokenCache&) = delete;

  // The calling worker's cache.
  static VerifiedTokenCache& forThisThread();

  // The entry for `raw`, made the most recently used; null when there is none or the token's
  // `exp` is at or before `now`. Valid until the next insert.
  Entry* find(const std::string& raw, int64_t now);
  // Records a sighting of `raw`; true when it was seen recently before, so worth caching. A small
  // table of hashes, where a newer token can take an older one's slot.
  bool admit(std::string_view raw);
  // Caches `token`, decoded from `raw`, replacing any entry for it.
  void insert(const std::string& raw, TokenConstSharedPtr token, PublicKeySharedPtr verified_under,
              uint64_t verified_secret = 0);

  size_t size() const { return entries_.size(); }

 private:
  using List = std::list<Entry>;

  void erase(List::iterator entry);

  size_t capacity_;
  std::vector<uint64_t> sightings_;  // hashes of tokens seen once, by their low bits
  List entries_;                     // most recently used first
  absl::flat_hash_map<absl::string_view, List::iterator> index_;
};

}  // namespace portico::filters::http::jwt
