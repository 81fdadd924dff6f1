#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>

namespace portico::network {

// A one-shot or repeating uv timer owned by a C++ object; destroying it cancels it.
class Timer {
 public:
  Timer(uv_loop_t* loop, std::function<void()> on_fire);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void arm(uint64_t timeout_ms);
  void armRepeating(uint64_t interval_ms);
  void disarm();
  bool armed() const;

 private:
  uv_timer_t* handle_;
  std::function<void()> on_fire_;
};

}  // namespace portico::network
