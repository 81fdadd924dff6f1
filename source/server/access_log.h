#pragma once

#include <uv.h>

#include <cstdint>
#include <string>

#include "source/common/http/message_head.h"
#include "source/common/network/timer.h"
#include "source/http/stream_context.h"

namespace portico::server {

// One JSON line per finished request, buffered per worker and written with one write(2) per
// flush (O_APPEND keeps lines from different workers whole). Logs the path but never the query,
// headers or bodies: those carry tokens and keys.
class AccessLogWriter {
 public:
  AccessLogWriter(uv_loop_t* loop, int fd);
  ~AccessLogWriter();
  AccessLogWriter(const AccessLogWriter&) = delete;
  AccessLogWriter& operator=(const AccessLogWriter&) = delete;

  void log(const http::MessageHead& request, const http::StreamContext& context, int status,
           uint64_t bytes_sent, uint64_t now_ms);
  void flush();

 private:
  static constexpr size_t kFlushBytes = 32 * 1024;
  static constexpr uint64_t kFlushIntervalMs = 200;

  int fd_;
  std::string buffer_;
  network::Timer timer_;
};

// Opens Kong's proxy_access_log target: "off" → -1, "stdout"/"/dev/stdout" → 1, a path relative
// to the prefix or absolute → an O_APPEND file descriptor (-1 with `error` set on failure).
int openAccessLog(const std::string& target, const std::string& prefix, std::string* error);

}  // namespace portico::server
