#include "source/common/http/parser.h"

#include <string_view>

namespace portico::http {
namespace {

Parser* self(llhttp_t* parser) { return static_cast<Parser*>(parser->data); }

// RFC 9110 §5.6.2 tchar, as a table: every header name of every request is checked, byte by byte.
struct TokenChars {
  bool allowed[256];
  constexpr TokenChars() : allowed() {
    for (int c = '0'; c <= '9'; ++c) {
      allowed[c] = true;
    }
    for (int c = 'a'; c <= 'z'; ++c) {
      allowed[c] = true;
      allowed[c - 'a' + 'A'] = true;
    }
    for (const char c : std::string_view("!#$%&'*+-.^_`|~")) {
      allowed[static_cast<unsigned char>(c)] = true;
    }
  }
};
constexpr TokenChars kTokenChars;

bool isToken(const std::string& name) {
  if (name.empty()) {
    return false;
  }
  for (const char c : name) {
    if (!kTokenChars.allowed[static_cast<unsigned char>(c)]) {
      return false;
    }
  }
  return true;
}

// Framing a request could be read two ways by the parsers behind the gateway: a field name that
// is not a token (llhttp lets "Content Length" through, and it would be forwarded), or a
// Transfer-Encoding whose final coding is not chunked (RFC 9112 §6.3: 400 and close).
bool ambiguousRequestHead(const llhttp_t& parser, const MessageHead& head) {
  if ((parser.flags & F_TRANSFER_ENCODING) != 0 && (parser.flags & F_CHUNKED) == 0) {
    return true;
  }
  for (const HeaderMap::Entry& entry : head.headers.entries()) {
    if (!isToken(entry.first)) {
      return true;
    }
  }
  return false;
}

}  // namespace

// One callback table for every parser: it is 200-odd bytes that an idle connection need not own.
const llhttp_settings_t& Parser::settings() {
  static const llhttp_settings_t settings = [] {
    llhttp_settings_t table;
    llhttp_settings_init(&table);
    table.on_message_begin = &Parser::onMessageBegin;
    table.on_url = &Parser::onUrl;
    table.on_status = &Parser::onStatus;
    table.on_header_field = &Parser::onHeaderField;
    table.on_header_value = &Parser::onHeaderValue;
    table.on_headers_complete = &Parser::onHeadersComplete;
    table.on_body = &Parser::onBody;
    table.on_message_complete = &Parser::onMessageCompleteCb;
    return table;
  }();
  return settings;
}

Parser::Parser(Type type, Callbacks* callbacks, Limits limits)
    : callbacks_(callbacks), limits_(limits) {
  llhttp_init(&parser_, type == Type::kRequest ? HTTP_REQUEST : HTTP_RESPONSE, &settings());
  parser_.data = this;
}

int Parser::onMessageBegin(llhttp_t* parser) {
  Parser* p = self(parser);
  // head_ is already empty: a new parser's is, and each message's completion empties it (an
  // error ends parsing for good, and an upgrade's message completes before it is resumed).
  p->head_.headers.reserveTypical();
  p->in_message_ = true;
  p->last_was_value_ = false;
  p->header_bytes_ = 0;
  return HPE_OK;
}

bool Parser::countHeaderBytes(size_t length) {
  header_bytes_ += length;
  if (header_bytes_ > limits_.max_header_bytes) {
    limit_status_ = 431;
    return false;
  }
  return true;
}

int Parser::onUrl(llhttp_t* parser, const char* at, size_t length) {
  Parser* p = self(parser);
  p->head_.target.append(at, length);
  if (p->head_.target.size() > p->limits_.max_request_line) {
    p->limit_status_ = 414;
    return HPE_USER;
  }
  return p->countHeaderBytes(length) ? HPE_OK : HPE_USER;
}

int Parser::onStatus(llhttp_t* parser, const char* at, size_t length) {
  Parser* p = self(parser);
  p->head_.reason.append(at, length);
  return p->countHeaderBytes(length) ? HPE_OK : HPE_USER;
}

int Parser::onHeaderField(llhttp_t* parser, const char* at, size_t length) {
  Parser* p = self(parser);
  auto& entries = p->head_.headers.mutableEntries();
  if (p->last_was_value_ || entries.empty()) {
    entries.emplace_back();
    p->last_was_value_ = false;
  }
  entries.back().first.append(at, length);
  return p->countHeaderBytes(length) ? HPE_OK : HPE_USER;
}

int Parser::onHeaderValue(llhttp_t* parser, const char* at, size_t length) {
  Parser* p = self(parser);
  p->head_.headers.mutableEntries().back().second.append(at, length);
  p->last_was_value_ = true;
  return p->countHeaderBytes(length) ? HPE_OK : HPE_USER;
}

int Parser::onHeadersComplete(llhttp_t* parser) {
  Parser* p = self(parser);
  MessageHead& head = p->head_;
  if (parser->type == HTTP_REQUEST && ambiguousRequestHead(*parser, head)) {
    return -1;  // HPE_CB_HEADERS_COMPLETE: 400 and close
  }
  if (parser->type == HTTP_REQUEST) {
    head.method = llhttp_method_name(static_cast<llhttp_method_t>(parser->method));
  } else {
    head.status = parser->status_code;
  }
  head.version_major = parser->http_major;
  head.version_minor = parser->http_minor;
  head.keep_alive = llhttp_should_keep_alive(parser) != 0;
  head.chunked = (parser->flags & F_CHUNKED) != 0;
  if ((parser->flags & F_CONTENT_LENGTH) != 0) {
    head.content_length = parser->content_length;
  }
  head.upgrade = parser->upgrade != 0;
  p->callbacks_->onHead(head);
  if (parser->type == HTTP_RESPONSE && p->expect_no_body_) {
    return 1;  // llhttp: the message has no body, whatever its headers say
  }
  return HPE_OK;
}

int Parser::onBody(llhttp_t* parser, const char* at, size_t length) {
  self(parser)->callbacks_->onBody(at, length);
  return HPE_OK;
}

int Parser::onMessageCompleteCb(llhttp_t* parser) {
  Parser* p = self(parser);
  p->in_message_ = false;
  p->head_ = MessageHead();  // what the owner left of the head is not kept while idle
  p->callbacks_->onMessageComplete();
  return HPE_PAUSED;
}

Parser::Result Parser::translate(llhttp_errno_t error, const char* data, size_t length) {
  Result result;
  switch (error) {
    case HPE_OK:
      result.consumed = length;
      result.outcome = Outcome::kNeedMore;
      return result;
    case HPE_PAUSED:
    case HPE_PAUSED_UPGRADE: {
      const char* position = llhttp_get_error_pos(&parser_);
      result.consumed = position != nullptr && data != nullptr ? position - data : length;
      result.outcome = Outcome::kMessageDone;
      return result;
    }
    case HPE_USER:
      result.outcome = Outcome::kError;
      result.error_status = limit_status_ != 0 ? limit_status_ : 400;
      result.error_reason = limit_status_ == 414 ? "request line too long" : "headers too large";
      return result;
    default:
      result.outcome = Outcome::kError;
      result.error_status = 400;
      result.error_reason = llhttp_get_error_reason(&parser_);
      return result;
  }
}

Parser::Result Parser::execute(const char* data, size_t length) {
  return translate(llhttp_execute(&parser_, data, length), data, length);
}

Parser::Result Parser::finish() {
  const llhttp_errno_t error = llhttp_finish(&parser_);
  Result result = translate(error, nullptr, 0);
  result.consumed = 0;
  return result;
}

void Parser::resume() {
  if (llhttp_get_errno(&parser_) == HPE_PAUSED_UPGRADE) {
    // The upgrade was not switched to (not tunnelled, or the upstream did not answer 101): the
    // connection continues as plain HTTP/1.1. A switched connection is never resumed: its
    // owner stops parsing and relays the bytes after the head instead.
    llhttp_reset(&parser_);
    return;
  }
  llhttp_resume(&parser_);
}

}  // namespace portico::http
