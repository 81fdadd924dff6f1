#include "source/filters/http/jwt/jwks_source.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "source/common/log/logger.h"
#include "source/common/network/handle.h"

namespace portico::filters::http::jwt {
namespace {

int64_t steadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

RemoteJwksSource::RemoteJwksSource(std::function<void()> wake, uint64_t min_wake_interval_ms)
    : wake_(std::move(wake)), min_wake_interval_ms_(static_cast<int64_t>(min_wake_interval_ms)) {}

JwksConstSharedPtr RemoteJwksSource::current() const {
  absl::MutexLock lock(&mutex_);
  return jwks_;
}

void RemoteJwksSource::onUnknownKid() const {
  const int64_t now = steadyNowMs();
  int64_t allowed = next_wake_allowed_ms_.load(std::memory_order_relaxed);
  // One wake per interval however many workers and tokens ask: only the thread that moves the
  // deadline wakes the main loop.
  if (now < allowed || !next_wake_allowed_ms_.compare_exchange_strong(
                           allowed, now + min_wake_interval_ms_, std::memory_order_relaxed)) {
    return;
  }
  wake_();
}

void RemoteJwksSource::update(JwksConstSharedPtr jwks) {
  absl::MutexLock lock(&mutex_);
  jwks_ = std::move(jwks);
}

class RemoteJwksRegistry::UrlFetcher {
 public:
  UrlFetcher(RemoteJwksRegistry& registry, std::string url, const Options& options)
      : registry_(registry),
        url_(std::move(url)),
        options_(options),
        timer_(new uv_timer_t),
        wake_(new uv_async_t),
        retry_ms_(options.first_retry_ms) {
    uv_timer_init(registry_.loop_, timer_);
    timer_->data = this;
    uv_async_init(registry_.loop_, wake_, &UrlFetcher::onWake);
    wake_->data = this;
  }

  ~UrlFetcher() {
    network::closeAndDelete(timer_);
    network::closeAndDelete(wake_);
  }

  std::shared_ptr<RemoteJwksSource> attach() {
    if (std::shared_ptr<RemoteJwksSource> live = source_.lock()) {
      return live;
    }
    uv_async_t* wake = wake_;
    auto source = std::make_shared<RemoteJwksSource>([wake] { uv_async_send(wake); },
                                                     options_.min_wake_interval_ms);
    source->update(last_good_);
    source_ = source;
    if (!in_flight_) {
      fetch();
    }
    return source;
  }

 private:
  static void onTimer(uv_timer_t* timer) { static_cast<UrlFetcher*>(timer->data)->tick(); }
  static void onWake(uv_async_t* wake) { static_cast<UrlFetcher*>(wake->data)->tick(); }

  void tick() {
    if (source_.expired()) {
      registry_.fetchers_.erase(url_);  // destroys this: nothing may follow
      return;
    }
    if (!in_flight_) {
      fetch();
    }
  }

  void fetch() {
    in_flight_ = true;
    upstream::FetchRequest request;
    request.method = "GET";
    request.url = url_;
    request.headers = {{"Accept", "application/json"}};
    request.timeout_ms = options_.fetch_timeout_ms;
    std::weak_ptr<bool> alive = alive_;
    registry_.fetcher_(request, [this, alive](absl::StatusOr<upstream::FetchResponse> response) {
      if (alive.expired()) {
        return;
      }
      in_flight_ = false;
      onFetched(std::move(response));
    });
  }

  void onFetched(absl::StatusOr<upstream::FetchResponse> response) {
    absl::StatusOr<JwksConstSharedPtr> jwks = absl::UnavailableError("");
    if (!response.ok()) {
      jwks = response.status();
    } else if (response->status != 200) {
      jwks = absl::UnavailableError(absl::StrCat("HTTP status ", response->status));
    } else {
      jwks = Jwks::parse(response->body);
    }
    if (!jwks.ok()) {
      log::warn(absl::StrCat("jwt: fetching the JWKS at ", url_.substr(0, url_.find('?')),
                             " failed (", jwks.status().message(), "); ",
                             last_good_ ? "keeping the last good set" : "no keys yet",
                             ", retrying in ", retry_ms_, " ms"));
      schedule(retry_ms_);
      retry_ms_ = std::min(retry_ms_ * 2, options_.refresh_interval_ms);
      return;
    }
    retry_ms_ = options_.first_retry_ms;
    last_good_ = std::move(*jwks);
    if (std::shared_ptr<RemoteJwksSource> source = source_.lock()) {
      source->update(last_good_);
    }
    schedule(options_.refresh_interval_ms);
  }

  void schedule(uint64_t delay_ms) { uv_timer_start(timer_, &UrlFetcher::onTimer, delay_ms, 0); }

  RemoteJwksRegistry& registry_;
  const std::string url_;
  const Options options_;
  uv_timer_t* const timer_;
  uv_async_t* const wake_;
  std::weak_ptr<RemoteJwksSource> source_;
  JwksConstSharedPtr last_good_;
  bool in_flight_ = false;
  uint64_t retry_ms_;
  const std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

RemoteJwksRegistry::RemoteJwksRegistry(uv_loop_t* loop, upstream::HttpFetcher fetcher)
    : loop_(loop), fetcher_(std::move(fetcher)) {}

RemoteJwksRegistry::~RemoteJwksRegistry() = default;

std::shared_ptr<RemoteJwksSource> RemoteJwksRegistry::get(const std::string& url,
                                                          const Options& options) {
  std::unique_ptr<UrlFetcher>& fetcher = fetchers_[url];
  if (fetcher == nullptr) {
    fetcher = std::make_unique<UrlFetcher>(*this, url, options);
  }
  return fetcher->attach();
}

}  // namespace portico::filters::http::jwt
