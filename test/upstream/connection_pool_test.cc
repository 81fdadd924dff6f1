#include "source/upstream/connection_pool.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test/test_common/loop_runner.h"

namespace portico::upstream {
namespace {

class RecordingCallbacks : public network::ConnectionCallbacks {
 public:
  void onConnected() override { ++connected; }
  void onData(const char*, size_t) override {}
  void onClose(network::CloseReason, const std::string&) override { ++closed; }

  int connected = 0;
  int closed = 0;
};

// Upstream connections to a plain listening socket: each client names itself with its first
// byte, so the test knows which accepted socket is whose and can close any one of them.
class ConnectionPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    pool_ = std::make_unique<ConnectionPool>(&loop_, 10, 60000);
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ASSERT_EQ(listen(listener_, 16), 0);
    socklen_t length = sizeof(address_);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address_), &length);
  }

  void TearDown() override {
    taken_.reset();
    pool_.reset();
    for (auto& [name, fd] : upstream_ends_) {
      close(fd);
    }
    close(listener_);
    uv_run(&loop_, UV_RUN_NOWAIT);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }

  // Connects one client per name and accepts each on the upstream side.
  std::vector<network::ConnectionPtr> connectAll(const std::string& names) {
    std::vector<network::ConnectionPtr> clients;
    for (char name : names) {
      clients.push_back(network::Connection::connect(
          &loop_, reinterpret_cast<const sockaddr*>(&address_), nullptr, "", &callbacks_));
      EXPECT_TRUE(test::runUntil(
          &loop_, [&] { return callbacks_.connected == static_cast<int>(clients.size()); }));
      clients.back()->write(std::string(1, name));
      const int accepted = accept(listener_, nullptr, nullptr);
      char first = 0;
      EXPECT_EQ(read(accepted, &first, 1), 1);
      upstream_ends_[first] = accepted;
    }
    return clients;
  }

  void closeUpstreamEnd(char name) {
    close(upstream_ends_.at(name));
    upstream_ends_.erase(name);
  }

  uv_loop_t loop_;
  int listener_ = -1;
  sockaddr_in address_{};
  RecordingCallbacks callbacks_;
  std::map<char, int> upstream_ends_;
  std::unique_ptr<ConnectionPool> pool_;
  network::ConnectionPtr taken_;
};

TEST_F(ConnectionPoolTest, IdleConnectionsClosedByTheUpstreamLeaveThePoolInAnyOrder) {
  for (network::ConnectionPtr& client : connectAll("abc")) {
    pool_->release("key", std::move(client));
  }
  ASSERT_EQ(pool_->idleCount(), 3u);
  // The middle one first: the list closes the gap by moving a neighbour (here the last), whose
  // connection must then report to where it moved.
  closeUpstreamEnd('b');
  ASSERT_TRUE(test::runUntil(&loop_, [&] { return pool_->idleCount() == 2; }));
  closeUpstreamEnd('c');
  ASSERT_TRUE(test::runUntil(&loop_, [&] { return pool_->idleCount() == 1; }));

  taken_ = pool_->take("key");
  ASSERT_NE(taken_, nullptr);
  EXPECT_EQ(pool_->idleCount(), 0u);
  EXPECT_EQ(pool_->take("key"), nullptr);
  // Taken, it reports to its new owner, not to the pool.
  RecordingCallbacks owner;
  taken_->setCallbacks(&owner);
  closeUpstreamEnd('a');
  EXPECT_TRUE(test::runUntil(&loop_, [&] { return owner.closed == 1; }));
  EXPECT_EQ(callbacks_.closed, 0);
}

TEST_F(ConnectionPoolTest, TheMostRecentlyReleasedConnectionIsTakenFirst) {
  std::vector<network::ConnectionPtr> clients = connectAll("xy");
  network::Connection* newest = clients[1].get();
  pool_->release("key", std::move(clients[0]));
  pool_->release("key", std::move(clients[1]));
  taken_ = pool_->take("key");
  EXPECT_EQ(taken_.get(), newest);
  EXPECT_EQ(pool_->take("other"), nullptr);
}

}  // namespace
}  // namespace portico::upstream
