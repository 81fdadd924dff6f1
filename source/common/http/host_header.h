#pragma once

#include <string>
#include <string_view>

namespace portico::http {

// nginx's $host: a Host header's value without its port, lower-cased (`Example.com:8000` ->
// `example.com`, `[::1]:8000` -> `[::1]`).
std::string hostWithoutPort(std::string_view host_header);

}  // namespace portico::http
