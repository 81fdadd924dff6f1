#pragma once

#include <memory>
#include <optional>
#include <string>

#include "source/http/filter.h"
#include "source/http/loop_services.h"
#include "source/http/stream_context.h"
#include "source/upstream/upstreams.h"

namespace portico::test {

// Records what a filter asks of its stream instead of answering a client.
class FakeStreamCallbacks : public portico::http::StreamCallbacks {
 public:
  struct Reply {
    int status = 0;
    portico::http::HeaderMap headers;
    std::string body;
    bool local = false;  // sendLocalReply (PDK error) rather than sendResponse (exit)
  };

  explicit FakeStreamCallbacks(uv_loop_t* loop = nullptr) : loop_(loop) {}

  uv_loop_t* loop() override { return loop_; }
  // Created on first use, on the fake's loop.
  portico::upstream::Upstreams& upstreams() override {
    if (upstreams_ == nullptr) {
      upstreams_ = std::make_unique<portico::upstream::Upstreams>(loop_, 8, 60000);
    }
    return *upstreams_;
  }
  portico::http::LoopServices& loopServices() override {
    if (services_ == nullptr) {
      services_ =
          std::make_unique<portico::http::LoopServices>(loop_, upstreams().resolver, nullptr);
    }
    return *services_;
  }
  portico::http::StreamContext& context() override { return context_; }
  void continueRequest() override { ++continued_; }
  void sendLocalReply(int status, std::string_view message,
                      portico::http::HeaderMap extra_headers) override {
    reply_ = Reply{status, std::move(extra_headers), std::string(message), true};
  }
  void sendGatewayError(int status, std::string_view message) override {
    reply_ = Reply{status, {}, std::string(message), true};
  }
  void sendResponse(int status, portico::http::HeaderMap headers, std::string body) override {
    reply_ = Reply{status, std::move(headers), std::move(body), false};
  }
  void encodeHeaders(portico::http::MessageHead&, bool) override {}
  void encodeData(const char*, size_t, bool) override {}
  void corkDownstream(bool) override {}
  bool downstreamAboveHighWatermark() const override { return false; }
  void requestBodyReadEnable(bool) override {}
  void takeRequestBody(portico::http::HttpFilter& filter) override { body_taker_ = &filter; }

  const std::optional<Reply>& reply() const { return reply_; }
  void clearReply() { reply_.reset(); }
  int continued() const { return continued_; }
  portico::http::HttpFilter* bodyTaker() const { return body_taker_; }

 private:
  uv_loop_t* loop_;
  std::unique_ptr<portico::upstream::Upstreams> upstreams_;
  std::unique_ptr<portico::http::LoopServices> services_;
  portico::http::HttpFilter* body_taker_ = nullptr;
  portico::http::StreamContext context_;
  std::optional<Reply> reply_;
  int continued_ = 0;
};

}  // namespace portico::test
