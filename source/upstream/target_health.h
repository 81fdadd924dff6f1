#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace portico::upstream {

// The health of one target that more than one thread sees: the active checker (main loop) writes
// its verdict, each worker sets its bit while its passive checks hold the target down. Workers
// read it on every pick, so it is two relaxed atomics and nothing else.
class TargetHealth {
 public:
  bool activelyHealthy() const { return !active_unhealthy_.load(std::memory_order_relaxed); }
  void setActivelyHealthy(bool healthy) {
    active_unhealthy_.store(!healthy, std::memory_order_relaxed);
  }

  // Worker `bit` (0-63) marks or clears the target as passively unhealthy.
  void setPassivelyHealthy(unsigned bit, bool healthy) {
    const uint64_t mask = uint64_t{1} << (bit % 64);
    if (healthy) {
      passive_unhealthy_workers_.fetch_and(~mask, std::memory_order_relaxed);
    } else {
      passive_unhealthy_workers_.fetch_or(mask, std::memory_order_relaxed);
    }
  }
  // Down in some worker's passive view (what the admin API reports).
  bool passivelyUnhealthyAnywhere() const {
    return passive_unhealthy_workers_.load(std::memory_order_relaxed) != 0;
  }

 private:
  std::atomic<bool> active_unhealthy_{false};
  std::atomic<uint64_t> passive_unhealthy_workers_{0};
};

using TargetHealthSharedPtr = std::shared_ptr<TargetHealth>;

// Target health by a stable key (upstream id and target), so a reload that keeps a target keeps
// its health. Touched on the main thread at config time only.
class HealthRegistry {
 public:
  TargetHealthSharedPtr get(const std::string& key);
  // Forgets the targets a new config no longer has (snapshots still using them keep theirs).
  void retainOnly(const absl::flat_hash_set<std::string>& keys);

 private:
  std::mutex mutex_;
  absl::flat_hash_map<std::string, TargetHealthSharedPtr> entries_;
};

}  // namespace portico::upstream
