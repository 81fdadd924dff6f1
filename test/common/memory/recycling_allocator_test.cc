#include "source/common/memory/recycling_allocator.h"

#include <sanitizer/asan_interface.h>

#include <vector>

#include "absl/base/config.h"
#include "gtest/gtest.h"

namespace portico::memory {
namespace {

struct Line {
  char bytes[48];
};
using Lines = std::vector<Line, RecyclingAllocator<Line, 12, 4>>;

const Line* reservedData(size_t elements) {
  Lines lines;
  lines.reserve(elements);
  return lines.data();  // freed when `lines` goes; only the address is compared
}

TEST(RecyclingAllocatorTest, AnArrayOfTheRecycledSizeReusesTheLastOneFreed) {
  const Line* first = reservedData(12);
  EXPECT_EQ(reservedData(12), first);
}

TEST(RecyclingAllocatorTest, TheCacheKeepsTheFirstBlocksFreedUpToItsCapacity) {
  // Ten freed, four kept: they come back newest first, which malloc's own cache (last freed
  // first) would not give, so this fails if the blocks bypass the cache.
  std::vector<Lines> all(10);
  std::vector<const Line*> addresses;
  for (Lines& lines : all) {
    lines.reserve(12);
    addresses.push_back(lines.data());
  }
  for (Lines& lines : all) {
    lines = Lines();
  }
  for (int i = 3; i >= 0; --i) {
    Lines again;
    again.reserve(12);
    EXPECT_EQ(again.data(), addresses[i]) << i;
    all[i] = std::move(again);
  }
}

TEST(RecyclingAllocatorTest, OtherSizesNeitherTakeNorLeaveACachedBlock) {
  Lines cached;
  cached.reserve(12);
  const Line* address = cached.data();
  cached = Lines();  // the block goes to the cache
  Lines bigger;
  bigger.reserve(13);
  EXPECT_NE(bigger.data(), address);
  bigger = Lines();  // to the heap, not the cache
  Lines again;
  again.reserve(12);
  EXPECT_EQ(again.data(), address);
}

TEST(RecyclingAllocatorTest, ElementsSurviveGrowthPastTheRecycledSize) {
  Lines lines;
  lines.reserve(12);
  for (char i = 0; i < 30; ++i) {
    lines.push_back(Line{{i}});
  }
  for (char i = 0; i < 30; ++i) {
    EXPECT_EQ(lines[i].bytes[0], i);
  }
}

#ifdef ABSL_HAVE_ADDRESS_SANITIZER
TEST(RecyclingAllocatorTest, ACachedBlockIsPoisonedUntilItIsAllocatedAgain) {
  const Line* address = reservedData(12);
  EXPECT_TRUE(__asan_address_is_poisoned(address));
  Lines again;
  again.reserve(12);
  EXPECT_FALSE(__asan_address_is_poisoned(again.data()));
}
#endif

}  // namespace
}  // namespace portico::memory
