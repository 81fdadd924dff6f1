#pragma once

#include <string>
#include <string_view>

namespace portico::router {

// A Kong (PCRE) route regex in the syntax of RE2 (2022), which only knows the `(?P<name>`
// spelling of named groups. Look-behinds `(?<=`/`(?<!` are left alone: RE2 rejects them, as the
// Rust regex engine of Kong's ATC router does.
std::string toRe2Syntax(std::string_view pcre_pattern);

}  // namespace portico::router
