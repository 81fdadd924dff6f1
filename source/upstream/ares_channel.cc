#include "source/upstream/ares_channel.h"

#include <arpa/inet.h>

#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "source/common/network/handle.h"

namespace portico::upstream {
namespace {

// Kong's resolver waits 2 s per try; c-ares doubles the wait on each retransmission, so two tries
// give up after 6 s.
constexpr int kTimeoutMs = 2000;
constexpr int kTries = 2;

absl::Status aresError(const char* what, int code) {
  return absl::InternalError(absl::StrCat(what, ": ", ares_strerror(code)));
}

}  // namespace

AresChannel::AresChannel(uv_loop_t* loop, const char* lookups,
                         const std::vector<NameServer>& servers)
    : loop_(loop), timer_(new uv_timer_t) {
  uv_timer_init(loop_, timer_);
  timer_->data = this;
  static std::once_flag library_once;
  static int library_status = ARES_SUCCESS;
  std::call_once(library_once, [] { library_status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (library_status != ARES_SUCCESS) {
    status_ = aresError("c-ares initialisation failed", library_status);
    return;
  }
  ares_options options{};
  options.sock_state_cb = &AresChannel::onSocketState;
  options.sock_state_cb_data = this;
  options.lookups = const_cast<char*>(lookups);
  options.timeout = kTimeoutMs;
  options.tries = kTries;
  const int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  if (const int code = ares_init_options(&channel_, &options, mask); code != ARES_SUCCESS) {
    channel_ = nullptr;
    status_ = aresError("c-ares channel setup failed", code);
    return;
  }
  if (servers.empty()) {
    return;
  }
  std::vector<ares_addr_port_node> nodes(servers.size());
  for (size_t i = 0; i < servers.size(); ++i) {
    ares_addr_port_node& node = nodes[i];
    node.next = i + 1 < servers.size() ? &nodes[i + 1] : nullptr;
    node.udp_port = servers[i].port;
    node.tcp_port = servers[i].port;
    if (inet_pton(AF_INET, servers[i].address.c_str(), &node.addr.addr4) == 1) {
      node.family = AF_INET;
    } else if (inet_pton(AF_INET6, servers[i].address.c_str(), &node.addr.addr6) == 1) {
      node.family = AF_INET6;
    } else {
      status_ = absl::InvalidArgumentError(
          absl::StrCat("dns_resolver: '", servers[i].address, "' is not an IP address"));
      return;
    }
  }
  if (const int code = ares_set_servers_ports(channel_, nodes.data()); code != ARES_SUCCESS) {
    status_ = aresError("dns_resolver", code);
  }
}

AresChannel::~AresChannel() {
  if (channel_ != nullptr) {
    // Ends pending queries (their callbacks see ARES_EDESTRUCTION) and reports each socket
    // closed, which closes its poll handle.
    ares_destroy(channel_);
  }
  for (auto& [fd, poll] : polls_) {
    network::closeAndDelete(poll);
  }
  network::closeAndDelete(timer_);
}

void AresChannel::getAddrInfo(const std::string& name, int family, int flags, Callback callback) {
  if (!status_.ok()) {
    callback(ARES_ENOTINITIALIZED, nullptr);
    return;
  }
  ares_addrinfo_hints hints{};
  hints.ai_family = family;
  hints.ai_flags = flags;
  ares_getaddrinfo(channel_, name.c_str(), nullptr, &hints, &AresChannel::onAnswer,
                   new Callback(std::move(callback)));
  armTimer();
}

void AresChannel::onAnswer(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
  std::unique_ptr<Callback> callback(static_cast<Callback*>(arg));
  (*callback)(status, status == ARES_SUCCESS ? result : nullptr);
  if (result != nullptr) {
    ares_freeaddrinfo(result);
  }
}

void AresChannel::onSocketState(void* data, ares_socket_t fd, int readable, int writable) {
  auto* self = static_cast<AresChannel*>(data);
  auto it = self->polls_.find(fd);
  if (readable == 0 && writable == 0) {
    // c-ares closes the socket right after: the handle must leave the loop first.
    if (it != self->polls_.end()) {
      uv_poll_stop(it->second);
      network::closeAndDelete(it->second);
      self->polls_.erase(it);
    }
    return;
  }
  uv_poll_t* poll = nullptr;
  if (it != self->polls_.end()) {
    poll = it->second;
  } else {
    poll = new uv_poll_t;
    if (uv_poll_init_socket(self->loop_, poll, fd) != 0) {
      delete poll;
      return;  // c-ares times the query out
    }
    poll->data = self;
    self->polls_.emplace(fd, poll);
  }
  const int events = (readable != 0 ? UV_READABLE : 0) | (writable != 0 ? UV_WRITABLE : 0);
  uv_poll_start(poll, events, [](uv_poll_t* handle, int status, int ready) {
    auto* channel = static_cast<AresChannel*>(handle->data);
    if (channel == nullptr) {
      return;
    }
    uv_os_fd_t fd = -1;
    uv_fileno(reinterpret_cast<uv_handle_t*>(handle), &fd);
    // On an error both directions are processed, so c-ares reads it and drops the socket.
    const bool error = status < 0;
    channel->process(error || (ready & UV_READABLE) != 0 ? fd : ARES_SOCKET_BAD,
                     error || (ready & UV_WRITABLE) != 0 ? fd : ARES_SOCKET_BAD);
  });
}

void AresChannel::process(ares_socket_t read_fd, ares_socket_t write_fd) {
  ares_process_fd(channel_, read_fd, write_fd);
  armTimer();
}

void AresChannel::armTimer() {
  timeval wait{};
  if (ares_timeout(channel_, nullptr, &wait) == nullptr) {
    uv_timer_stop(timer_);
    return;
  }
  // Rounded up: a timer firing a little early would find nothing due and spin.
  const uint64_t wait_ms = static_cast<uint64_t>(wait.tv_sec) * 1000 + (wait.tv_usec + 999) / 1000;
  uv_timer_start(
      timer_,
      [](uv_timer_t* timer) {
        if (auto* channel = static_cast<AresChannel*>(timer->data)) {
          channel->process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
        }
      },
      wait_ms, 0);
}

}  // namespace portico::upstream
