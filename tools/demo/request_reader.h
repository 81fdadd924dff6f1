#pragma once

#include <llhttp.h>

#include <string>

#include "tools/demo/http_message.h"
#include "tools/demo/stream.h"

namespace portico::demo {

// Reads successive HTTP/1.1 requests (pipelined or not) from a stream with llhttp.
class RequestReader {
 public:
  enum class Result { kRequest, kClosed, kBadRequest, kHeadersTooLarge, kBodyTooLarge };

  explicit RequestReader(Stream& stream);
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  Result next(Request& request);

 private:
  static int onUrl(llhttp_t* parser, const char* at, size_t length);
  static int onHeaderField(llhttp_t* parser, const char* at, size_t length);
  static int onHeaderValue(llhttp_t* parser, const char* at, size_t length);
  static int onHeaderValueComplete(llhttp_t* parser);
  static int onBody(llhttp_t* parser, const char* at, size_t length);
  static int onMessageComplete(llhttp_t* parser);

  bool addHeadBytes(size_t length);

  Stream& stream_;
  llhttp_settings_t settings_;
  llhttp_t parser_;
  std::string pending_;  // bytes read but not yet parsed (the start of a pipelined request)
  Request* current_ = nullptr;
  size_t head_bytes_ = 0;
  bool header_complete_ = false;
  bool complete_ = false;
  Result overflow_ = Result::kRequest;
};

}  // namespace portico::demo
