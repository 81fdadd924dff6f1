#pragma once

#include <string_view>

namespace portico::http {

// The reason phrase for a status code ("Not Found"); "Unknown" for codes without one.
std::string_view reasonPhrase(int status);

}  // namespace portico::http
