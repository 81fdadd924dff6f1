#include "source/filters/http/rate_limiting/redis_connection.h"

#include "absl/strings/str_cat.h"
#include "source/common/network/handle.h"

namespace portico::filters::http::rate_limiting {
namespace {

std::string formatCommand(const RedisCommand& command) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(command.size());
  lengths.reserve(command.size());
  for (const std::string& argument : command) {
    argv.push_back(argument.data());
    lengths.push_back(argument.size());
  }
  char* formatted = nullptr;
  const int length = redisFormatCommandArgv(&formatted, static_cast<int>(argv.size()), argv.data(),
                                            lengths.data());
  if (length < 0 || formatted == nullptr) {
    return {};
  }
  std::string bytes(formatted, static_cast<size_t>(length));
  redisFreeCommand(formatted);
  return bytes;
}

}  // namespace

RedisConnection::RedisConnection(uv_loop_t* loop, const RedisSettings& settings, Owner& owner)
    : loop_(loop),
      owner_(owner),
      timeout_ms_(settings.timeout_ms),
      timer_(loop, [this] { onTimer(); }),
      reader_(redisReaderCreate()),
      flush_(new uv_prepare_t) {
  uv_prepare_init(loop, flush_);
  flush_->data = this;
  queueHandshake(settings);
}

RedisConnection::~RedisConnection() {
  network::closeAndDelete(flush_);
  redisReaderFree(reader_);
}

void RedisConnection::queueHandshake(const RedisSettings& settings) {
  std::vector<RedisCommand> handshake;
  if (!settings.password.empty()) {
    if (settings.username.empty()) {
      handshake.push_back({"AUTH", settings.password});
    } else {
      handshake.push_back({"AUTH", settings.username, settings.password});
    }
  }
  if (settings.database != 0) {
    handshake.push_back({"SELECT", std::to_string(settings.database)});
  }
  // Also bounds the time to connect: the handshake's deadline runs from now.
  send(handshake, [this](absl::StatusOr<Replies> replies) {
    if (!replies.ok()) {
      return;
    }
    for (const ReplyPtr& reply : *replies) {
      if (reply->type == REDIS_REPLY_ERROR) {
        fail(absl::UnauthenticatedError(
            absl::StrCat("redis handshake failed: ", std::string(reply->str, reply->len))));
        return;
      }
    }
    ready_ = true;
  });
}

void RedisConnection::connect(const sockaddr* address, SSL_CTX* tls_context,
                              const std::string& server_name) {
  if (failed_) {
    return;
  }
  connection_ = network::Connection::connect(loop_, address, tls_context, server_name, this);
}

void RedisConnection::send(const std::vector<RedisCommand>& commands, ReplyCallback callback) {
  std::string bytes;
  for (const RedisCommand& command : commands) {
    bytes += formatCommand(command);
  }
  Waiting waiting;
  waiting.expected = commands.size();
  waiting.callback = std::move(callback);
  waiting.deadline_ms = uv_now(loop_) + timeout_ms_;
  if (waiting.expected == 0) {
    // Nothing to wait for (a handshake with neither AUTH nor SELECT): done once connected.
    waiting.expected = 1;
    bytes = formatCommand({"PING"});
  }
  waiting_.push_back(std::move(waiting));
  write(bytes);
  if (!timer_.armed()) {
    armTimer();
  }
}

void RedisConnection::write(const std::string& bytes) {
  unsent_ += bytes;
  if (connection_ != nullptr && connection_->connected()) {
    uv_prepare_start(flush_, [](uv_prepare_t* prepare) {
      if (auto* self = static_cast<RedisConnection*>(prepare->data)) {
        self->flush();
      }
    });
  }
}

void RedisConnection::flush() {
  uv_prepare_stop(flush_);
  if (!unsent_.empty() && connection_ != nullptr && connection_->connected()) {
    connection_->write(unsent_);
    unsent_.clear();
  }
}

void RedisConnection::onConnected() { flush(); }

void RedisConnection::onData(const char* data, size_t length) {
  if (failed_) {
    return;
  }
  if (redisReaderFeed(reader_, data, length) != REDIS_OK) {
    fail(absl::InternalError("redis: cannot buffer the reply"));
    return;
  }
  while (!failed_) {
    void* reply = nullptr;
    if (redisReaderGetReply(reader_, &reply) != REDIS_OK) {
      fail(absl::InternalError(absl::StrCat("redis protocol error: ", reader_->errstr)));
      return;
    }
    if (reply == nullptr) {
      return;
    }
    onReply(ReplyPtr(static_cast<redisReply*>(reply)));
  }
}

void RedisConnection::onReply(ReplyPtr reply) {
  if (waiting_.empty()) {
    fail(absl::InternalError("redis sent a reply nobody asked for"));
    return;
  }
  Waiting& front = waiting_.front();
  front.replies.push_back(std::move(reply));
  if (front.replies.size() < front.expected) {
    return;
  }
  Waiting done = std::move(front);
  waiting_.pop_front();
  timer_.disarm();
  armTimer();
  done.callback(std::move(done.replies));
}

void RedisConnection::onClose(network::CloseReason reason, const std::string& detail) {
  const char* what = reason == network::CloseReason::kConnectFailed ? "cannot connect to redis: "
                     : reason == network::CloseReason::kTlsFailed   ? "redis TLS failed: "
                                                                    : "redis connection lost: ";
  fail(absl::UnavailableError(absl::StrCat(what, detail)));
}

void RedisConnection::armTimer() {
  if (waiting_.empty() || failed_) {
    return;
  }
  const uint64_t now = uv_now(loop_);
  const uint64_t deadline = waiting_.front().deadline_ms;
  timer_.arm(deadline > now ? deadline - now : 0);
}

void RedisConnection::onTimer() {
  if (waiting_.empty()) {
    return;
  }
  if (waiting_.front().deadline_ms > uv_now(loop_)) {
    armTimer();
    return;
  }
  fail(absl::DeadlineExceededError(
      absl::StrCat("redis did not answer within ", timeout_ms_, " ms")));
}

void RedisConnection::fail(const absl::Status& status) {
  if (failed_) {
    return;
  }
  failed_ = true;
  const bool was_ready = ready_;
  ready_ = false;
  timer_.disarm();
  uv_prepare_stop(flush_);
  std::deque<Waiting> waiting = std::move(waiting_);
  waiting_.clear();
  for (Waiting& request : waiting) {
    request.callback(status);
  }
  owner_.onConnectionFailed(*this, was_ready);
}

}  // namespace portico::filters::http::rate_limiting
