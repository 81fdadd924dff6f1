#include "tools/demo/request_reader.h"

namespace portico::demo {
namespace {

// Demo limits: enough for any browser or curl request, small enough to refuse abuse.
constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr size_t kMaxBodyBytes = 8 * 1024 * 1024;
constexpr size_t kReadSize = 16 * 1024;

RequestReader& readerOf(llhttp_t* parser) { return *static_cast<RequestReader*>(parser->data); }

}  // namespace

RequestReader::RequestReader(Stream& stream) : stream_(stream) {
  llhttp_settings_init(&settings_);
  settings_.on_url = &RequestReader::onUrl;
  settings_.on_header_field = &RequestReader::onHeaderField;
  settings_.on_header_value = &RequestReader::onHeaderValue;
  settings_.on_header_value_complete = &RequestReader::onHeaderValueComplete;
  settings_.on_body = &RequestReader::onBody;
  settings_.on_message_complete = &RequestReader::onMessageComplete;
  llhttp_init(&parser_, HTTP_REQUEST, &settings_);
  parser_.data = this;
}

RequestReader::Result RequestReader::next(Request& request) {
  request = Request{};
  current_ = &request;
  head_bytes_ = 0;
  header_complete_ = false;
  complete_ = false;
  overflow_ = Result::kRequest;

  std::string data = std::move(pending_);
  pending_.clear();
  char buffer[kReadSize];
  while (true) {
    if (!data.empty()) {
      const llhttp_errno_t err = llhttp_execute(&parser_, data.data(), data.size());
      if (err == HPE_PAUSED) {
        const size_t used = static_cast<size_t>(llhttp_get_error_pos(&parser_) - data.data());
        pending_ = data.substr(used);
        llhttp_resume(&parser_);
      } else if (err != HPE_OK) {
        return overflow_ != Result::kRequest ? overflow_ : Result::kBadRequest;
      }
      data.clear();
    }
    if (complete_) {
      request.method = llhttp_method_name(static_cast<llhttp_method_t>(parser_.method));
      return Result::kRequest;
    }
    const long n = stream_.read(buffer, sizeof(buffer));
    if (n <= 0) {
      return Result::kClosed;
    }
    data.assign(buffer, static_cast<size_t>(n));
  }
}

bool RequestReader::addHeadBytes(size_t length) {
  head_bytes_ += length;
  if (head_bytes_ > kMaxHeadBytes) {
    overflow_ = Result::kHeadersTooLarge;
    return false;
  }
  return true;
}

int RequestReader::onUrl(llhttp_t* parser, const char* at, size_t length) {
  RequestReader& self = readerOf(parser);
  if (!self.addHeadBytes(length)) {
    return -1;
  }
  self.current_->target.append(at, length);
  return 0;
}

int RequestReader::onHeaderField(llhttp_t* parser, const char* at, size_t length) {
  RequestReader& self = readerOf(parser);
  if (!self.addHeadBytes(length)) {
    return -1;
  }
  auto& headers = self.current_->headers;
  if (headers.empty() || self.header_complete_) {
    headers.emplace_back();
    self.header_complete_ = false;
  }
  headers.back().first.append(at, length);
  return 0;
}

int RequestReader::onHeaderValue(llhttp_t* parser, const char* at, size_t length) {
  RequestReader& self = readerOf(parser);
  if (!self.addHeadBytes(length)) {
    return -1;
  }
  if (self.current_->headers.empty()) {
    return -1;
  }
  self.current_->headers.back().second.append(at, length);
  return 0;
}

int RequestReader::onHeaderValueComplete(llhttp_t* parser) {
  readerOf(parser).header_complete_ = true;
  return 0;
}

int RequestReader::onBody(llhttp_t* parser, const char* at, size_t length) {
  RequestReader& self = readerOf(parser);
  if (self.current_->body.size() + length > kMaxBodyBytes) {
    self.overflow_ = Result::kBodyTooLarge;
    return -1;
  }
  self.current_->body.append(at, length);
  return 0;
}

int RequestReader::onMessageComplete(llhttp_t* parser) {
  RequestReader& self = readerOf(parser);
  self.complete_ = true;
  self.current_->keep_alive = llhttp_should_keep_alive(parser) != 0;
  return HPE_PAUSED;
}

}  // namespace portico::demo
