#include "source/common/aws/credentials_refresher.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "source/common/log/logger.h"

namespace portico::aws {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

milliseconds refreshDelay(std::chrono::system_clock::time_point expiration,
                          std::chrono::system_clock::time_point now, const RefreshPolicy& policy) {
  const milliseconds remaining = duration_cast<milliseconds>(expiration - now);
  if (remaining <= milliseconds(0)) {
    return milliseconds(0);
  }
  return remaining - std::min(policy.refresh_before_expiry, remaining / 2);
}

CredentialsRefresher::CredentialsRefresher(uv_loop_t* loop, CredentialSourceSharedPtr source,
                                           std::weak_ptr<CredentialsProvider> target, Clock clock,
                                           RefreshPolicy policy)
    : source_(std::move(source)),
      target_(std::move(target)),
      clock_(std::move(clock)),
      policy_(policy),
      timer_(loop,
             [this] {
               if (active()) {
                 refreshNow();
               }
             }),
      next_retry_(policy.initial_retry) {}

std::optional<milliseconds> CredentialsRefresher::scheduledDelay() const {
  if (!timer_.armed()) {
    return std::nullopt;
  }
  return scheduled_delay_;
}

void CredentialsRefresher::schedule(milliseconds delay) {
  scheduled_delay_ = delay;
  timer_.arm(static_cast<uint64_t>(delay.count()));
}

void CredentialsRefresher::refreshNow(Done done) {
  if (done) {
    waiting_.push_back(std::move(done));
  }
  if (in_flight_) {
    return;
  }
  in_flight_ = true;
  timer_.disarm();
  source_->fetch([weak = weak_from_this()](absl::StatusOr<Credentials> result) {
    if (auto self = weak.lock()) {
      self->onFetched(std::move(result));
    }
  });
}

void CredentialsRefresher::onFetched(absl::StatusOr<Credentials> result) {
  in_flight_ = false;
  const auto now = clock_();
  if (result.ok() && result->expiration.has_value() && *result->expiration <= now) {
    result = absl::UnavailableError(absl::StrCat(source_->name(), ": credentials already expired"));
  }
  std::shared_ptr<CredentialsProvider> target = target_.lock();
  absl::Status status = result.status();
  if (target == nullptr) {
    status = absl::CancelledError("aws credentials: provider released");
  } else if (result.ok()) {
    next_retry_ = policy_.initial_retry;
    if (result->expiration.has_value()) {
      const milliseconds delay = refreshDelay(*result->expiration, now, policy_);
      log::info(absl::StrCat("aws credentials: fetched from ", source_->name(), ", refresh in ",
                             absl::FormatDuration(absl::FromChrono(delay))));
      schedule(delay);
    } else {
      log::info(absl::StrCat("aws credentials: fetched from ", source_->name()));
    }
    target->update(*std::move(result));
  } else {
    const milliseconds delay = next_retry_;
    next_retry_ = std::min(next_retry_ * 2, policy_.max_retry);
    // current() already hides expired credentials; clearing also frees them.
    if (target->current() == nullptr) {
      target->clear();
    }
    log::warn(absl::StrCat("aws credentials: ", status.message(), "; retrying in ",
                           absl::FormatDuration(absl::FromChrono(delay)),
                           target->current() != nullptr ? " (keeping the current ones)" : ""));
    schedule(delay);
  }
  std::vector<Done> waiting;
  waiting.swap(waiting_);
  for (const Done& done : waiting) {
    done(status);
  }
}

}  // namespace portico::aws
