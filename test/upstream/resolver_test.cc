#include "source/upstream/resolver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test/test_common/loop_runner.h"

namespace portico::upstream {
namespace {

// A DNS server on a loopback UDP port of the test's loop: answers A queries from `records`,
// NODATA for other types of a known name, NXDOMAIN otherwise, or nothing when `silent`.
class FakeDnsServer {
 public:
  struct Record {
    std::vector<std::string> ipv4;
    uint32_t ttl_s = 60;
  };

  explicit FakeDnsServer(uv_loop_t* loop) : socket_(new uv_udp_t) {
    uv_udp_init(loop, socket_);
    socket_->data = this;
    sockaddr_in any{};
    uv_ip4_addr("127.0.0.1", 0, &any);
    uv_udp_bind(socket_, reinterpret_cast<const sockaddr*>(&any), 0);
    sockaddr_storage bound{};
    int length = sizeof(bound);
    uv_udp_getsockname(socket_, reinterpret_cast<sockaddr*>(&bound), &length);
    port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    uv_udp_recv_start(
        socket_,
        [](uv_handle_t*, size_t, uv_buf_t* buf) {
          static char buffer[1500];
          *buf = uv_buf_init(buffer, sizeof(buffer));
        },
        [](uv_udp_t* socket, ssize_t size, const uv_buf_t* buf, const sockaddr* from, unsigned) {
          if (size > 0 && from != nullptr && socket->data != nullptr) {
            static_cast<FakeDnsServer*>(socket->data)->answer(std::string(buf->base, size), from);
          }
        });
  }
  ~FakeDnsServer() { stop(); }

  void stop() {
    if (socket_ != nullptr) {
      socket_->data = nullptr;
      uv_close(reinterpret_cast<uv_handle_t*>(socket_),
               [](uv_handle_t* handle) { delete reinterpret_cast<uv_udp_t*>(handle); });
      socket_ = nullptr;
    }
  }

  uint16_t port() const { return port_; }
  int queries() const { return queries_; }
  std::map<std::string, Record> records;
  bool silent = false;

 private:
  void answer(const std::string& query, const sockaddr* from) {
    ++queries_;
    if (silent || query.size() < 17) {
      return;
    }
    std::string name;
    size_t at = 12;
    while (at < query.size() && query[at] != 0) {
      const size_t length = static_cast<uint8_t>(query[at]);
      name += (name.empty() ? "" : ".") + query.substr(at + 1, length);
      at += length + 1;
    }
    const size_t question_end = at + 5;
    if (question_end > query.size()) {
      return;
    }
    const bool wants_a = query[at + 1] == 0 && query[at + 2] == 1;
    auto found = records.find(name);
    std::string reply = query.substr(0, question_end);
    reply[2] = static_cast<char>(0x81);  // response, recursion desired
    reply[3] = static_cast<char>(found == records.end() ? 0x83 : 0x80);  // NXDOMAIN / NOERROR
    reply[10] = reply[11] = 0;                                           // no additional records
    const std::vector<std::string> none;
    const std::vector<std::string>& addresses =
        found != records.end() && wants_a ? found->second.ipv4 : none;
    reply[6] = 0;
    reply[7] = static_cast<char>(addresses.size());
    for (const std::string& ip : addresses) {
      const uint32_t ttl = htonl(found->second.ttl_s);
      in_addr address{};
      inet_pton(AF_INET, ip.c_str(), &address);
      reply += std::string("\xc0\x0c\x00\x01\x00\x01", 6);
      reply += std::string(reinterpret_cast<const char*>(&ttl), 4);
      reply += std::string("\x00\x04", 2);
      reply += std::string(reinterpret_cast<const char*>(&address), 4);
    }
    auto* send = new uv_udp_send_t;
    auto* bytes = new std::string(std::move(reply));
    send->data = bytes;
    uv_buf_t buf = uv_buf_init(bytes->data(), bytes->size());
    uv_udp_send(send, socket_, &buf, 1, from, [](uv_udp_send_t* request, int) {
      delete static_cast<std::string*>(request->data);
      delete request;
    });
  }

