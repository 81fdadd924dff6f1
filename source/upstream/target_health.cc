#include "source/upstream/target_health.h"

namespace portico::upstream {

TargetHealthSharedPtr HealthRegistry::get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  TargetHealthSharedPtr& entry = entries_[key];
  if (entry == nullptr) {
    entry = std::make_shared<TargetHealth>();
  }
  return entry;
}

void HealthRegistry::retainOnly(const absl::flat_hash_set<std::string>& keys) {
  std::lock_guard<std::mutex> lock(mutex_);
  absl::erase_if(entries_, [&keys](const auto& entry) { return keys.count(entry.first) == 0; });
}

}  // namespace portico::upstream
