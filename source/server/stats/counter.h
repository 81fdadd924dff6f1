#pragma once

#include <atomic>
#include <cstdint>

namespace portico::server::stats {

// A count with one writer, the worker thread that owns it, and any number of readers. Since no
// other thread writes, an increment is a relaxed load and store (no locked read-modify-write, no
// cache line bouncing between cores); the atomic only makes the readers' loads race-free.
class Counter {
 public:
  void add(uint64_t amount) {
    value_.store(value_.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
  }
  void increment() { add(1); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace portico::server::stats
