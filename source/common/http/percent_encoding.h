#pragma once

#include <string>
#include <string_view>

namespace portico::http {

// The value of a hexadecimal digit (either case), or -1 for any other character.
int hexDigitValue(char c);

// Percent-decoding as nginx's ngx.unescape_uri does it: a malformed escape is kept as written,
// and `+` becomes a space only in form data (`plus_as_space`).
std::string urlDecode(std::string_view text, bool plus_as_space);

// ngx.escape_uri: everything but ALPHA, DIGIT and "-._~" is percent-encoded (upper-case hex).
std::string urlEncode(std::string_view text);

}  // namespace portico::http
