#include "source/server/admin/admin_listener.h"

#include "absl/strings/str_cat.h"
#include "source/common/http/parser.h"
#include "source/common/http/serializer.h"
#include "source/common/network/connection.h"
#include "source/common/network/handle.h"
#include "source/common/network/timer.h"
#include "source/server/admin/bearer_token.h"
#include "source/server/admin/responses.h"
#include "source/server/proxy_settings.h"

namespace portico::server::admin {

class AdminListener::Session : public network::ConnectionCallbacks, public http::Parser::Callbacks {
 public:
  Session(AdminListener& listener, network::ConnectionPtr connection)
      : listener_(listener),
        connection_(std::move(connection)),
        parser_(http::Parser::Type::kRequest, this),
        idle_timer_(listener.loop_, [this] { listener_.remove(this); }) {
    connection_->setCallbacks(this);
    idle_timer_.arm(60000);
    if (listener_.security_.tls_context != nullptr) {
      connection_->startServerTls(listener_.security_.tls_context);
    }
  }

  void onData(const char* data, size_t length) override {
    idle_timer_.arm(60000);
    while (length > 0) {
      const http::Parser::Result result = parser_.execute(data, length);
      if (result.outcome == http::Parser::Outcome::kError) {
        reply(result.error_status, R"({"message":"Bad request"})", true);
        return;
      }
      if (result.outcome == http::Parser::Outcome::kNeedMore) {
        return;
      }
      data += result.consumed;
      length -= result.consumed;
      if (closing_) {
        return;
      }
      parser_.resume();
    }
  }

  void onClose(network::CloseReason, const std::string&) override { listener_.remove(this); }

  void onHead(http::MessageHead& head) override {
    request_ = AdminRequest();
    const size_t question = head.target.find('?');
    request_.method = head.method;
    request_.path = head.target.substr(0, question);
    if (question != std::string::npos) {
      request_.query = head.target.substr(question + 1);
    }
    request_.headers = std::move(head.headers);
    keep_alive_ = head.keep_alive;
    too_large_ = false;
  }

  void onBody(const char* data, size_t length) override {
    if (request_.body.size() + length > kMaxBodyBytes) {
      too_large_ = true;
      return;
    }
    request_.body.append(data, length);
  }

  void onMessageComplete() override {
    if (too_large_) {
      reply(413, R"({"message":"Payload too large"})", true);
      return;
    }
    AdminResponse response = authorized() ? listener_.api_.handle(request_) : unauthorized();
    http::MessageHead head;
    head.status = response.status;
    head.headers = std::move(response.headers);
    head.headers.set("Server", absl::StrCat(kProductName, "/", kProductVersion));
    head.headers.set("Access-Control-Allow-Origin", "*");
    head.headers.set("Content-Length", std::to_string(response.body.size()));
    head.headers.set("Connection", keep_alive_ ? "keep-alive" : "close");
    std::string out;
    http::serializeResponseHead(head, out);
    if (request_.method != "HEAD") {
      out += response.body;
    }
    connection_->write(out);
    if (!keep_alive_) {
      close();
    }
  }

 private:
  bool authorized() const {
    const std::string& token = listener_.security_.bearer_token;
    return token.empty() || bearerTokenMatches(request_.headers, token);
  }

  static AdminResponse unauthorized() {
    AdminResponse response = jsonResponse(401, {{"message", "Unauthorized"}});
    response.headers.set("WWW-Authenticate", R"(Bearer realm="portico-admin")");
    return response;
  }

  void reply(int status, std::string_view body, bool close_after) {
    http::MessageHead head;
    head.status = status;
    head.headers.add("Content-Type", "application/json; charset=utf-8");
    head.headers.add("Content-Length", std::to_string(body.size()));
    head.headers.add("Connection", "close");
    std::string out;
    http::serializeResponseHead(head, out);
    out.append(body);
    connection_->write(out);
    if (close_after) {
      close();
    }
  }

  void close() {
    closing_ = true;
    connection_->closeAfterFlush();
    listener_.remove(this);
  }

  AdminListener& listener_;
  network::ConnectionPtr connection_;
  http::Parser parser_;
  network::Timer idle_timer_;
  AdminRequest request_;
  bool keep_alive_ = true;
  bool too_large_ = false;
  bool closing_ = false;
};

AdminListener::AdminListener(uv_loop_t* loop, int fd, const AdminApi& api,
                             ListenerSecurity security)
    : loop_(loop), handle_(new uv_tcp_t), api_(api), security_(std::move(security)) {
  uv_tcp_init(loop, handle_);
  uv_tcp_open(handle_, fd);
  handle_->data = this;
  uv_listen(reinterpret_cast<uv_stream_t*>(handle_), 511, [](uv_stream_t* server, int status) {
    if (auto* self = static_cast<AdminListener*>(server->data); self != nullptr && status == 0) {
      self->onAccept();
    }
  });
}

AdminListener::~AdminListener() {
  network::closeAndDelete(handle_);
  sessions_.clear();
}

void AdminListener::onAccept() {
  network::ConnectionPtr connection =
      network::Connection::accept(reinterpret_cast<uv_stream_t*>(handle_), nullptr);
  if (connection == nullptr) {
    return;
  }
  auto session = std::make_unique<Session>(*this, std::move(connection));
  Session* raw = session.get();
  sessions_.emplace(raw, std::move(session));
}

void AdminListener::remove(Session* session) {
  auto it = sessions_.find(session);
  if (it == sessions_.end()) {
    return;
  }
  // Sessions remove themselves from inside their own callbacks: free them on the next turn.
  std::shared_ptr<Session> doomed(std::move(it->second));
  sessions_.erase(it);
  auto* idle = new uv_idle_t;
  uv_idle_init(loop_, idle);
  idle->data = new std::shared_ptr<Session>(std::move(doomed));
  uv_idle_start(idle, [](uv_idle_t* handle) {
    delete static_cast<std::shared_ptr<Session>*>(handle->data);
    handle->data = nullptr;
    uv_idle_stop(handle);
    uv_close(reinterpret_cast<uv_handle_t*>(handle),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_idle_t*>(h); });
  });
}

}  // namespace portico::server::admin
