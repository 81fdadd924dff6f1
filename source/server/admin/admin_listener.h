#pragma once

#include <uv.h>

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "source/server/admin/admin_api.h"

namespace portico::server::admin {

// Serves the admin API on the main thread's loop: plain HTTP/1.1, keep-alive, whole bodies
// (admin requests are small; POST /config is capped).
class AdminListener {
 public:
  static constexpr size_t kMaxBodyBytes = 64 * 1024 * 1024;

  AdminListener(uv_loop_t* loop, int fd, const AdminApi& api);
  ~AdminListener();

 private:
  class Session;
  void onAccept();
  void remove(Session* session);

  uv_loop_t* loop_;
  uv_tcp_t* handle_;
  const AdminApi& api_;
  absl::flat_hash_map<Session*, std::unique_ptr<Session>> sessions_;
};

}  // namespace portico::server::admin
