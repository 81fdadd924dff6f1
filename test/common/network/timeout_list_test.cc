#include "source/common/network/timeout_list.h"

#include <uv.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test/test_common/loop_runner.h"

namespace portico::network {
namespace {

class RecordingEntry : public TimeoutEntry {
 public:
  RecordingEntry(std::string name, std::vector<std::string>& fired)
      : name_(std::move(name)), fired_(fired) {}
  void onTimeout() override { fired_.push_back(name_); }

 private:
  std::string name_;
  std::vector<std::string>& fired_;
};

class TimeoutListsTest : public ::testing::Test {
 protected:
  void SetUp() override { uv_loop_init(&loop_); }
  void TearDown() override {
    lists_.reset();
    uv_run(&loop_, UV_RUN_NOWAIT);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }

  uv_loop_t loop_;
  std::unique_ptr<TimeoutLists> lists_ = std::make_unique<TimeoutLists>(&loop_);
  std::vector<std::string> fired_;
};

TEST_F(TimeoutListsTest, EntriesOfDifferentDurationsFireInDeadlineOrder) {
  RecordingEntry slow("slow", fired_);
  RecordingEntry fast("fast", fired_);
  RecordingEntry middle("middle", fired_);
  lists_->schedule(slow, 60);
  lists_->schedule(fast, 10);
  lists_->schedule(middle, 30);
  ASSERT_TRUE(test::runUntil(&loop_, [&] { return fired_.size() == 3; }));
  EXPECT_EQ(fired_, (std::vector<std::string>{"fast", "middle", "slow"}));
  EXPECT_FALSE(slow.timeoutScheduled());
}

TEST_F(TimeoutListsTest, AlternatingDurationsEachKeepTheirOwnDeadline) {
  RecordingEntry first_short("first short", fired_);
  RecordingEntry long_one("long", fired_);
  RecordingEntry second_short("second short", fired_);
  lists_->schedule(first_short, 10);
  lists_->schedule(long_one, 60);
  lists_->schedule(second_short, 10);  // back to the list used two schedules ago
  ASSERT_TRUE(test::runUntil(&loop_, [&] { return fired_.size() == 3; }));
  EXPECT_EQ(fired_, (std::vector<std::string>{"first short", "second short", "long"}));
}

TEST_F(TimeoutListsTest, ACancelledOrRescheduledEntryDoesNotFireAtItsOldDeadline) {
  RecordingEntry cancelled("cancelled", fired_);
  RecordingEntry moved("moved", fired_);
  RecordingEntry marker("marker", fired_);
  lists_->schedule(cancelled, 10);
  lists_->schedule(moved, 10);
  lists_->schedule(marker, 40);
  cancelled.cancelTimeout();
  lists_->schedule(moved, 80);  // onto another duration's list
  ASSERT_TRUE(test::runUntil(&loop_, [&] { return fired_.size() == 2; }));
  EXPECT_EQ(fired_, (std::vector<std::string>{"marker", "moved"}));
  EXPECT_FALSE(cancelled.timeoutScheduled());
}

TEST_F(TimeoutListsTest, AnEntryDestroyedWhileScheduledLeavesItsList) {
  RecordingEntry survivor("survivor", fired_);
  {
    RecordingEntry gone("gone", fired_);
    lists_->schedule(gone, 10);
  }
  lists_->schedule(survivor, 20);
  ASSERT_TRUE(test::runUntil(&loop_, [&] { return fired_.size() == 1; }));
  EXPECT_EQ(fired_, (std::vector<std::string>{"survivor"}));
}

}  // namespace
}  // namespace portico::network