  uv_udp_t* socket_;
  uint16_t port_ = 0;
  int queries_ = 0;
};

std::string ip(const Resolver::Result& result) {
  char text[INET6_ADDRSTRLEN] = {};
  if (result.address.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&result.address)->sin6_addr, text,
              sizeof(text));
  } else {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&result.address)->sin_addr, text,
              sizeof(text));
  }
  return text;
}

uint16_t port(const Resolver::Result& result) {
  return ntohs(reinterpret_cast<const sockaddr_in*>(&result.address)->sin_port);
}

class ResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    dns_ = std::make_unique<FakeDnsServer>(&loop_);
  }

  void TearDown() override {
    resolver_.reset();
    dns_.reset();
    uv_run(&loop_, UV_RUN_DEFAULT);
    EXPECT_EQ(uv_loop_close(&loop_), 0) << "a handle was left open";
    if (!hosts_path_.empty()) {
      unsetenv("CARES_HOSTS");
      unlink(hosts_path_.c_str());
    }
  }

  Resolver& resolver(DnsSettings settings = {}) {
    settings.resolvers = {{"127.0.0.1", dns_->port()}};
    resolver_ = std::make_unique<Resolver>(&loop_, std::move(settings));
    return *resolver_;
  }

  // Resolves and runs the loop until the answer comes.
  Resolver::Result resolveNow(const std::string& host, uint16_t port = 80) {
    std::optional<Resolver::Result> result;
    resolver_->resolve(host, port, [&](const Resolver::Result& r) { result = r; });
    EXPECT_TRUE(test::runUntil(&loop_, [&] { return result.has_value(); }));
    return result.value_or(Resolver::Result{});
  }

  void useHostsFile(const std::string& content) {
    char path[] = "/tmp/resolver_test_hosts_XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    close(fd);
    hosts_path_ = path;
    setProcessHostsFile(hosts_path_);
  }

  void waitMs(int ms) {
    test::runUntil(
        &loop_, [] { return false; }, ms);
  }

  uv_loop_t loop_;
  std::unique_ptr<FakeDnsServer> dns_;
  std::unique_ptr<Resolver> resolver_;
  std::string hosts_path_;
};

TEST_F(ResolverTest, IpLiteralsAreAnsweredAtOnceWithoutAQuery) {
  Resolver& r = resolver();
  std::vector<std::string> answers;
  r.resolve("10.1.2.3", 8080, [&](const Resolver::Result& result) {
    EXPECT_EQ(port(result), 8080);
    answers.push_back(ip(result));
  });
  r.resolve("[::1]", 80, [&](const Resolver::Result& result) { answers.push_back(ip(result)); });
  EXPECT_EQ(answers, (std::vector<std::string>{"10.1.2.3", "::1"}));
  EXPECT_EQ(dns_->queries(), 0);
}

TEST_F(ResolverTest, NameIsResolvedThroughTheConfiguredServerWithThePortSet) {
  dns_->records["api.portico.test"] = {{"127.0.0.7"}, 60};
  resolver();
  const Resolver::Result result = resolveNow("API.portico.test", 9000);
  EXPECT_EQ(result.outcome, Resolver::Outcome::kOk);
  EXPECT_EQ(ip(result), "127.0.0.7");
  EXPECT_EQ(port(result), 9000);
}

TEST_F(ResolverTest, AnswerIsCachedWithinItsTtl) {
  dns_->records["api.portico.test"] = {{"127.0.0.7"}, 60};
  resolver();
  resolveNow("api.portico.test");
  const int queries = dns_->queries();
  bool answered = false;
  resolver_->resolve("api.portico.test", 80, [&](const Resolver::Result&) { answered = true; });
  EXPECT_TRUE(answered) << "a cached answer comes back before resolve() returns";
  EXPECT_EQ(dns_->queries(), queries);
}

