#include "source/filters/http/jwt/verified_token_cache.h"

namespace portico::filters::http::jwt {

VerifiedTokenCache& VerifiedTokenCache::forThisThread() {
  thread_local VerifiedTokenCache cache;
  return cache;
}

bool VerifiedTokenCache::contains(const std::string& token, const EVP_PKEY* key, int64_t now) {
  auto it = index_.find(token);
  if (it == index_.end()) {
    return false;
  }
  List::iterator entry = it->second;
  if (entry->exp && *entry->exp <= static_cast<double>(now)) {
    erase(entry);
    return false;
  }
  if (entry->key.get() != key) {
    return false;
  }
  entries_.splice(entries_.begin(), entries_, entry);
  return true;
}

void VerifiedTokenCache::insert(const std::string& token, PublicKeySharedPtr key,
                                std::optional<double> exp) {
  if (capacity_ == 0) {
    return;
  }
  if (auto it = index_.find(token); it != index_.end()) {
    erase(it->second);
  }
  while (entries_.size() >= capacity_) {
    erase(std::prev(entries_.end()));
  }
  entries_.push_front(Entry{token, std::move(key), exp});
  index_.emplace(entries_.front().token, entries_.begin());
}

void VerifiedTokenCache::erase(List::iterator entry) {
  index_.erase(entry->token);
  entries_.erase(entry);
}

}  // namespace portico::filters::http::jwt
