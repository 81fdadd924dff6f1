#pragma once

#include <uv.h>

#include <chrono>
#include <functional>

namespace portico::test {

// Runs `loop` until `done()` holds or `timeout_ms` passes; returns done().
inline bool runUntil(uv_loop_t* loop, const std::function<bool()>& done, int timeout_ms = 5000) {
  uv_timer_t tick;
  uv_timer_init(loop, &tick);
  uv_timer_start(
      &tick, [](uv_timer_t*) {}, 5, 5);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    uv_run(loop, UV_RUN_ONCE);
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
  uv_run(loop, UV_RUN_NOWAIT);
  return done();
}

}  // namespace portico::test