TEST_F(ResolverTest, ConcurrentLookupsOfANameShareOneQuery) {
  dns_->records["api.portico.test"] = {{"127.0.0.7", "127.0.0.8"}, 60};
  Resolver& r = resolver();
  std::vector<std::string> answers;
  for (int i = 0; i < 3; ++i) {
    r.resolve("api.portico.test", 80,
              [&](const Resolver::Result& result) { answers.push_back(ip(result)); });
  }
  ASSERT_TRUE(test::runUntil(&loop_, [&] { return answers.size() == 3; }));
  EXPECT_EQ(dns_->queries(), 1);
  EXPECT_EQ(answers, (std::vector<std::string>{"127.0.0.7", "127.0.0.8", "127.0.0.7"}));
}

TEST_F(ResolverTest, UnknownNameIsANameError) {
  resolver();
  const Resolver::Result result = resolveNow("missing.portico.test");
  EXPECT_EQ(result.outcome, Resolver::Outcome::kNameError);
  EXPECT_EQ(result.error, "name resolution failed");
}

TEST_F(ResolverTest, ExpiredAnswerIsServedAtOnceWhileTheServerIsGone) {
  dns_->records["api.portico.test"] = {{"127.0.0.7"}, 1};
  resolver();
  resolveNow("api.portico.test");
  dns_->stop();
  waitMs(1100);
  for (int i = 0; i < 3; ++i) {
    std::optional<Resolver::Result> result;
    resolver_->resolve("api.portico.test", 80, [&](const Resolver::Result& r) { result = r; });
    ASSERT_TRUE(result.has_value()) << "no request waits on a refresh when a stale answer exists";
    EXPECT_EQ(ip(*result), "127.0.0.7");
    waitMs(50);
  }
}

TEST_F(ResolverTest, RefreshReplacesTheAnswerAfterItsTtl) {
  dns_->records["api.portico.test"] = {{"127.0.0.7"}, 1};
  resolver();
  resolveNow("api.portico.test");
  dns_->records["api.portico.test"] = {{"127.0.0.9"}, 60};
  waitMs(1100);
  EXPECT_EQ(ip(resolveNow("api.portico.test")), "127.0.0.7");  // stale, refresh started
  ASSERT_TRUE(
      test::runUntil(&loop_, [&] { return ip(resolveNow("api.portico.test")) == "127.0.0.9"; }));
}

TEST_F(ResolverTest, HostsFileIsReadBeforeDns) {
  useHostsFile("127.0.0.3 api.portico.test\n127.0.0.4 api.portico.test\n");
  dns_->records["api.portico.test"] = {{"127.0.0.7"}, 60};
  resolver();
  EXPECT_EQ(ip(resolveNow("api.portico.test")), "127.0.0.3");
  EXPECT_EQ(ip(resolveNow("api.portico.test")), "127.0.0.4");
  EXPECT_EQ(dns_->queries(), 0);
}

TEST_F(ResolverTest, LocalhostIsTheLoopbackWithoutAHostsFileEntryOrAQuery) {
  useHostsFile("127.0.0.3 other.test\n");
  resolver();
  EXPECT_EQ(ip(resolveNow("localhost")), "127.0.0.1");
  EXPECT_EQ(dns_->queries(), 0);
}

TEST_F(ResolverTest, DestroyingTheResolverDropsWaitingCallbacksAndClosesItsHandles) {
  dns_->silent = true;
  Resolver& r = resolver();
  bool called = false;
  r.resolve("api.portico.test", 80, [&](const Resolver::Result&) { called = true; });
  ASSERT_TRUE(test::runUntil(&loop_, [&] { return dns_->queries() > 0; }));
  resolver_.reset();
  EXPECT_FALSE(called);
  // TearDown checks that the loop closes with no handle left.
}

}  // namespace
}  // namespace portico::upstream
