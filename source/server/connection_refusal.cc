#include "source/server/connection_refusal.h"

#include "source/common/http/error_body.h"
#include "source/common/http/parser.h"
#include "source/server/closing_error_response.h"
#include "source/server/stats/counter_family.h"

namespace portico::server {
namespace {

const stats::CounterFamily kRefused(
    "portico_connections_refused_total",
    "Client connections answered 503 and closed because their worker held "
    "nginx_events_worker_connections already",
    {});

constexpr std::string_view kMessage = "Too many connections";

}  // namespace

class ConnectionRefusals::Refusal : public network::ConnectionCallbacks,
                                    public http::Parser::Callbacks {
 public:
  Refusal(ConnectionRefusals& owner, network::ConnectionPtr connection)
      : owner_(owner),
        connection_(std::move(connection)),
        parser_(http::Parser::Type::kRequest, this),
        format_(owner.settings_.error_default_format),
        head_timer_(owner.loop_, [this] { answer(); }) {
    connection_->setCallbacks(this);
  }

  void start(bool wait_for_head) {
    if (wait_for_head) {
      head_timer_.arm(kHeadWaitMs);
    } else {
      answer();
    }
  }

  void onData(const char* data, size_t length) override {
    if (answered_) {
      return;
    }
    const http::Parser::Result result = parser_.execute(data, length);
    if (have_head_ || result.outcome != http::Parser::Outcome::kNeedMore) {
      answer();
    }
  }

  void onClose(network::CloseReason, const std::string&) override {
    answered_ = true;
    owner_.finish(this);
  }

  void onHead(http::MessageHead& head) override {
    format_ = http::formatForProxyError(head.headers, owner_.settings_.error_default_format);
    have_head_ = true;
  }
  void onBody(const char*, size_t) override {}
  void onMessageComplete() override {}

 private:
  void answer() {
    if (answered_) {
      return;
    }
    answered_ = true;
    head_timer_.disarm();
    connection_->write(
        closingErrorResponse(503, kMessage, format_, owner_.settings_, owner_.next_request_id_()));
    connection_->closeAfterFlush();
    owner_.finish(this);
  }

  ConnectionRefusals& owner_;
  network::ConnectionPtr connection_;
  http::Parser parser_;
  http::ErrorFormat format_;
  network::Timer head_timer_;
  bool have_head_ = false;
  bool answered_ = false;
};

ConnectionRefusals::ConnectionRefusals(uv_loop_t* loop, const ProxySettings& settings,
                                       std::function<http::RequestId()> next_request_id)
    : loop_(loop),
      settings_(settings),
      next_request_id_(std::move(next_request_id)),
      reaper_(loop, [this] { finished_.clear(); }) {}

ConnectionRefusals::~ConnectionRefusals() = default;

void ConnectionRefusals::refuse(network::ConnectionPtr connection) {
  kRefused.increment({});
  const bool wait_for_head = refusals_.size() < kMaxWaiting;
  auto refusal = std::make_unique<Refusal>(*this, std::move(connection));
  Refusal* raw = refusal.get();
  refusals_.emplace(raw, std::move(refusal));
  raw->start(wait_for_head);
}

void ConnectionRefusals::finish(Refusal* refusal) {
  auto it = refusals_.find(refusal);
  if (it == refusals_.end()) {
    return;
  }
  finished_.push_back(std::move(it->second));
  refusals_.erase(it);
  reaper_.arm(0);
}

}  // namespace portico::server
