#pragma once

#include <optional>
#include <string>

#include "source/http/filter.h"
#include "source/http/stream_context.h"

namespace portico::filters::http::jwt::testing {

// Records what a filter asks of its stream instead of answering a client.
class FakeStreamCallbacks : public portico::http::StreamCallbacks {
 public:
  struct Reply {
    int status = 0;
    portico::http::HeaderMap headers;
    std::string body;
    bool local = false;  // sendLocalReply (PDK error) rather than sendResponse (exit)
  };

  uv_loop_t* loop() override { return nullptr; }
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

  const std::optional<Reply>& reply() const { return reply_; }
  void clearReply() { reply_.reset(); }
  int continued() const { return continued_; }

 private:
  portico::http::StreamContext context_;
  std::optional<Reply> reply_;
  int continued_ = 0;
};

}  // namespace portico::filters::http::jwt::testing
