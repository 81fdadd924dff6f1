#pragma once

#include <string>
#include <string_view>

namespace portico::router {

// Kong's request path normalisation (kong/tools/uri.lua `normalize`, slashes merged), applied to
// the path before matching and before building the upstream path:
//  - `%XX` of unreserved and "other" octets is decoded (`/h%65llo` -> `/hello`); the reserved
//    characters `!*'();:@&=+$,/?%#[]` stay encoded with upper-case hex (`%2f` -> `%2F`), so an
//    encoded `/` never becomes a separator;
//  - dot segments are removed after decoding (`/a/%2e%2e/b` -> `/b`), never climbing above root;
//  - runs of `/` collapse to one.
// `raw_path` is the request target's path, already cut at `?`.
std::string normalizePath(std::string_view raw_path);

// Kong's `escape` (kong/tools/uri.lua) applied to the upstream path when proxying: every byte
// outside `A-Za-z0-9 - _ . ~ % ! # $ & ' ( ) * + , / : ; = ? @ [ ]` becomes `%XX` (upper-case), so
// what normalisation decoded (a space, a UTF-8 byte) is safe on the wire again. `%` is kept: the
// reserved triplets normalisation left encoded must not be encoded twice.
std::string escapeUpstreamPath(std::string_view path);

}  // namespace portico::router
