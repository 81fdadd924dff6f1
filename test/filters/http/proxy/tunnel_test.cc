#include "source/filters/http/proxy/tunnel.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "source/common/network/connection.h"
#include "test/test_common/loop_runner.h"

namespace portico::filters {
namespace {

// A plain socket standing for a remote peer (the WebSocket client, or the upstream): written to
// and read without blocking while the loop under test runs.
class Peer {
 public:
  explicit Peer(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  }
  ~Peer() { closeSocket(); }

  // Sends as much of `data` as the socket takes now; returns how much that was.
  size_t send(const std::string& data) {
    const ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    return sent > 0 ? static_cast<size_t>(sent) : 0;
  }
  // Reads what has arrived; notes the end of the stream.
  void poll() {
    char buffer[64 * 1024];
    while (!eof) {
      const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n > 0) {
        received.append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        eof = true;
      } else {
        return;
      }
    }
  }
  void closeSocket() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  std::string received;
  bool eof = false;

 private:
  int fd_ = -1;
};

// Callbacks for a connection before the tunnel takes it over.
class Unused : public network::ConnectionCallbacks {
 public:
  void onData(const char*, size_t) override { ADD_FAILURE() << "data before the tunnel"; }
  void onClose(network::CloseReason, const std::string&) override {}
};

class TunnelTest : public testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    uv_tcp_init(&loop_, &listener_);
    listener_.data = this;
    sockaddr_in address{};
    uv_ip4_addr("127.0.0.1", 0, &address);
    uv_tcp_bind(&listener_, reinterpret_cast<sockaddr*>(&address), 0);
    uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), 8, [](uv_stream_t* server, int) {
      auto* self = static_cast<TunnelTest*>(server->data);
      self->accepted_.push_back(network::Connection::accept(server, &self->unused_));
    });
    sockaddr_storage bound{};
    int length = sizeof(bound);
    uv_tcp_getsockname(&listener_, reinterpret_cast<sockaddr*>(&bound), &length);
    port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);

    client_peer_ = std::make_unique<Peer>(port_);
    ASSERT_TRUE(test::runUntil(&loop_, [&] { return accepted_.size() == 1; }));
    upstream_peer_ = std::make_unique<Peer>(port_);
    ASSERT_TRUE(test::runUntil(&loop_, [&] { return accepted_.size() == 2; }));
    client_ = std::move(accepted_[0]);
  }

  void TearDown() override {
    tunnel_.reset();
    client_.reset();
    accepted_.clear();
    client_peer_.reset();
    upstream_peer_.reset();
    uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
    test::runUntil(
        &loop_, [] { return false; }, 20);
    uv_loop_close(&loop_);
  }

  // As the downstream connection does: the tunnel's end closes the client after its queue.
  void startTunnel(uint64_t idle_timeout_ms, const std::string& to_client = "",
                   const std::string& to_upstream = "") {
    tunnel_ = std::make_unique<Tunnel>(&loop_, *client_, std::move(accepted_[1]), nullptr,
                                       idle_timeout_ms, [this] {
                                         ++closed_calls_;
                                         client_->closeAfterFlush();
                                       });
    tunnel_->start(to_client, to_upstream);
  }

  bool runUntil(const std::function<bool()>& done, int timeout_ms = 5000) {
    return test::runUntil(
        &loop_,
        [&] {
          if (closed_calls_ > 0 && client_ != nullptr) {
            // As the owner does on a later turn of the loop.
            tunnel_.reset();
            client_.reset();
          }
          if (client_reads_) {
            client_peer_->poll();
          }
          upstream_peer_->poll();
          return done();
        },
        timeout_ms);
  }

  uv_loop_t loop_;
  uv_tcp_t listener_;
  uint16_t port_ = 0;
  Unused unused_;
  std::vector<network::ConnectionPtr> accepted_;
  network::ConnectionPtr client_;
  std::unique_ptr<Peer> client_peer_;
  std::unique_ptr<Peer> upstream_peer_;
  std::unique_ptr<Tunnel> tunnel_;
  int closed_calls_ = 0;
  bool client_reads_ = true;
};

TEST_F(TunnelTest, BytesSentBeforeTheSwitchGoFirstThenBytesFlowBothWays) {
  startTunnel(5000, "upstream-early", "client-early");
  ASSERT_TRUE(runUntil([&] {
    return client_peer_->received == "upstream-early" && upstream_peer_->received == "client-early";
  }));
  client_peer_->send("ping");
  upstream_peer_->send("pong");
  ASSERT_TRUE(runUntil([&] {
    return client_peer_->received == "upstream-earlypong" &&
           upstream_peer_->received == "client-earlyping";
  }));
  EXPECT_EQ(closed_calls_, 0);
}

TEST_F(TunnelTest, AnUpstreamCloseReachesTheClientAfterTheUpstreamsLastBytes) {
  startTunnel(5000);
  upstream_peer_->send("last words");
  upstream_peer_->closeSocket();
  ASSERT_TRUE(runUntil([&] { return client_peer_->eof; }));
  EXPECT_EQ(client_peer_->received, "last words");
  EXPECT_EQ(closed_calls_, 1);
}

TEST_F(TunnelTest, AClientCloseReachesTheUpstreamAfterTheClientsLastBytes) {
  startTunnel(5000);
  client_peer_->send("goodbye");
  client_peer_->closeSocket();
  ASSERT_TRUE(runUntil([&] { return upstream_peer_->eof; }));
  EXPECT_EQ(upstream_peer_->received, "goodbye");
  EXPECT_EQ(closed_calls_, 1);
}

TEST_F(TunnelTest, TrafficKeepsTheTunnelOpenAndSilenceClosesItAfterTheIdleTimeout) {
  startTunnel(150);
  for (int i = 0; i < 6; ++i) {
    client_peer_->send("x");
    runUntil([] { return false; }, 50);
  }
  EXPECT_EQ(closed_calls_, 0);
  EXPECT_EQ(upstream_peer_->received, "xxxxxx");
  ASSERT_TRUE(runUntil([&] { return client_peer_->eof && upstream_peer_->eof; }, 2000));
  EXPECT_EQ(closed_calls_, 1);
}

TEST_F(TunnelTest, ASlowClientPausesTheUpstreamInsteadOfQueueingItsBytes) {
  startTunnel(5000);
  const std::string block(256 * 1024, 'b');
  size_t sent = 0;
  size_t peak_queue = 0;
  // The client reads nothing: the upstream can send only until the tunnel stops reading it
  // and the socket buffers between fill up.
  client_reads_ = false;
  runUntil(
      [&] {
        sent += upstream_peer_->send(block);
        peak_queue = std::max(peak_queue, client_->pendingWriteBytes());
        return false;
      },
      500);
  client_reads_ = true;
  EXPECT_LT(sent, 64u * 1024 * 1024);
  EXPECT_LE(peak_queue, network::Connection::kHighWatermark + 64 * 1024);
  // Once the client reads, every byte arrives.
  ASSERT_TRUE(runUntil([&] { return client_peer_->received.size() == sent; }, 10000));
  EXPECT_EQ(closed_calls_, 0);
}

}  // namespace
}  // namespace portico::filters
