#pragma once

#include <uv.h>

namespace portico::network {

// libuv frees a handle only after its close callback runs, which can outlive the C++ object that
// owned it. Owners allocate handles with `new` and give them to closeAndDelete, which detaches the
// handle (data = nullptr, so late callbacks see that their owner is gone) and frees it later.
template <class Handle>
void closeAndDelete(Handle* handle) {
  if (handle == nullptr) {
    return;
  }
  auto* base = reinterpret_cast<uv_handle_t*>(handle);
  base->data = nullptr;
  if (uv_is_closing(base)) {
    return;
  }
  uv_close(base, [](uv_handle_t* h) { delete reinterpret_cast<Handle*>(h); });
}

}  // namespace portico::network
