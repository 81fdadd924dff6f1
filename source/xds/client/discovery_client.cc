#include "source/xds/client/discovery_client.h"

#include <condition_variable>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "source/common/log/logger.h"
#include "source/common/network/handle.h"
#include "source/xds/resources.h"

namespace portico::xds {
namespace {

using envoy::service::discovery::v3::DiscoveryRequest;
using envoy::service::discovery::v3::DiscoveryResponse;

constexpr int kMaxResponseBytes = 256 * 1024 * 1024;

}  // namespace

// What a stream's gRPC callbacks hand to the main loop.
struct DiscoveryClient::Event {
  const Stream* stream = nullptr;
  std::optional<DiscoveryResponse> response;
  std::optional<grpc::Status> closed;
};

class DiscoveryClient::Stream
    : public grpc::ClientBidiReactor<DiscoveryRequest, DiscoveryResponse> {
 public:
  explicit Stream(DiscoveryClient& client) : client_(client) {}

  void begin(envoy::service::discovery::v3::AggregatedDiscoveryService::Stub& stub) {
    stub.async()->StreamAggregatedResources(&context_, this);
    // gRPC frees the call right after OnDone, and a write started from the main thread could
    // race with it: the hold keeps OnDone back until the read side has failed and no write can
    // start any more (see endWrites).
    AddHold();
    StartRead(&response_);
    StartCall();
  }

  // Main thread. Requests leave one at a time, in order.
  void send(DiscoveryRequest request) {
    std::lock_guard<std::mutex> lock(mutex_);
    writes_.push_back(std::move(request));
    if (!writing_ && !finished_) {
      writing_ = true;
      StartWrite(&writes_.front());
    }
  }

  void cancel() { context_.TryCancel(); }

  void waitDone() {
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, [this] { return done_; });
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      endWrites();  // the stream is ending; OnDone follows
      return;
    }
    auto event = std::make_unique<Event>();
    event->stream = this;
    event->response = std::move(response_);
    client_.post(std::move(event));
    response_.Clear();
    StartRead(&response_);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mutex_);
    writes_.pop_front();
    if (!ok) {
      finished_ = true;
    }
    writing_ = !finished_ && !writes_.empty();
    if (writing_) {
      StartWrite(&writes_.front());
    }
  }

  // gRPC thread, once: no write starts after this, and OnDone may come once those in flight end.
  void endWrites() {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
    RemoveHold();
  }

  void OnDone(const grpc::Status& status) override {
    auto event = std::make_unique<Event>();
    event->stream = this;
    event->closed = status;
    client_.post(std::move(event));
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    done_cv_.notify_all();
  }

 private:
  DiscoveryClient& client_;
  grpc::ClientContext context_;
  DiscoveryResponse response_;
  std::mutex mutex_;
  std::deque<DiscoveryRequest> writes_;
  bool writing_ = false;
  bool finished_ = false;
  bool done_ = false;
  std::condition_variable done_cv_;
};

DiscoveryClient::DiscoveryClient(uv_loop_t* loop, Options options, Applier apply, Config current)
    : loop_(loop),
      options_(std::move(options)),
      apply_(std::move(apply)),
      wake_(new uv_async_t),
      reconnect_timer_(new uv_timer_t),
      backoff_ms_(options_.initial_backoff_ms),
      jitter_(std::random_device()()) {
  uv_async_init(loop_, wake_, &DiscoveryClient::onEvents);
  wake_->data = this;
  uv_timer_init(loop_, reconnect_timer_);
  reconnect_timer_->data = this;
  if (current != nullptr) {
    accepted_ = *current;
    version_ = current->config_hash();
  }
  pending_ = accepted_;
}

DiscoveryClient::~DiscoveryClient() {
  if (stream_ != nullptr) {
    stream_->cancel();
    stream_->waitDone();
  }
  network::closeAndDelete(wake_);
  network::closeAndDelete(reconnect_timer_);
}

void DiscoveryClient::start() {
  grpc::ChannelArguments arguments;
  // One response carries every resource of a type: 10,000 routes are well past gRPC's 4 MiB.
  arguments.SetMaxReceiveMessageSize(kMaxResponseBytes);
  // gRPC's own reconnect backoff (1 s growing to 120 s) would otherwise run under ours: a stream
  // started while the channel waits fails at once and wastes the retry.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
                   static_cast<int>(options_.initial_backoff_ms));
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS,
                   static_cast<int>(options_.initial_backoff_ms));
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(options_.max_backoff_ms));
  channel_ = grpc::CreateCustomChannel(options_.target, options_.credentials, arguments);
  stub_ = envoy::service::discovery::v3::AggregatedDiscoveryService::NewStub(channel_);
  connect();
}

void DiscoveryClient::post(std::unique_ptr<Event> event) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(std::move(event));
  }
  uv_async_send(wake_);
}

