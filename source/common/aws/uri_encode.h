#pragma once

#include <string>
#include <string_view>

namespace portico::aws {

// Percent-encoding as SigV4 defines it (RFC 3986): keeps A-Z a-z 0-9 - . _ ~ (and '/' when
// keep_slash), turns every other byte into %XX with upper-case hex. A '%' is encoded too, so an
// already-encoded input is encoded a second time.
std::string uriEncode(std::string_view input, bool keep_slash);

// Decodes %XX sequences. A '%' not followed by two hex digits stays literal, and '+' stays '+'
// (SigV4 query strings encode spaces as %20, never as '+').
std::string uriDecode(std::string_view input);

// SigV4 path normalisation for every service but S3: removes empty segments ("//") and "." and
// ".." segments. The result starts with '/' and keeps a trailing '/' when the input's last segment
// was empty, "." or "..". An empty input gives "/".
std::string normalizePath(std::string_view path);

}  // namespace portico::aws
