#pragma once

#include <openssl/ssl.h>
#include <uv.h>

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "source/server/admin/admin_api.h"

namespace portico::server::admin {

// What a listener demands of its clients beyond HTTP (admin_exposure.h says when it must).
struct ListenerSecurity {
  // Every connection speaks TLS with this context (admin_tls.h); it must outlive the listener.
  SSL_CTX* tls_context = nullptr;
  // When set, every request must carry `Authorization: Bearer <token>`, else 401.
  std::string bearer_token;
};

// Serves the admin API on the main thread's loop: HTTP/1.1 (over TLS for `ssl` listeners),
// keep-alive, whole bodies (admin requests are small; POST /config is capped).
class AdminListener {
 public:
  static constexpr size_t kMaxBodyBytes = 64 * 1024 * 1024;

  AdminListener(uv_loop_t* loop, int fd, const AdminApi& api, ListenerSecurity security = {});
  ~AdminListener();

 private:
  class Session;
  void onAccept();
  void remove(Session* session);

  uv_loop_t* loop_;
  uv_tcp_t* handle_;
  const AdminApi& api_;
  ListenerSecurity security_;
  absl::flat_hash_map<Session*, std::unique_ptr<Session>> sessions_;
};

}  // namespace portico::server::admin
