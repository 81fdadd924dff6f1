#include "source/router/uri_path.h"

#include <array>
#include <cstddef>

#include "absl/container/inlined_vector.h"
#include "source/common/http/percent_encoding.h"
#include "source/router/string_util.h"

namespace portico::router {
namespace {

constexpr std::string_view kReserved = "!*'();:@&=+$,/?%#[]";
constexpr std::string_view kUpstreamSafePunctuation = "-_.~%!#$&'()*+,/:;=?@[]";
constexpr char kHexDigits[] = "0123456789ABCDEF";

// One lookup table per byte class: the normaliser runs on every request.
struct ByteClasses {
  std::array<bool, 256> reserved{};
  std::array<bool, 256> upstream_safe{};

  constexpr ByteClasses() {
    for (char c : kReserved) {
      reserved[static_cast<unsigned char>(c)] = true;
    }
    for (char c : kUpstreamSafePunctuation) {
      upstream_safe[static_cast<unsigned char>(c)] = true;
    }
    for (int c = '0'; c <= '9'; ++c) {
      upstream_safe[c] = true;
    }
    for (int c = 'A'; c <= 'Z'; ++c) {
      upstream_safe[c] = true;
      upstream_safe[c - 'A' + 'a'] = true;
    }
  }
};

constexpr ByteClasses kClasses;

char toUpperAscii(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// A single left-to-right pass, like Kong's gsub: `%2541` yields `%2541` (the `%25` stays, `41` is
// plain text), never `%A`.
std::string decodeUnreserved(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      const int hi = http::hexDigitValue(in[i + 1]);
      const int lo = http::hexDigitValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        const auto byte = static_cast<unsigned char>(hi * 16 + lo);
        if (kClasses.reserved[byte]) {
          out += '%';
          out += toUpperAscii(in[i + 1]);
          out += toUpperAscii(in[i + 2]);
        } else {
          out += static_cast<char>(byte);
        }
        i += 2;
        continue;
      }
    }
    out += in[i];
  }
  return out;
}

// RFC 3986 §5.2.4 as Kong implements it, plus `//` -> `/`. Segments are copied to `out` with their
// leading slash; `..` drops the last copied segment.
std::string removeDotSegments(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  absl::InlinedVector<size_t, 16> segment_starts;
  const auto pop_segment = [&] {
    if (!segment_starts.empty()) {
      out.resize(segment_starts.back());
      segment_starts.pop_back();
    }
  };
  while (!in.empty()) {
    if (in == "/.") {
      in = "/";
    } else if (in == "/..") {
      in = "/";
      pop_segment();
    } else if (in == "." || in == "..") {
      in = {};
    } else if (startsWith(in, "../")) {
      in.remove_prefix(3);
    } else if (startsWith(in, "./")) {
      in.remove_prefix(2);
    } else if (startsWith(in, "/./")) {
      in.remove_prefix(2);
    } else if (startsWith(in, "/../")) {
      in.remove_prefix(3);
      pop_segment();
    } else if (startsWith(in, "//")) {
      in.remove_prefix(1);
    } else {
      const std::string_view segment = in.substr(0, in.find('/', 1));
      segment_starts.push_back(out.size());
      out.append(segment);
      in.remove_prefix(segment.size());
    }
  }
  return out;
}

}  // namespace

std::string normalizePath(std::string_view raw_path) {
  std::string decoded = raw_path.find('%') == std::string_view::npos ? std::string(raw_path)
                                                                     : decodeUnreserved(raw_path);
  if (decoded.find('.') == std::string::npos && decoded.find("//") == std::string::npos) {
    return decoded;
  }
  return removeDotSegments(decoded);
}

std::string escapeUpstreamPath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (kClasses.upstream_safe[byte]) {
      out += c;
    } else {
      out += '%';
      out += kHexDigits[byte >> 4];
      out += kHexDigits[byte & 0xF];
    }
  }
  return out;
}

}  // namespace portico::router
