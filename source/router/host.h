#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portico::router {

struct HostAndPort {
  std::string_view host;
  std::optional<uint32_t> port;
};

// Splits a Host header value (or a route's `hosts` entry) at its port: `example.com:8000` ->
// {example.com, 8000}; `example.*:8000` -> {example.*, 8000}; `[::1]:8000` -> {[::1], 8000}. A
// suffix that is not a port (`a:b`) leaves the whole value as the host, as Kong does.
HostAndPort splitHostPort(std::string_view value);

// ASCII lower-casing: host names compare case-insensitively.
std::string toLowerAscii(std::string_view s);

// One entry of a route's `hosts`: exact (`example.com`), suffix wildcard (`*.example.com`, which
// needs at least one more label and also matches deeper names) or prefix wildcard (`example.*`),
// optionally bound to a destination port (`example.com:8000`).
class HostPattern {
 public:
  explicit HostPattern(std::string_view route_host);

  // `lower_host`: the request's host, port removed, lower-cased. `destination_port`: the port the
  // listener accepted the connection on.
  bool matches(std::string_view lower_host, uint32_t destination_port) const;

  bool isWildcard() const { return kind_ != Kind::kExact; }
  // The lower-cased host of an exact pattern (the router indexes routes by it).
  const std::string& exactHost() const { return text_; }

 private:
  enum class Kind { kExact, kSuffix, kPrefix };

  Kind kind_ = Kind::kExact;
  // kExact: the host; kSuffix: `.example.com`; kPrefix: `example.`.
  std::string text_;
  std::optional<uint32_t> port_;
};

}  // namespace portico::router
