#include "test/test_common/scripted_http_server.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "source/common/network/handle.h"

namespace portico::test {
namespace {

// The length of the first whole request in `buffer`, or 0 while it is incomplete.
size_t wholeRequestLength(const std::string& buffer) {
  const size_t head_end = buffer.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    return 0;
  }
  const std::string head = absl::AsciiStrToLower(buffer.substr(0, head_end));
  size_t body = 0;
  const size_t field = head.find("\r\ncontent-length:");
  if (field != std::string::npos) {
    const size_t start = field + 17;
    const size_t end = head.find("\r\n", start);
    uint64_t length = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(head.substr(start, end - start)), &length)) {
      body = length;
    }
  }
  const size_t total = head_end + 4 + body;
  return buffer.size() >= total ? total : 0;
}

}  // namespace

struct ScriptedHttpServer::Peer {
  ScriptedHttpServer* server = nullptr;
  uv_tcp_t* tcp = nullptr;
  uv_timer_t* delay = nullptr;
  std::string buffer;
  Reply pending;
  bool closed = false;

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    tcp->data = nullptr;
    network::closeAndDelete(tcp);
    if (delay != nullptr) {
      network::closeAndDelete(delay);
    }
  }

  void write(const Reply& reply) {
    auto* request = new uv_write_t;
    auto* bytes = new std::string(reply.bytes);
    request->data = bytes;
    uv_buf_t buf = uv_buf_init(bytes->data(), static_cast<unsigned>(bytes->size()));
    uv_write(request, reinterpret_cast<uv_stream_t*>(tcp), &buf, 1, [](uv_write_t* done, int) {
      delete static_cast<std::string*>(done->data);
      delete done;
    });
    if (reply.close_after) {
      uv_shutdown(new uv_shutdown_t, reinterpret_cast<uv_stream_t*>(tcp),
                  [](uv_shutdown_t* shutdown, int) {
                    if (auto* peer = static_cast<Peer*>(shutdown->handle->data)) {
                      peer->close();
                    }
                    delete shutdown;
                  });
    }
  }
};

ScriptedHttpServer::ScriptedHttpServer(uv_loop_t* loop, Handler handler)
    : loop_(loop), handler_(std::move(handler)), listener_(new uv_tcp_t) {
  uv_tcp_init(loop_, listener_);
  listener_->data = this;
  sockaddr_in address{};
  uv_ip4_addr("127.0.0.1", 0, &address);
  uv_tcp_bind(listener_, reinterpret_cast<const sockaddr*>(&address), 0);
  uv_listen(reinterpret_cast<uv_stream_t*>(listener_), 64, &ScriptedHttpServer::onConnection);
  sockaddr_storage bound{};
  int length = sizeof(bound);
  uv_tcp_getsockname(listener_, reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
}

ScriptedHttpServer::~ScriptedHttpServer() {
  network::closeAndDelete(listener_);
  for (Peer* peer : peers_) {
    peer->close();
    delete peer;
  }
}

void ScriptedHttpServer::onConnection(uv_stream_t* listener, int status) {
  auto* server = static_cast<ScriptedHttpServer*>(listener->data);
  if (status != 0) {
    return;
  }
  auto* peer = new Peer;
  peer->server = server;
  peer->tcp = new uv_tcp_t;
  uv_tcp_init(server->loop_, peer->tcp);
  peer->tcp->data = peer;
  if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(peer->tcp)) != 0) {
    peer->close();
    delete peer;
    return;
  }
  server->peers_.push_back(peer);
  ++server->connections_accepted_;
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(peer->tcp),
      [](uv_handle_t*, size_t suggested, uv_buf_t* buf) {
        buf->base = static_cast<char*>(std::malloc(suggested));
        buf->len = suggested;
      },
      [](uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
        auto* peer = static_cast<Peer*>(stream->data);
        if (peer != nullptr && nread > 0) {
          peer->buffer.append(buf->base, static_cast<size_t>(nread));
          peer->server->handle(*peer);
        } else if (peer != nullptr && nread < 0) {
          peer->close();
        }
        std::free(buf->base);
      });
}

void ScriptedHttpServer::handle(Peer& peer) {
  while (!peer.closed) {
    const size_t length = wholeRequestLength(peer.buffer);
    if (length == 0) {
      return;
    }
    std::string request = peer.buffer.substr(0, length);
    peer.buffer.erase(0, length);
    requests_.push_back(request);
    Reply reply = handler_(request);
    if (reply.delay_ms == 0) {
      peer.write(reply);
      continue;
    }
    peer.pending = std::move(reply);
    if (peer.delay == nullptr) {
      peer.delay = new uv_timer_t;
      uv_timer_init(loop_, peer.delay);
      peer.delay->data = &peer;
    }
    uv_timer_start(
        peer.delay,
        [](uv_timer_t* timer) {
          auto* delayed = static_cast<Peer*>(timer->data);
          delayed->write(delayed->pending);
        },
        peer.pending.delay_ms, 0);
    return;
  }
}

}  // namespace portico::test
