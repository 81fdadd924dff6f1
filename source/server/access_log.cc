#include "source/server/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace portico::server {

AccessLogWriter::AccessLogWriter(uv_loop_t* loop, int fd)
    : fd_(fd), timer_(loop, [this] { flush(); }) {}

AccessLogWriter::~AccessLogWriter() { flush(); }

void AccessLogWriter::log(const http::MessageHead& request, const http::StreamContext& context,
                          int status, uint64_t bytes_sent, uint64_t now_ms) {
  nlohmann::json line = {
      {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone())},
      {"request_id", context.request_id.view()},
      {"client_ip", context.client_address},
      {"method", request.method},
      {"path", context.raw_path},
      {"status", status},
      {"bytes_sent", bytes_sent},
      {"latency_ms", now_ms - context.start_ms},
  };
  if (context.match) {
    line["route_id"] = context.match->route->id();
    if (context.match->service != nullptr) {
      line["service_id"] = context.match->service->id();
    }
  }
  if (context.proxied) {
    line["upstream_status"] = context.upstream_status;
    if (context.upstream_headers_ms != 0) {
      line["upstream_latency_ms"] = context.upstream_headers_ms - context.proxy_start_ms;
    }
  }
  if (context.consumer != nullptr) {
    line["consumer_id"] = context.consumer->id();
  }
  buffer_ += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  buffer_ += '\n';
  if (buffer_.size() >= kFlushBytes) {
    flush();
  } else if (!timer_.armed()) {
    timer_.arm(kFlushIntervalMs);
  }
}

void AccessLogWriter::flush() {
  size_t offset = 0;
  while (offset < buffer_.size()) {
    const ssize_t written = ::write(fd_, buffer_.data() + offset, buffer_.size() - offset);
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written <= 0) {
      break;  // a full disk must not take the proxy down; the lines are dropped
    }
    offset += static_cast<size_t>(written);
  }
  buffer_.clear();
}

int openAccessLog(const std::string& target, const std::string& prefix, std::string* error) {
  if (target.empty() || target == "off") {
    return -1;
  }
  if (target == "stdout" || target == "/dev/stdout") {
    return STDOUT_FILENO;
  }
  if (target == "stderr" || target == "/dev/stderr") {
    return STDERR_FILENO;
  }
  const std::string path = target.front() == '/' ? target : absl::StrCat(prefix, "/", target);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0 && error != nullptr) {
    *error = absl::StrCat("could not open access log ", path, ": ", std::strerror(errno));
  }
  return fd;
}

}  // namespace portico::server
