#pragma once

#include <uv.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "source/filters/http/jwt/jwks.h"
#include "source/upstream/fetcher.h"

namespace portico::filters::http::jwt {

// Where a jwt plugin's JWKS comes from. Workers read it for each token that names a `kid`.
class JwksSource {
 public:
  virtual ~JwksSource() = default;
  // The current set; nullptr while none is known. Never blocks.
  virtual JwksConstSharedPtr current() const = 0;
  // A token named a `kid` the current set lacks: the identity provider may have rotated its keys.
  virtual void onUnknownKid() const {}
};

using JwksSourceConstSharedPtr = std::shared_ptr<const JwksSource>;

// `jwks` or `jwks_file`: a set fixed for the config's life.
class StaticJwksSource : public JwksSource {
 public:
  explicit StaticJwksSource(JwksConstSharedPtr jwks) : jwks_(std::move(jwks)) {}
  JwksConstSharedPtr current() const override { return jwks_; }

 private:
  const JwksConstSharedPtr jwks_;
};

// `jwks_uri`: the set a URL serves, kept fresh by a RemoteJwksRegistry on the main loop. Holds no
// loop resources, so the last reference may drop on a worker.
class RemoteJwksSource : public JwksSource {
 public:
  // `wake` is thread-safe and asks the main loop to fetch now; it stays valid while this source
  // lives. `min_wake_interval_ms` bounds how often tokens with unknown kids can trigger it.
  RemoteJwksSource(std::function<void()> wake, uint64_t min_wake_interval_ms);

  JwksConstSharedPtr current() const override;
  void onUnknownKid() const override;
  // Main thread.
  void update(JwksConstSharedPtr jwks);

 private:
  const std::function<void()> wake_;
  const int64_t min_wake_interval_ms_;
  mutable std::atomic<int64_t> next_wake_allowed_ms_{0};
  mutable absl::Mutex mutex_;
  JwksConstSharedPtr jwks_ ABSL_GUARDED_BY(mutex_);
};

// One fetcher per JWKS URL on the main loop: fetches when a source is first asked for, every
// refresh interval, and soon after a source is woken by an unknown kid; keeps the last good set
// when a fetch fails (retrying sooner, with backoff). A URL's state outlives config reloads while
// some compiled config uses it. Main thread only.
class RemoteJwksRegistry {
 public:
  struct Options {
    uint64_t refresh_interval_ms = 300000;
    uint64_t min_wake_interval_ms = 10000;
    uint64_t first_retry_ms = 1000;
    uint64_t fetch_timeout_ms = 5000;
  };

  RemoteJwksRegistry(uv_loop_t* loop, upstream::HttpFetcher fetcher);
  ~RemoteJwksRegistry();
  RemoteJwksRegistry(const RemoteJwksRegistry&) = delete;
  RemoteJwksRegistry& operator=(const RemoteJwksRegistry&) = delete;

  std::shared_ptr<RemoteJwksSource> get(const std::string& url, const Options& options);
  size_t size() const { return fetchers_.size(); }

 private:
  class UrlFetcher;

  uv_loop_t* const loop_;
  const upstream::HttpFetcher fetcher_;
  std::map<std::string, std::unique_ptr<UrlFetcher>> fetchers_;
};

}  // namespace portico::filters::http::jwt
