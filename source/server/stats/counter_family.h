#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "source/server/stats/aggregate.h"

namespace portico::server::stats {

// A counter a component owns, declared once by name, help text and label names, and incremented
// from worker threads: each worker counts into its own block (no lock or shared cache line on the
// request path), and /metrics adds the blocks up under the family's name. Declare families as
// long-lived objects (a static in the component's .cc):
//
//   const stats::CounterFamily kDecisions("portico_rate_limiting_decisions_total",
//                                         "Rate-limiting decisions", {"decision"});
//   kDecisions.increment({exceeded ? "rejected" : "allowed"});
//
// Label values must not carry secrets (keys, tokens, credentials): they are served as they are.
class CounterFamily {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);
  ~CounterFamily();
  CounterFamily(const CounterFamily&) = delete;
  CounterFamily& operator=(const CounterFamily&) = delete;

  // One value per label name, in order. On a worker thread it counts into that worker's block;
  // elsewhere (the main thread, tests) into a shared block behind a lock.
  void increment(std::initializer_list<std::string_view> label_values, uint64_t amount = 1) const;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labelNames() const { return label_names_; }

  // Every family alive, in the order they were declared. Main thread, at scrape.
  static std::vector<const CounterFamily*> all();

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
};

// Adds the counts made outside worker threads (see CounterFamily::increment).
void collectUnboundCounts(Aggregate& aggregate);

}  // namespace portico::server::stats
