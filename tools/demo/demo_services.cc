#include "tools/demo/demo_services.h"

#include <cctype>
#include <cstdio>

namespace portico::demo {
namespace {

std::string jsonString(const std::string& text) {
  std::string out = "\"";
  for (const unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string pathOf(const std::string& target) { return target.substr(0, target.find('?')); }

bool isOrderId(const std::string& text) {
  if (text.empty() || text.size() > 64) {
    return false;
  }
  for (const unsigned char c : text) {
    if (!std::isalnum(c) && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

Response describe(const std::string& service, const Request& request) {
  return {200, "application/json",
          "{\"service\":" + jsonString(service) + ",\"method\":" + jsonString(request.method) +
              ",\"path\":" + jsonString(pathOf(request.target)) + "}\n"};
}

Response users(const Request& request) {
  if (pathOf(request.target) == "/public") {
    return {200, "text/plain; charset=utf-8", "Users Service: PUBLIC ENDPOINT"};
  }
  return describe("users", request);
}

Response orders(const Request& request) {
  const std::string path = pathOf(request.target);
  if (path == "/public") {
    return {200, "text/plain; charset=utf-8", "Orders Service: PUBLIC ENDPOINT"};
  }
  if (path.size() > 1 && isOrderId(path.substr(1))) {
    return {200, "text/plain; charset=utf-8", "Orders Service: order " + path.substr(1)};
  }
  return describe("orders", request);
}

}  // namespace

Handler serviceNamed(const std::string& name) {
  if (name == "users") {
    return users;
  }
  if (name == "orders") {
    return orders;
  }
  return {};
}

}  // namespace portico::demo
