#include "source/http/loop_services.h"

#include <uv.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "source/common/network/timer.h"
#include "source/upstream/resolver.h"

namespace portico::http {
namespace {

// A service that keeps a handle on the loop, as credential refreshers and key set fetchers do.
struct TimerService {
  TimerService(uv_loop_t* loop, std::vector<std::string>* destroyed, std::string name)
      : timer(loop, [] {}), destroyed(destroyed), name(std::move(name)) {
    timer.armRepeating(1000);
  }
  ~TimerService() { destroyed->push_back(name); }
  network::Timer timer;
  std::vector<std::string>* destroyed;
  std::string name;
};

struct OtherService : TimerService {
  using TimerService::TimerService;
};

class LoopServicesTest : public ::testing::Test {
 protected:
  LoopServicesTest() {
    uv_loop_init(&loop_);
    resolver_.emplace(&loop_);
  }
  // Closed handles are freed by the loop's next turn; only then may the loop close.
  ~LoopServicesTest() override {
    resolver_.reset();
    uv_run(&loop_, UV_RUN_NOWAIT);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }

  uv_loop_t loop_;
  std::optional<upstream::Resolver> resolver_;
};

TEST_F(LoopServicesTest, GivesTheSameServiceOfATypeEveryTime) {
  std::vector<std::string> destroyed;
  LoopServices services(&loop_, *resolver_, nullptr);
  int made = 0;
  auto make = [&] {
    ++made;
    return std::make_unique<TimerService>(services.loop(), &destroyed, "timer");
  };
  TimerService& first = services.getOrCreate<TimerService>(make);
  TimerService& second = services.getOrCreate<TimerService>(make);
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(made, 1);
}

TEST_F(LoopServicesTest, ReleasesEveryHandleSoTheLoopCloses) {
  std::vector<std::string> destroyed;
  {
    LoopServices services(&loop_, *resolver_, nullptr);
    services.getOrCreate<TimerService>(
        [&] { return std::make_unique<TimerService>(&loop_, &destroyed, "first"); });
    services.getOrCreate<OtherService>(
        [&] { return std::make_unique<OtherService>(&loop_, &destroyed, "second"); });
  }
  EXPECT_EQ(destroyed, (std::vector<std::string>{"second", "first"}));
}

}  // namespace
}  // namespace portico::http
