#include "test/filters/http/rate_limiting/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <thread>

extern char** environ;

namespace portico::filters::http::rate_limiting {
namespace {

constexpr char kRedisServer[] = "/usr/bin/redis-server";

int boundSocket(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  *port = ntohs(address.sin_port);
  return fd;
}

int freePort() {
  int port = 0;
  close(boundSocket(&port));
  return port;
}

bool accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return ok;
}

}  // namespace

RedisServer::RedisServer(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)), port_(freePort()) {}

RedisServer::~RedisServer() { stop(); }

bool RedisServer::available() { return access(kRedisServer, X_OK) == 0; }

bool RedisServer::start() {
  std::vector<std::string> args = {kRedisServer, "--port",       std::to_string(port_),
                                   "--bind",     "127.0.0.1",    "--save",
                                   "",           "--appendonly", "no"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (std::string& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int status = posix_spawn(&pid, kRedisServer, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (status != 0) {
    return false;
  }
  pid_ = pid;
  for (int i = 0; i < 200; ++i) {
    if (accepts(port_)) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void RedisServer::stop() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

RedisClusterServers::RedisClusterServers() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/redis-cluster-XXXXXX";
  if (mkdtemp(pattern.data()) != nullptr) {
    dir_ = pattern;
  }
}

RedisClusterServers::~RedisClusterServers() {
  servers_.clear();
  if (!dir_.empty()) {
    std::system(("rm -rf '" + dir_ + "'").c_str());
  }
}

bool RedisClusterServers::start() {
  if (!RedisServer::available() || access("/usr/bin/redis-cli", X_OK) != 0 || dir_.empty()) {
    return false;
  }
  std::string create = "--cluster create";
  for (int i = 0; i < 3; ++i) {
    auto server = std::make_unique<RedisServer>(
        // The bus port defaults to port + 10000, which may not exist: pick one.
        std::vector<std::string>{"--cluster-enabled", "yes", "--cluster-config-file",
                                 dir_ + "/nodes-" + std::to_string(i) + ".conf", "--dir", dir_,
                                 "--cluster-port", std::to_string(freePort())});
    if (!server->start()) {
      return false;
    }
    ports_.push_back(server->port());
    create += " 127.0.0.1:" + std::to_string(server->port());
    servers_.push_back(std::move(server));
  }
  cli(ports_[0], create + " --cluster-replicas 0 --cluster-yes");
  for (int attempt = 0; attempt < 500; ++attempt) {
    bool ok = true;
    for (int port : ports_) {
      ok = ok && cli(port, "cluster info").find("cluster_state:ok") != std::string::npos;
    }
    if (ok) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string RedisClusterServers::cli(int port, const std::string& args) {
  const std::string command =
      "/usr/bin/redis-cli -p " + std::to_string(port) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return "";
  }
  std::string output;
  char buffer[4096];
  size_t read = 0;
  while ((read = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output.append(buffer, read);
  }
  pclose(pipe);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) {
    output.pop_back();
  }
  return output;
}

std::string RedisClusterServers::nodeId(int port) { return cli(port, "cluster myid"); }

int RedisClusterServers::owner(int slot) const {
  // CLUSTER NODES lines: <id> <ip>:<port>@<cport> <flags> <master> <ping> <pong> <epoch> <link>
  // <slot or first-last>...
  std::istringstream nodes(cli(ports_[0], "cluster nodes"));
  std::string line;
  while (std::getline(nodes, line)) {
    std::istringstream fields(line);
    std::vector<std::string> parts;
    std::string part;
    while (fields >> part) {
      parts.push_back(part);
    }
    for (size_t i = 8; i < parts.size(); ++i) {
      if (parts[i].front() == '[') {
        continue;  // a migrating or importing slot
      }
      const size_t dash = parts[i].find('-');
      const int first = std::atoi(parts[i].c_str());
      const int last = dash == std::string::npos ? first : std::atoi(parts[i].c_str() + dash + 1);
      if (first <= slot && slot <= last) {
        return std::atoi(parts[1].c_str() + parts[1].find(':') + 1);
      }
    }
  }
  return 0;
}

int closedPort() { return freePort(); }

SilentServer::SilentServer() {
  fd_ = boundSocket(&port_);
  listen(fd_, 16);
}

SilentServer::~SilentServer() { close(fd_); }

}  // namespace portico::filters::http::rate_limiting
