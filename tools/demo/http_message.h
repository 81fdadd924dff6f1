#pragma once

#include <string>
#include <utility>
#include <vector>

namespace portico::demo {

struct Request {
  std::string method;
  std::string target;  // the raw request-target, query included
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = true;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Serialises a response with Content-Length; `keep_alive` picks the Connection header.
std::string serialize(const Response& response, bool keep_alive);

}  // namespace portico::demo
