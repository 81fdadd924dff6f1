#pragma once

#include <uv.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "source/common/aws/credential_source.h"
#include "source/common/aws/credentials_provider.h"
#include "source/common/network/timer.h"

namespace portico::aws {

struct RefreshPolicy {
  // Temporary credentials are fetched again this long before they expire, or at half their
  // remaining life when that is shorter.
  std::chrono::milliseconds refresh_before_expiry = std::chrono::minutes(5);
  // Failed fetches are retried after initial_retry, doubling up to max_retry.
  std::chrono::milliseconds initial_retry = std::chrono::seconds(1);
  std::chrono::milliseconds max_retry = std::chrono::minutes(1);
};

// How long to wait before refreshing credentials that expire at `expiration`, seen at `now`.
std::chrono::milliseconds refreshDelay(std::chrono::system_clock::time_point expiration,
                                       std::chrono::system_clock::time_point now,
                                       const RefreshPolicy& policy);

// Keeps one CredentialsProvider filled from one source, on the main loop: fetches at start(),
// again before temporary credentials expire, and after failures with backoff. A failed refresh
// keeps the last credentials while they are valid. Credentials without an expiration (config,
// environment, file) are fetched once. Stops by itself once the provider has no other owner.
//
// Main thread only; must be owned by a shared_ptr (in-flight fetches hold a weak reference).
class CredentialsRefresher : public std::enable_shared_from_this<CredentialsRefresher> {
 public:
  using Done = std::function<void(const absl::Status&)>;

  CredentialsRefresher(uv_loop_t* loop, CredentialSourceSharedPtr source,
                       std::weak_ptr<CredentialsProvider> target, Clock clock,
                       RefreshPolicy policy = {});
  CredentialsRefresher(const CredentialsRefresher&) = delete;
  CredentialsRefresher& operator=(const CredentialsRefresher&) = delete;

  void start() { refreshNow(); }
  // Fetches now, unless a fetch is already in flight, and reports that fetch's outcome to `done`
  // (possibly before returning).
  void refreshNow(Done done = nullptr);

  // Whether the provider still has an owner; a refresher without one does nothing.
  bool active() const { return !target_.expired(); }
  // The delay the timer was last armed with, while it is armed.
  std::optional<std::chrono::milliseconds> scheduledDelay() const;

 private:
  void onFetched(absl::StatusOr<Credentials> result);
  void schedule(std::chrono::milliseconds delay);

  const CredentialSourceSharedPtr source_;
  const std::weak_ptr<CredentialsProvider> target_;
  const Clock clock_;
  const RefreshPolicy policy_;
  network::Timer timer_;
  std::chrono::milliseconds scheduled_delay_{0};
  std::chrono::milliseconds next_retry_;
  bool in_flight_ = false;
  std::vector<Done> waiting_;
};
using CredentialsRefresherSharedPtr = std::shared_ptr<CredentialsRefresher>;

}  // namespace portico::aws
