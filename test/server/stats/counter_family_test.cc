#include "source/server/stats/counter_family.h"

#include <algorithm>
#include <thread>

#include "gtest/gtest.h"
#include "source/server/stats/worker_stats.h"

namespace portico::server::stats {
namespace {

uint64_t countOf(const Aggregate& aggregate, const CounterFamily& family,
                 std::vector<std::string> values) {
  auto series = aggregate.families.find(&family);
  if (series == aggregate.families.end()) {
    return 0;
  }
  auto it = series->second.find(values);
  return it == series->second.end() ? 0 : it->second;
}

TEST(CounterFamilyTest, AFamilyIsListedWhileItLives) {
  {
    CounterFamily family("portico_test_listed_total", "Listed", {});
    const auto all = CounterFamily::all();
    EXPECT_NE(std::find(all.begin(), all.end(), &family), all.end());
  }
  for (const CounterFamily* family : CounterFamily::all()) {
    EXPECT_NE(family->name(), "portico_test_listed_total");
  }
}

TEST(CounterFamilyTest, AWorkerThreadCountsIntoItsOwnBlock) {
  CounterFamily decisions("portico_test_decisions_total", "Decisions", {"decision"});
  WorkerStats one;
  WorkerStats two;
  std::thread first([&] {
    one.bindToThisThread();
    decisions.increment({"allowed"});
    decisions.increment({"allowed"});
    decisions.increment({"rejected"}, 5);
  });
  first.join();
  std::thread second([&] {
    two.bindToThisThread();
    decisions.increment({"allowed"});
  });
  second.join();

  Aggregate only_one;
  one.collectInto(only_one);
  EXPECT_EQ(countOf(only_one, decisions, {"allowed"}), 2u);
  EXPECT_EQ(countOf(only_one, decisions, {"rejected"}), 5u);

  Aggregate both;
  one.collectInto(both);
  two.collectInto(both);
  EXPECT_EQ(countOf(both, decisions, {"allowed"}), 3u);
}

TEST(CounterFamilyTest, CountsOutsideWorkersGoToTheSharedBlock) {
  CounterFamily reloads("portico_test_reloads_total", "Reloads", {"result"});
  ASSERT_EQ(WorkerStats::current(), nullptr);
  reloads.increment({"ok"});
  std::thread other([&] { reloads.increment({"ok"}); });
  other.join();
  Aggregate aggregate;
  collectUnboundCounts(aggregate);
  EXPECT_EQ(countOf(aggregate, reloads, {"ok"}), 2u);
}

}  // namespace
}  // namespace portico::server::stats
