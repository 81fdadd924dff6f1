#include "source/server/stats/counter_family.h"

#include <algorithm>
#include <cassert>
#include <mutex>

#include "absl/types/span.h"
#include "source/server/stats/worker_stats.h"

namespace portico::server::stats {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<const CounterFamily*> families;
};

Registry& registry() {
  static Registry* instance = new Registry();  // never destroyed: families outlive main()
  return *instance;
}

// The block for counts made outside worker threads, and the lock its several writers share.
struct Unbound {
  std::mutex mutex;
  WorkerStats block;
};

Unbound& unbound() {
  static Unbound* instance = new Unbound();
  return *instance;
}

}  // namespace

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {
  Registry& all = registry();
  std::lock_guard<std::mutex> lock(all.mutex);
  all.families.push_back(this);
}

CounterFamily::~CounterFamily() {
  Registry& all = registry();
  std::lock_guard<std::mutex> lock(all.mutex);
  all.families.erase(std::remove(all.families.begin(), all.families.end(), this),
                     all.families.end());
}

void CounterFamily::increment(std::initializer_list<std::string_view> label_values,
                              uint64_t amount) const {
  assert(label_values.size() == label_names_.size());
  const absl::Span<const std::string_view> values(label_values.begin(), label_values.size());
  if (WorkerStats* block = WorkerStats::current()) {
    block->count(*this, values, amount);
    return;
  }
  Unbound& shared = unbound();
  std::lock_guard<std::mutex> lock(shared.mutex);
  shared.block.count(*this, values, amount);
}

std::vector<const CounterFamily*> CounterFamily::all() {
  Registry& all = registry();
  std::lock_guard<std::mutex> lock(all.mutex);
  return all.families;
}

void collectUnboundCounts(Aggregate& aggregate) { unbound().block.collectInto(aggregate); }

}  // namespace portico::server::stats
