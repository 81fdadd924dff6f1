#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "source/common/http/header_map.h"

namespace portico::http {

// The start line and headers of one HTTP/1.x message, as parsed or as about to be sent.
struct MessageHead {
  std::string method;  // requests
  std::string target;  // requests: the raw request-target
  int status = 0;      // responses
  std::string reason;  // responses
  uint8_t version_major = 1;
  uint8_t version_minor = 1;
  HeaderMap headers;

  // Framing, as the parser understood it.
  bool keep_alive = true;
  bool chunked = false;
  std::optional<uint64_t> content_length;
  bool upgrade = false;

  bool isHttp10() const { return version_major == 1 && version_minor == 0; }
  // Whether a body follows the head (requests: Content-Length > 0 or chunked).
  bool hasRequestBody() const { return chunked || (content_length && *content_length > 0); }
};

}  // namespace portico::http
