#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "source/filters/http/jwt/public_key.h"

namespace portico::filters::http::jwt {

// Tokens whose signature has already verified under a public key, so that a client repeating an
// RS/PS/ES/EdDSA token skips the signature check. One per worker thread (no locks); bounded,
// least recently used first out; an entry never outlives the token's `exp`. Entries hold their
// key, so a key of an old config snapshot cannot be mistaken for a new one at the same address.
class VerifiedTokenCache {
 public:
  static constexpr size_t kDefaultCapacity = 4096;

  explicit VerifiedTokenCache(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}
  VerifiedTokenCache(const VerifiedTokenCache&) = delete;
  VerifiedTokenCache& operator=(const VerifiedTokenCache&) = delete;

  // The calling worker's cache.
  static VerifiedTokenCache& forThisThread();

  // Whether `token` verified under `key` and its `exp` (if any) is still ahead of `now`.
  bool contains(const std::string& token, const EVP_PKEY* key, int64_t now);
  // `exp`: the token's numeric exp claim, if it has one.
  void insert(const std::string& token, PublicKeySharedPtr key, std::optional<double> exp);

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string token;
    PublicKeySharedPtr key;
    std::optional<double> exp;
  };
  using List = std::list<Entry>;

  void erase(List::iterator entry);

  size_t capacity_;
  List entries_;  // most recently used first
  absl::flat_hash_map<absl::string_view, List::iterator> index_;
};

}  // namespace portico::filters::http::jwt
