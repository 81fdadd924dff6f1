#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

namespace portico::filters::http::rate_limiting {

// The local policy's counters: one table per process, shared by every worker (Kong keeps them in
// the node's shared memory). Exact under concurrency: a request is admitted by one compare-and-swap
// that raises the count only while it is below the ceiling, so N concurrent requests against a
// limit of L admit exactly L (Kong checks first and increments later, and overshoots).
//
// Finding an existing counter takes no lock: open addressing over fixed slots whose key never
// changes while it is live. Creating a counter (the first request of a key) takes its shard's
// mutex, so two workers never create the same key twice. A slot is reused once its counter has
// expired; the value word carries a generation tag, so a stale reader's CAS fails instead of
// touching the slot's new counter. Keys are identified by a 64-bit hash (a collision, about
// n²/2⁶⁵ for n live keys, would merge two counters).
class LocalCounterTable {
 public:
  // `capacity` slots in total (rounded to a multiple of the shard count).
  explicit LocalCounterTable(size_t capacity);
  ~LocalCounterTable();
  LocalCounterTable(const LocalCounterTable&) = delete;
  LocalCounterTable& operator=(const LocalCounterTable&) = delete;

  // The process-wide table; counters in it survive config reloads.
  static LocalCounterTable& process();

  struct Increment {
    bool stored = false;    // false: the table is full (no free or expired slot near the key)
    bool admitted = false;  // the count was below the ceiling and went up by one
    int64_t before = 0;     // the count before this request
  };
  // Adds one to `key` if its count is below `ceiling`; a missing counter starts at 0 and lives
  // until `expires_at_ms`.
  Increment incrementBelow(std::string_view key, double ceiling, int64_t expires_at_ms,
                           int64_t now_ms);
  // Takes back one earlier admitted increment of `key` (a request rejected by another period).
  void decrement(std::string_view key);
  // The count of `key`; 0 when it does not exist.
  int64_t read(std::string_view key) const;

 private:
  struct Slot;
  struct Shard;

  Shard& shardFor(uint64_t fingerprint) const;
  // Lock-free lookup; on success `value` holds the slot's value word read consistently with its
  // key.
  Slot* find(const Shard& shard, uint64_t fingerprint, uint64_t& value) const;
  Slot* insert(Shard& shard, uint64_t fingerprint, int64_t expires_at_ms, int64_t now_ms,
               uint64_t& value);

  size_t shard_capacity_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace portico::filters::http::rate_limiting
