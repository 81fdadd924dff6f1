#pragma once

#include <string>
#include <string_view>

#include "source/common/http/message_head.h"

namespace portico::http {

// Appends "METHOD target HTTP/1.1\r\n" + headers + "\r\n" to `out`.
void serializeRequestHead(const MessageHead& head, std::string& out);
// Appends "HTTP/1.1 status reason\r\n" + headers + "\r\n" to `out`.
void serializeResponseHead(const MessageHead& head, std::string& out);
// Appends one chunk of a chunked body (nothing for empty data).
void appendChunk(std::string_view data, std::string& out);
// The zero-length chunk that ends a chunked body.
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace portico::http
