#pragma once

#include <ares.h>
#include <uv.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "source/upstream/dns_settings.h"

namespace portico::upstream {

// One c-ares channel driven by a libuv loop, without threads: a uv_poll_t for each socket c-ares
// opens (it reports them through ARES_OPT_SOCK_STATE_CB) and one timer for its retransmissions.
// Destroying it ends its queries with ARES_EDESTRUCTION and closes its handles.
class AresChannel {
 public:
  // `status` is an ARES_* code; `result` is null unless it is ARES_SUCCESS, and is freed after
  // the callback returns.
  using Callback = std::function<void(int status, const ares_addrinfo* result)>;

  // `lookups` is c-ares's: "f" for the hosts file only, "b" for DNS only. `servers` empty: those
  // of /etc/resolv.conf.
  AresChannel(uv_loop_t* loop, const char* lookups, const std::vector<NameServer>& servers);
  ~AresChannel();
  AresChannel(const AresChannel&) = delete;
  AresChannel& operator=(const AresChannel&) = delete;

  // Non-OK when c-ares could not be set up; getAddrInfo then fails every lookup.
  const absl::Status& status() const { return status_; }

  // `family` is AF_INET, AF_INET6 or AF_UNSPEC; `flags` are ARES_AI_* flags. The callback may
  // run before this returns (hosts file, numeric names).
  void getAddrInfo(const std::string& name, int family, int flags, Callback callback);

 private:
  static void onSocketState(void* data, ares_socket_t fd, int readable, int writable);
  static void onAnswer(void* arg, int status, int timeouts, ares_addrinfo* result);
  void process(ares_socket_t read_fd, ares_socket_t write_fd);
  void armTimer();

  uv_loop_t* loop_;
  ares_channel channel_ = nullptr;
  absl::Status status_;
  uv_timer_t* timer_;
  absl::flat_hash_map<ares_socket_t, uv_poll_t*> polls_;
};

}  // namespace portico::upstream
