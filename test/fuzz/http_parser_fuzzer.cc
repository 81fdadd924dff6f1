// libFuzzer target for the HTTP/1.1 request parser: arbitrary bytes are fed as HttpConnection
// feeds them (resuming after each pipelined request), once in one call, once split at a point
// derived from the data and once a byte at a time. Every feeding must reach the same verdict (the
// same requests with the same heads and bodies, then an error or the wait for more), or a request
// could be framed differently depending on how TCP segmented it: request smuggling.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "source/common/http/message_head.h"
#include "source/common/http/parser.h"

namespace {

using portico::http::HeaderMap;
using portico::http::MessageHead;
using portico::http::Parser;

// Small limits, so that short inputs reach the 414 and 431 paths.
constexpr Parser::Limits kLimits{256, 1024};
// A byte at a time costs a callback round per byte: long inputs are fed that way only in part.
constexpr size_t kBytewiseLimit = 4096;

struct Request {
  std::string method;
  std::string target;
  int version = 0;
  HeaderMap::Entries headers;
  bool keep_alive = false;
  bool chunked = false;
  std::optional<uint64_t> content_length;
  bool upgrade = false;
  std::string body;
  bool complete = false;

  bool operator==(const Request& other) const {
    return method == other.method && target == other.target && version == other.version &&
           headers == other.headers && keep_alive == other.keep_alive && chunked == other.chunked &&
           content_length == other.content_length && upgrade == other.upgrade &&
           body == other.body && complete == other.complete;
  }
};

struct Verdict {
  std::vector<Request> requests;
  bool error = false;
  int error_status = 0;

  bool operator==(const Verdict& other) const {
    return requests == other.requests && error == other.error && error_status == other.error_status;
  }
};

class Recorder : public Parser::Callbacks {
 public:
  explicit Recorder(Verdict& verdict) : verdict_(verdict) {}

  void onHead(MessageHead& head) override {
    Request request;
    request.method = head.method;
    request.target = head.target;
    request.version = head.version_major * 10 + head.version_minor;
    request.headers = head.headers.entries();
    request.keep_alive = head.keep_alive;
    request.chunked = head.chunked;
    request.content_length = head.content_length;
    request.upgrade = head.upgrade;
    verdict_.requests.push_back(std::move(request));
  }

  void onBody(const char* data, size_t length) override {
    if (verdict_.requests.empty()) {
      __builtin_trap();
    }
    verdict_.requests.back().body.append(data, length);
  }

  void onMessageComplete() override {
    if (verdict_.requests.empty()) {
      __builtin_trap();
    }
    verdict_.requests.back().complete = true;
  }

 private:
  Verdict& verdict_;
};

class Feeder {
 public:
  Feeder() : recorder_(verdict_), parser_(Parser::Type::kRequest, &recorder_, kLimits) {}

  // Returns false once the parser has failed: nothing more is fed.
  bool feed(const char* data, size_t length) {
    if (verdict_.error) {
      return false;
    }
    // Every pipelined request consumes at least one byte, so this bounds the loop.
    const size_t max_rounds = length + 1;
    size_t rounds = 0;
    while (true) {
      if (++rounds > max_rounds) {
        __builtin_trap();
      }
      const Parser::Result result = parser_.execute(data, length);
      if (result.consumed > length) {
        __builtin_trap();
      }
      switch (result.outcome) {
        case Parser::Outcome::kNeedMore:
          return true;
        case Parser::Outcome::kError:
          if (result.error_status != 400 && result.error_status != 414 &&
              result.error_status != 431) {
            __builtin_trap();
          }
          verdict_.error = true;
          return false;
        case Parser::Outcome::kMessageDone:
          parser_.resume();
          data += result.consumed;
          length -= result.consumed;
          if (length == 0) {
            return true;
          }
          break;
      }
    }
  }

  const Verdict& verdict() const { return verdict_; }

 private:
  Verdict verdict_;
  Recorder recorder_;
  Parser parser_;
};

Verdict feedWhole(const char* data, size_t size) {
  Feeder feeder;
  feeder.feed(data, size);
  return feeder.verdict();
}

Verdict feedSplit(const char* data, size_t size, size_t split) {
  Feeder feeder;
  if (feeder.feed(data, split)) {
    feeder.feed(data + split, size - split);
  }
  return feeder.verdict();
}

Verdict feedBytewise(const char* data, size_t size) {
  Feeder feeder;
  for (size_t i = 0; i < size && feeder.feed(data + i, 1); ++i) {
  }
  return feeder.verdict();
}

// Framing the parser must never accept, whatever the segmentation.
void checkFraming(const Verdict& verdict) {
  for (const Request& request : verdict.requests) {
    if (request.chunked && request.content_length) {
      __builtin_trap();  // Content-Length with Transfer-Encoding: chunked
    }
    if (request.complete && !request.chunked && !request.upgrade && request.content_length &&
        request.body.size() != *request.content_length) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* input = reinterpret_cast<const char*>(data);
  const Verdict whole = feedWhole(input, size);
  checkFraming(whole);
  if (size > 0) {
    // The last byte moves the split, so the fuzzer can steer it without rewriting the message.
    const size_t split = (data[size - 1] * 131u + size) % (size + 1);
    if (!(feedSplit(input, size, split) == whole)) {
      __builtin_trap();
    }
  }
  if (size <= kBytewiseLimit && !(feedBytewise(input, size) == whole)) {
    __builtin_trap();
  }
  return 0;
}
