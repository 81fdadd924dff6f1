#include "source/filters/http/jwt/verified_token_cache.h"

#include "absl/hash/hash.h"

namespace portico::filters::http::jwt {
namespace {

std::optional<double> numericExp(const nlohmann::json& claims) {
  const auto it = claims.find("exp");
  if (it == claims.end() || !it->is_number()) {
    return std::nullopt;
  }
  return it->get<double>();
}

// At least as many slots as entries, a power of two so that the hash's low bits pick one.
size_t sightingSlots(size_t capacity) {
  size_t slots = 1;
  while (slots < capacity) {
    slots <<= 1;
  }
  return slots;
}

}  // namespace

VerifiedTokenCache::VerifiedTokenCache(size_t capacity)
    : capacity_(capacity), sightings_(sightingSlots(capacity), 0) {}

VerifiedTokenCache& VerifiedTokenCache::forThisThread() {
  thread_local VerifiedTokenCache cache;
  return cache;
}

VerifiedTokenCache::Entry* VerifiedTokenCache::find(const std::string& raw, int64_t now) {
  auto it = index_.find(raw);
  if (it == index_.end()) {
    return nullptr;
  }
  List::iterator entry = it->second;
  if (entry->exp && *entry->exp <= static_cast<double>(now)) {
    erase(entry);
    return nullptr;
  }
  entries_.splice(entries_.begin(), entries_, entry);
  return &*entry;
}

bool VerifiedTokenCache::admit(std::string_view raw) {
  // Never 0, the empty slot's value.
  const uint64_t hash = absl::Hash<std::string_view>{}(raw) | 1;
  uint64_t& slot = sightings_[hash & (sightings_.size() - 1)];
  if (slot == hash) {
    return true;
  }
  slot = hash;
  return false;
}

void VerifiedTokenCache::insert(const std::string& raw, TokenConstSharedPtr token,
                                PublicKeySharedPtr verified_under, uint64_t verified_secret) {
  if (capacity_ == 0) {
    return;
  }
  if (auto it = index_.find(raw); it != index_.end()) {
    erase(it->second);
  }
  while (entries_.size() >= capacity_) {
    erase(std::prev(entries_.end()));
  }
  std::optional<double> exp = numericExp(token->claims);
  entries_.push_front(
      Entry{raw, std::move(token), std::move(verified_under), verified_secret, exp});
  index_.emplace(entries_.front().raw, entries_.begin());
}

void VerifiedTokenCache::erase(List::iterator entry) {
  index_.erase(entry->raw);
  entries_.erase(entry);
}

}  // namespace portico::filters::http::jwt
