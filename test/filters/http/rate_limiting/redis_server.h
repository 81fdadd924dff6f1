#pragma once

#include <string>
#include <vector>

namespace portico::filters::http::rate_limiting {

// A throwaway redis-server on a free 127.0.0.1 port, without persistence, for tests. available()
// is false when the machine has no redis-server (tests then skip).
class RedisServer {
 public:
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  static bool available();

  bool start();
  void stop();
  int port() const { return port_; }

 private:
  std::vector<std::string> extra_args_;
  int port_;
  int pid_ = -1;
};

// A port nothing listens on.
int closedPort();

// A listening socket that accepts connections and never answers (to test timeouts).
class SilentServer {
 public:
  SilentServer();
  ~SilentServer();
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace portico::filters::http::rate_limiting
