#include "source/filters/http/rate_limiting/local_counters.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace portico::filters::http::rate_limiting {
namespace {

constexpr int64_t kNow = 1000000;
constexpr int64_t kLater = kNow + 60000;

TEST(LocalCounterTableTest, CountsUpToTheCeilingAndNoFurther) {
  LocalCounterTable table(1024);
  for (int i = 0; i < 3; ++i) {
    const auto result = table.incrementBelow("k", 3, kLater, kNow);
    EXPECT_TRUE(result.stored);
    EXPECT_TRUE(result.admitted);
    EXPECT_EQ(result.before, i);
  }
  const auto rejected = table.incrementBelow("k", 3, kLater, kNow);
  EXPECT_TRUE(rejected.stored);
  EXPECT_FALSE(rejected.admitted);
  EXPECT_EQ(rejected.before, 3);
  EXPECT_EQ(table.read("k"), 3);
}

TEST(LocalCounterTableTest, FractionalCeilingAdmitsWhileBelowIt) {
  LocalCounterTable table(1024);
  int admitted = 0;
  for (int i = 0; i < 5; ++i) {
    admitted += table.incrementBelow("k", 2.5, kLater, kNow).admitted ? 1 : 0;
  }
  EXPECT_EQ(admitted, 3);  // counts 0, 1 and 2 are below 2.5
}

TEST(LocalCounterTableTest, KeysAreIndependent) {
  LocalCounterTable table(1024);
  table.incrementBelow("a", 10, kLater, kNow);
  table.incrementBelow("a", 10, kLater, kNow);
  table.incrementBelow("b", 10, kLater, kNow);
  EXPECT_EQ(table.read("a"), 2);
  EXPECT_EQ(table.read("b"), 1);
  EXPECT_EQ(table.read("c"), 0);
}

TEST(LocalCounterTableTest, DecrementUndoesAnIncrement) {
  LocalCounterTable table(1024);
  table.incrementBelow("k", 10, kLater, kNow);
  table.incrementBelow("k", 10, kLater, kNow);
  table.decrement("k");
  EXPECT_EQ(table.read("k"), 1);
  table.decrement("missing");
  EXPECT_EQ(table.read("missing"), 0);
}

TEST(LocalCounterTableTest, ExpiredCountersFreeTheirSlots) {
  LocalCounterTable table(64);  // one slot per shard
  int stored = 0;
  for (int i = 0; i < 1000; ++i) {
    stored += table.incrementBelow("old-" + std::to_string(i), 10, kLater, kNow).stored ? 1 : 0;
  }
  EXPECT_EQ(stored, 64);
  // Once the old counters expired, new keys take their slots, starting from zero.
  int reused = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto result =
        table.incrementBelow("new-" + std::to_string(i), 10, kLater * 2, kLater + 1);
    if (result.stored) {
      ++reused;
      EXPECT_EQ(result.before, 0);
    }
  }
  EXPECT_EQ(reused, 64);
}

TEST(LocalCounterTableTest, FullTableReportsNotStored) {
  LocalCounterTable table(64);
  bool saw_full = false;
  for (int i = 0; i < 1000 && !saw_full; ++i) {
    saw_full = !table.incrementBelow("k" + std::to_string(i), 10, kLater, kNow).stored;
  }
  EXPECT_TRUE(saw_full);
}

// N threads racing on one key against a limit of L admit exactly L, whatever the interleaving.
TEST(LocalCounterTableTest, ConcurrentRequestsAdmitExactlyTheLimit) {
  LocalCounterTable table(1 << 12);
  constexpr int kThreads = 8;
  constexpr int kAttemptsPerThread = 2000;
  constexpr int kLimit = 1000;
  std::atomic<int> admitted{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (!go.load()) {
      }
      for (int i = 0; i < kAttemptsPerThread; ++i) {
        if (table.incrementBelow("shared", kLimit, kLater, kNow).admitted) {
          admitted.fetch_add(1);
        }
      }
    });
  }
  go.store(true);
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(admitted.load(), kLimit);
  EXPECT_EQ(table.read("shared"), kLimit);
}

// Many threads creating the same fresh keys at once never create one twice.
TEST(LocalCounterTableTest, ConcurrentCreationOfOneKeyYieldsOneCounter) {
  LocalCounterTable table(1 << 12);
  constexpr int kThreads = 8;
  constexpr int kKeys = 200;
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (!go.load()) {
      }
      for (int k = 0; k < kKeys; ++k) {
        table.incrementBelow("key-" + std::to_string(k), 1e9, kLater, kNow);
      }
    });
  }
  go.store(true);
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (int k = 0; k < kKeys; ++k) {
    EXPECT_EQ(table.read("key-" + std::to_string(k)), kThreads) << k;
  }
}

}  // namespace
}  // namespace portico::filters::http::rate_limiting
