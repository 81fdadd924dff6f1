#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace portico::test {

// A plain-HTTP peer on 127.0.0.1 that runs on the test's own loop and answers each request with
// whatever the test scripts, byte for byte: well-formed or not, slow, or closing.
class ScriptedHttpServer {
 public:
  struct Reply {
    std::string bytes;         // written as they are
    bool close_after = false;  // close the connection once written
    uint64_t delay_ms = 0;     // wait before answering
  };
  // Gets each whole request (head and Content-Length body) as received.
  using Handler = std::function<Reply(const std::string& request)>;

  ScriptedHttpServer(uv_loop_t* loop, Handler handler);
  ~ScriptedHttpServer();
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  int port() const { return port_; }
  int connectionsAccepted() const { return connections_accepted_; }
  const std::vector<std::string>& requests() const { return requests_; }

 private:
  struct Peer;
  static void onConnection(uv_stream_t* server, int status);
  void handle(Peer& peer);

  uv_loop_t* loop_;
  Handler handler_;
  uv_tcp_t* listener_;
  int port_ = 0;
  int connections_accepted_ = 0;
  std::vector<std::string> requests_;
  std::vector<Peer*> peers_;
};

}  // namespace portico::test
