#include "source/common/network/timer.h"

#include "source/common/network/handle.h"

namespace portico::network {

Timer::Timer(uv_loop_t* loop, std::function<void()> on_fire)
    : handle_(new uv_timer_t), on_fire_(std::move(on_fire)) {
  uv_timer_init(loop, handle_);
  handle_->data = this;
}

Timer::~Timer() { closeAndDelete(handle_); }

void Timer::arm(uint64_t timeout_ms) {
  uv_timer_start(
      handle_,
      [](uv_timer_t* t) {
        if (auto* self = static_cast<Timer*>(t->data)) {
          self->on_fire_();
        }
      },
      timeout_ms, 0);
}

void Timer::armRepeating(uint64_t interval_ms) {
  uv_timer_start(
      handle_,
      [](uv_timer_t* t) {
        if (auto* self = static_cast<Timer*>(t->data)) {
          self->on_fire_();
        }
      },
      interval_ms, interval_ms);
}

void Timer::disarm() { uv_timer_stop(handle_); }

bool Timer::armed() const { return uv_is_active(reinterpret_cast<const uv_handle_t*>(handle_)); }

}  // namespace portico::network