void DiscoveryClient::onEvents(uv_async_t* async) {
  static_cast<DiscoveryClient*>(async->data)->drainEvents();
}

void DiscoveryClient::drainEvents() {
  std::deque<std::unique_ptr<Event>> events;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    events.swap(events_);
  }
  for (std::unique_ptr<Event>& event : events) {
    if (event->stream != stream_.get()) {
      continue;  // from a stream already replaced
    }
    if (event->response) {
      onResponse(std::move(*event->response));
    } else if (event->closed) {
      onStreamClosed(*event->closed);
    }
  }
}

void DiscoveryClient::connect() {
  if (stream_ != nullptr) {
    stream_->waitDone();  // it reported OnDone already; its thread may still be returning
  }
  // Our backoff decided it is time: the channel must try now, not at the end of its own backoff.
  grpc::experimental::ChannelResetConnectionBackoff(channel_.get());
  stream_ = std::make_shared<Stream>(*this);
  stream_->begin(*stub_);
  bool first = true;
  for (const std::string& type_url : resourceTypes()) {
    DiscoveryRequest request;
    request.set_type_url(type_url);
    request.set_version_info(version_);
    if (first) {
      *request.mutable_node() = options_.node;
      first = false;
    }
    stream_->send(std::move(request));
  }
}

void DiscoveryClient::onResponse(DiscoveryResponse response) {
  if (!connected_) {
    connected_ = true;
    log::notice(absl::StrCat("control plane ", options_.target, " connected"));
  }
  backoff_ms_ = options_.initial_backoff_ms;
  TypeState& type = types_[response.type_url()];
  type.nonce = response.nonce();
  absl::Status decoded = setResources(response.type_url(), response.resources(), pending_);
  if (!decoded.ok()) {
    nack(response.type_url(), response.nonce(), std::string(decoded.message()));
    return;
  }
  type.pending_version = response.version_info();
  applyIfComplete(response.version_info());
}

void DiscoveryClient::applyIfComplete(const std::string& version) {
  for (const std::string& type_url : resourceTypes()) {
    if (types_[type_url].pending_version != version) {
      return;  // the rest of this version is on its way
    }
  }
  absl::Status status = absl::OkStatus();
  if (version != version_) {
    status = checkReferences(pending_);
    if (status.ok()) {
      auto config = std::make_shared<config::v1::DeclarativeConfig>(pending_);
      config->set_config_hash(version);
      status = apply_(std::move(config));
    }
  }
  if (!status.ok()) {
    log::error(absl::StrCat("config version ", version,
                            " from the control plane refused: ", status.message()));
    pending_ = accepted_;
    for (const std::string& type_url : resourceTypes()) {
      TypeState& type = types_[type_url];
      type.pending_version.clear();
      nack(type_url, type.nonce, std::string(status.message()));
    }
    return;
  }
  if (version != version_) {
    log::notice(absl::StrCat("config version ", version, " from the control plane applied"));
  }
  accepted_ = pending_;
  version_ = version;
  for (const std::string& type_url : resourceTypes()) {
    ack(type_url, version, types_[type_url].nonce);
  }
}

void DiscoveryClient::ack(const std::string& type_url, const std::string& version,
                          const std::string& nonce) {
  DiscoveryRequest request;
  request.set_type_url(type_url);
  request.set_version_info(version);
  request.set_response_nonce(nonce);
  stream_->send(std::move(request));
}

void DiscoveryClient::nack(const std::string& type_url, const std::string& nonce,
                           const std::string& error) {
  DiscoveryRequest request;
  request.set_type_url(type_url);
  request.set_version_info(version_);
  request.set_response_nonce(nonce);
  request.mutable_error_detail()->set_code(static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  request.mutable_error_detail()->set_message(error);
  stream_->send(std::move(request));
}

void DiscoveryClient::onStreamClosed(const grpc::Status& status) {
  if (connected_) {
    log::warn(absl::StrCat("control plane ", options_.target, " disconnected (",
                           status.error_message(), "); serving config version ",
                           version_.empty() ? "(none)" : version_));
  }
  connected_ = false;
  for (auto& [type_url, type] : types_) {
    type.pending_version.clear();
  }
  pending_ = accepted_;
  scheduleReconnect();
}

void DiscoveryClient::scheduleReconnect() {
  // Full jitter in the upper half: many data planes losing one control plane do not come back in
  // step.
  std::uniform_int_distribution<uint64_t> spread(backoff_ms_ / 2, backoff_ms_);
  const uint64_t delay = spread(jitter_);
  backoff_ms_ = std::min(backoff_ms_ * 2, options_.max_backoff_ms);
  uv_timer_start(
      reconnect_timer_,
      [](uv_timer_t* timer) { static_cast<DiscoveryClient*>(timer->data)->connect(); }, delay, 0);
}

}  // namespace portico::xds
