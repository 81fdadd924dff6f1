#include "source/filters/http/rate_limiting/local_counters.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace portico::filters::http::rate_limiting {
namespace {

constexpr size_t kShardCount = 64;
constexpr size_t kShardBits = 6;
// How far from its home slot a key may be placed; beyond it the table counts as full.
constexpr size_t kMaxProbe = 64;
constexpr uint64_t kEmpty = 0;
constexpr uint64_t kBusy = 1;  // a slot being (re)assigned: readers skip it
constexpr int kCountBits = 48;
constexpr uint64_t kCountMask = (uint64_t{1} << kCountBits) - 1;
constexpr size_t kProcessCapacity = size_t{1} << 18;

uint64_t fingerprintOf(std::string_view key) {
  const uint64_t hash = absl::Hash<absl::string_view>{}(absl::string_view(key.data(), key.size()));
  return hash <= kBusy ? hash + 2 : hash;
}

int64_t countOf(uint64_t value) { return static_cast<int64_t>(value & kCountMask); }
uint64_t tagOf(uint64_t value) { return value >> kCountBits; }

}  // namespace

struct LocalCounterTable::Slot {
  std::atomic<uint64_t> key{kEmpty};
  // [generation tag: 16 bits][count: 48 bits]
  std::atomic<uint64_t> value{0};
  std::atomic<int64_t> expires_at_ms{0};
};

struct LocalCounterTable::Shard {
  std::unique_ptr<Slot[]> slots;
  size_t mask = 0;
  std::mutex insert_mutex;
};

LocalCounterTable::LocalCounterTable(size_t capacity) {
  size_t per_shard = 1;
  while (per_shard * kShardCount < capacity) {
    per_shard <<= 1;
  }
  shard_capacity_ = per_shard;
  shards_ = std::make_unique<Shard[]>(kShardCount);
  for (size_t i = 0; i < kShardCount; ++i) {
    shards_[i].slots = std::make_unique<Slot[]>(per_shard);
    shards_[i].mask = per_shard - 1;
  }
}

LocalCounterTable::~LocalCounterTable() = default;

LocalCounterTable& LocalCounterTable::process() {
  static LocalCounterTable* table = new LocalCounterTable(kProcessCapacity);
  return *table;
}

LocalCounterTable::Shard& LocalCounterTable::shardFor(uint64_t fingerprint) const {
  return shards_[fingerprint & (kShardCount - 1)];
}

LocalCounterTable::Slot* LocalCounterTable::find(const Shard& shard, uint64_t fingerprint,
                                                 uint64_t& value) const {
  const size_t home = static_cast<size_t>(fingerprint >> kShardBits);
  const size_t probes = std::min(kMaxProbe, shard_capacity_);
  for (size_t i = 0; i < probes; ++i) {
    Slot& slot = shard.slots[(home + i) & shard.mask];
    const uint64_t key = slot.key.load(std::memory_order_acquire);
    if (key == kEmpty) {
      return nullptr;  // keys never sit past an empty slot: slots are filled in probe order
    }
    if (key != fingerprint) {
      continue;
    }
    value = slot.value.load(std::memory_order_acquire);
    // A reassignment marks the key busy before it rewrites the value: if the key still matches,
    // the value read belongs to it.
    if (slot.key.load(std::memory_order_acquire) == fingerprint) {
      return &slot;
    }
  }
  return nullptr;
}

LocalCounterTable::Slot* LocalCounterTable::insert(Shard& shard, uint64_t fingerprint,
                                                   int64_t expires_at_ms, int64_t now_ms,
                                                   uint64_t& value) {
  std::lock_guard<std::mutex> lock(shard.insert_mutex);
  if (Slot* existing = find(shard, fingerprint, value)) {
    return existing;  // another worker created it meanwhile
  }
  const size_t home = static_cast<size_t>(fingerprint >> kShardBits);
  const size_t probes = std::min(kMaxProbe, shard_capacity_);
  for (size_t i = 0; i < probes; ++i) {
    Slot& slot = shard.slots[(home + i) & shard.mask];
    const uint64_t key = slot.key.load(std::memory_order_acquire);
    const bool reusable =
        key == kEmpty || slot.expires_at_ms.load(std::memory_order_relaxed) <= now_ms;
    if (!reusable) {
      continue;
    }
    const uint64_t tag = (tagOf(slot.value.load(std::memory_order_relaxed)) + 1) & 0xffff;
    slot.key.store(kBusy, std::memory_order_seq_cst);
    slot.expires_at_ms.store(expires_at_ms, std::memory_order_relaxed);
    value = tag << kCountBits;
    slot.value.store(value, std::memory_order_release);
    slot.key.store(fingerprint, std::memory_order_release);
    return &slot;
  }
  return nullptr;
}

LocalCounterTable::Increment LocalCounterTable::incrementBelow(std::string_view key, double ceiling,
                                                               int64_t expires_at_ms,
                                                               int64_t now_ms) {
  const uint64_t fingerprint = fingerprintOf(key);
  Shard& shard = shardFor(fingerprint);
  Increment result;
  for (;;) {
    uint64_t value = 0;
    Slot* slot = find(shard, fingerprint, value);
    if (slot == nullptr) {
      slot = insert(shard, fingerprint, expires_at_ms, now_ms, value);
      if (slot == nullptr) {
        return result;
      }
    }
    const uint64_t tag = tagOf(value);
    while (tagOf(value) == tag) {
      result.stored = true;
      result.before = countOf(value);
      if (static_cast<double>(result.before) >= ceiling) {
        result.admitted = false;
        return result;
      }
      if (slot->value.compare_exchange_weak(value, value + 1, std::memory_order_acq_rel,
                                            std::memory_order_acquire)) {
        result.admitted = true;
        return result;
      }
    }
    // The slot was reassigned under us: its counter expired. Look the key up again.
  }
}

void LocalCounterTable::decrement(std::string_view key) {
  const uint64_t fingerprint = fingerprintOf(key);
  const Shard& shard = shardFor(fingerprint);
  uint64_t value = 0;
  Slot* slot = find(shard, fingerprint, value);
  if (slot == nullptr) {
    return;
  }
  const uint64_t tag = tagOf(value);
  while (tagOf(value) == tag && countOf(value) > 0) {
    if (slot->value.compare_exchange_weak(value, value - 1, std::memory_order_acq_rel,
                                          std::memory_order_acquire)) {
      return;
    }
  }
}

int64_t LocalCounterTable::read(std::string_view key) const {
  const uint64_t fingerprint = fingerprintOf(key);
  uint64_t value = 0;
  return find(shardFor(fingerprint), fingerprint, value) != nullptr ? countOf(value) : 0;
}

}  // namespace portico::filters::http::rate_limiting
