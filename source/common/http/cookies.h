#pragma once

#include <string_view>

#include "source/common/http/header_map.h"

namespace portico::http {

// nginx's $cookie_<name> (what Kong's plugins and balancer read): the value of the first cookie of
// that name, compared case-insensitively, over every Cookie line; empty when there is none.
std::string_view findCookie(const HeaderMap& headers, std::string_view name);

}  // namespace portico::http
