#include "source/filters/http/rate_limiting/redis_client.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace portico::filters::http::rate_limiting {
namespace {

constexpr uint64_t kFirstBackoffMs = 50;
constexpr uint64_t kMaxBackoffMs = 1000;

}  // namespace

RedisClient::RedisClient(uv_loop_t* loop, RedisSettings settings, upstream::Resolver& resolver)
    : loop_(loop),
      settings_(std::move(settings)),
      resolver_(resolver),
      posted_timer_(loop, [this] { runPosted(); }),
      alive_(std::make_shared<RedisClient*>(this)) {
  if (settings_.ssl) {
    tls::ClientOptions options;
    options.verify = settings_.ssl_verify;
    absl::StatusOr<tls::SslCtxPtr> context = tls::makeClientContext(options);
    if (context.ok()) {
      tls_context_ = std::move(*context);
    } else {
      tls_error_ = std::string(context.status().message());
    }
  }
}

RedisClient::~RedisClient() = default;

void RedisClient::execute(const std::vector<RedisCommand>& commands, ReplyCallback callback) {
  failed_.clear();
  if (!tls_error_.empty()) {
    post([callback = std::move(callback), error = tls_error_] {
      callback(absl::InternalError(absl::StrCat("redis TLS setup failed: ", error)));
    });
    return;
  }
  if (connections_.empty() && uv_now(loop_) < retry_after_ms_) {
    post([callback = std::move(callback)] {
      callback(absl::UnavailableError("redis is unreachable (waiting before reconnecting)"));
    });
    return;
  }
  pick().send(commands, std::move(callback));
}

RedisConnection& RedisClient::pick() {
  RedisConnection* best = nullptr;
  for (const auto& connection : connections_) {
    if (connection->failed()) {
      continue;  // failing right now: its requests are being called back
    }
    if (best == nullptr || connection->waitingRequests() < best->waitingRequests()) {
      best = connection.get();
    }
  }
  if (best == nullptr ||
      (best->waitingRequests() > 0 && connections_.size() < kMaxConnections && best->ready())) {
    return open();
  }
  return *best;
}

RedisConnection& RedisClient::open() {
  connections_.push_back(std::make_unique<RedisConnection>(loop_, settings_, *this));
  RedisConnection* connection = connections_.back().get();
  const std::string& server_name =
      settings_.server_name.empty() ? settings_.host : settings_.server_name;
  std::weak_ptr<RedisClient*> weak = alive_;
  resolver_.resolve(
      settings_.host, settings_.port,
      [this, weak, connection, server_name](const upstream::Resolver::Result& result) {
        if (weak.expired()) {
          return;
        }
        // The connection may have failed (timed out) while the name resolved.
        auto it = std::find_if(connections_.begin(), connections_.end(),
                               [connection](const auto& c) { return c.get() == connection; });
        if (it == connections_.end()) {
          return;
        }
        if (result.outcome != upstream::Resolver::Outcome::kOk) {
          post([weak, connection, error = result.error, this] {
            if (!weak.expired() && !connection->failed()) {
              connection->fail(absl::UnavailableError(
                  absl::StrCat("cannot resolve redis host ", settings_.host, ": ", error)));
            }
          });
          return;
        }
        connection->connect(reinterpret_cast<const sockaddr*>(&result.address), tls_context_.get(),
                            server_name);
      });
  return *connection;
}

void RedisClient::onConnectionFailed(RedisConnection& connection, bool was_ready) {
  auto it = std::find_if(connections_.begin(), connections_.end(),
                         [&connection](const auto& c) { return c.get() == &connection; });
  if (it == connections_.end()) {
    return;
  }
  failed_.push_back(std::move(*it));
  connections_.erase(it);
  if (was_ready) {
    backoff_ms_ = 0;
  } else {
    backoff_ms_ = backoff_ms_ == 0 ? kFirstBackoffMs : std::min(kMaxBackoffMs, backoff_ms_ * 2);
    retry_after_ms_ = uv_now(loop_) + backoff_ms_;
  }
  post([] {});  // frees the failed connection on the next loop turn
}

void RedisClient::post(std::function<void()> task) {
  posted_.push_back(std::move(task));
  if (!posted_timer_.armed()) {
    posted_timer_.arm(0);
  }
}

void RedisClient::runPosted() {
  failed_.clear();
  std::vector<std::function<void()>> tasks = std::move(posted_);
  posted_.clear();
  for (auto& task : tasks) {
    task();
  }
}

}  // namespace portico::filters::http::rate_limiting
