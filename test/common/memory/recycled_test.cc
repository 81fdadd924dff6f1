#include "source/common/memory/recycled.h"

#include <sanitizer/asan_interface.h>

#include <memory>
#include <thread>
#include <vector>

#include "absl/base/config.h"
#include "gtest/gtest.h"

namespace portico::memory {
namespace {

struct Probe : Recycled<Probe, 4> {
  char payload[200] = {};
};

// A derived class is bigger than the blocks Probe caches: it must not take or leave one.
struct BiggerProbe : Probe {
  char more[64] = {};
};

TEST(RecycledTest, AFreedBlockIsTheNextAllocationOnTheSameThread) {
  auto* first = new Probe;
  void* const address = first;
  delete first;
  auto* second = new Probe;
  EXPECT_EQ(static_cast<void*>(second), address);
  delete second;
}

TEST(RecycledTest, AnotherSizeNeverTakesACachedBlock) {
  auto* probe = new Probe;
  void* const address = probe;
  delete probe;
  auto bigger = std::make_unique<BiggerProbe>();
  EXPECT_NE(static_cast<void*>(bigger.get()), address);
  EXPECT_EQ(static_cast<void*>(new Probe), address);  // still cached for a Probe
  delete static_cast<Probe*>(address);
}

TEST(RecycledTest, TheCacheKeepsAtMostItsCapacity) {
  std::vector<Probe*> probes;
  for (int i = 0; i < 6; ++i) {
    probes.push_back(new Probe);
  }
  for (Probe* probe : probes) {
    delete probe;  // the last two go back to the heap
  }
  // The four cached come back newest first.
  for (int i = 3; i >= 0; --i) {
    auto* again = new Probe;
    EXPECT_EQ(again, probes[i]);
    probes[i] = again;
  }
  for (int i = 0; i < 4; ++i) {
    delete probes[i];
  }
}

TEST(RecycledTest, EachThreadHasItsOwnCache) {
  auto* mine = new Probe;
  void* const address = mine;
  delete mine;
  void* theirs = nullptr;
  std::thread([&theirs] {
    auto* probe = new Probe;
    theirs = probe;
    delete probe;
  }).join();
  EXPECT_NE(theirs, address);
  delete new Probe;
}

// Owns a Probe until its thread ends.
struct LateDeleter {
  ~LateDeleter() { delete probe; }
  Probe* probe = nullptr;
};

TEST(RecycledTest, ADeleteAfterTheThreadReleasedItsCacheGoesToTheHeap) {
  std::thread([] {
    // Made before the thread's cache, so destroyed after it: its Probe is deleted once the
    // cache has been released, and must neither be lost nor stored in the released cache.
    thread_local LateDeleter late;
    late.probe = new Probe;
    delete new Probe;  // leaves a block for the release to free
  }).join();
}

#ifdef ABSL_HAVE_ADDRESS_SANITIZER
TEST(RecycledTest, ACachedBlockIsPoisonedUntilItIsAllocatedAgain) {
  auto* probe = new Probe;
  void* const address = probe;
  delete probe;
  EXPECT_TRUE(__asan_address_is_poisoned(address));
  auto* again = new Probe;
  EXPECT_FALSE(__asan_address_is_poisoned(again));
  delete again;
}
#endif

}  // namespace
}  // namespace portico::memory
