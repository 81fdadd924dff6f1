#pragma once

#include <memory>
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

// Three cluster-enabled redis-servers joined by `redis-cli --cluster create` (no replicas: each
// serves a third of the slots), in a temporary directory. start() is false when the machine has
// no redis-server/redis-cli or the cluster did not come up.
class RedisClusterServers {
 public:
  RedisClusterServers();
  ~RedisClusterServers();
  RedisClusterServers(const RedisClusterServers&) = delete;
  RedisClusterServers& operator=(const RedisClusterServers&) = delete;

  bool start();
  const std::vector<int>& ports() const { return ports_; }
  // Runs `redis-cli -p <port> <args>` (args as a shell would split them); returns its output
  // without the trailing newline.
  static std::string cli(int port, const std::string& args);
  static std::string nodeId(int port);
  // The port of the node serving `slot`, 0 if none (asked of the first node).
  int owner(int slot) const;

 private:
  std::string dir_;
  std::vector<int> ports_;
  std::vector<std::unique_ptr<RedisServer>> servers_;
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
