#pragma once

#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "source/common/http/message_head.h"
#include "source/common/memory/recycled.h"

namespace portico::http {

// Streaming HTTP/1.x parser over llhttp (strict mode: ambiguous framing such as Content-Length
// with Transfer-Encoding, differing duplicate Content-Lengths or bad chunk sizes is an error).
// It stops after every complete message so that a pipelined next request waits until the
// current one has been answered; resume() lets it continue.
class Parser : public memory::Recycled<Parser> {
 public:
  enum class Type { kRequest, kResponse };

  class Callbacks {
   public:
    virtual ~Callbacks() = default;
    // The head is complete. `head` may be moved from.
    virtual void onHead(MessageHead& head) = 0;
    virtual void onBody(const char* data, size_t length) = 0;
    virtual void onMessageComplete() = 0;
  };

  struct Limits {
    size_t max_request_line = 8 * 1024;
    size_t max_header_bytes = 32 * 1024;
  };

  enum class Outcome { kNeedMore, kMessageDone, kError };
  struct Result {
    Outcome outcome = Outcome::kNeedMore;
    size_t consumed = 0;
    int error_status = 400;  // for kError: the status to answer with (400, 414, 431)
    std::string error_reason;
  };

  Parser(Type type, Callbacks* callbacks, Limits limits);
  Parser(Type type, Callbacks* callbacks) : Parser(type, callbacks, Limits()) {}
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  Result execute(const char* data, size_t length);
  // The peer closed: completes a message delimited by connection close.
  Result finish();
  // Continue after kMessageDone. After a request or response that asked to upgrade, the bytes
  // that follow are parsed as a new HTTP message: the caller that switches protocols does not
  // resume, and takes the unconsumed bytes as the new protocol's.
  void resume();
  // Responses only: the next response answers a HEAD request, so it has no body.
  void expectNoBody(bool no_body) { expect_no_body_ = no_body; }
  // True between the first byte of a message and its completion.
  bool inMessage() const { return in_message_; }

 private:
  static int onMessageBegin(llhttp_t* parser);
  static int onUrl(llhttp_t* parser, const char* at, size_t length);
  static int onStatus(llhttp_t* parser, const char* at, size_t length);
  static int onMethod(llhttp_t* parser, const char* at, size_t length);
  static int onHeaderField(llhttp_t* parser, const char* at, size_t length);
  static int onHeaderValue(llhttp_t* parser, const char* at, size_t length);
  static int onHeadersComplete(llhttp_t* parser);
  static int onBody(llhttp_t* parser, const char* at, size_t length);
  static int onMessageCompleteCb(llhttp_t* parser);

  bool countHeaderBytes(size_t length);
  Result translate(llhttp_errno_t error, const char* data, size_t length);

  static const llhttp_settings_t& settings();

  llhttp_t parser_;
  Callbacks* callbacks_;
  Limits limits_;
  // Emptied when a message ends. Proxied connections make a parser per request, so keeping the
  // head in place costs no idle memory and saves an allocation per message.
  MessageHead head_;
  bool last_was_value_ = false;
  bool in_message_ = false;
  bool expect_no_body_ = false;
  size_t header_bytes_ = 0;
  int limit_status_ = 0;
};

}  // namespace portico::http
