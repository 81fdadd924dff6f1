// libFuzzer target for SigV4 canonicalisation. The input is "<path>[?<query>][\n<header value>]":
// it is signed as a Lambda request (path normalised and encoded twice) and as an S3 one (path as
// sent), and the canonical request must follow the spec's rules:
//  - the canonical URI starts with '/' and is made of unreserved bytes, '/' and upper-case %XX;
//    decoding it gives the normalised path back, and normalising is idempotent;
//  - the canonical query is sorted by name then value, every name and value encoded, and
//    canonicalising it again changes nothing;
//  - header values are trimmed with inner blank runs folded to one space;
//  - uriEncode keeps unreserved text as it is and uriDecode undoes it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "source/common/aws/credentials.h"
#include "source/common/aws/sigv4_signer.h"
#include "source/common/aws/uri_encode.h"

namespace {

using portico::aws::HeaderList;
using portico::aws::SigV4Signer;

// A fixed instant, so that one input always yields one signature.
const std::chrono::system_clock::time_point kNow{std::chrono::seconds(1700000000)};

bool isUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool isUpperHex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

// Unreserved bytes, upper-case %XX triplets and, when `slash`, '/'.
bool isEncoded(std::string_view text, bool slash) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size() || !isUpperHex(text[i + 1]) || !isUpperHex(text[i + 2])) {
        return false;
      }
      i += 2;
    } else if (!isUnreserved(text[i]) && !(slash && text[i] == '/')) {
      return false;
    }
  }
  return true;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) {
      return parts;
    }
    start = end + 1;
  }
}

struct Canonical {
  std::string uri;
  std::string query;
  std::string fuzz_header;
};

Canonical sign(const SigV4Signer& signer, std::string_view path, std::string_view query,
               std::string_view header_value) {
  portico::aws::Credentials credentials;
  credentials.access_key_id = "AKIDEXAMPLE";
  credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  HeaderList headers = portico::aws::signingHeaders(credentials, kNow);
  headers.emplace_back("Host", "lambda.us-east-1.amazonaws.com");
  headers.emplace_back("X-Fuzz", std::string(header_value));
  const std::string payload_hash = portico::aws::sha256Hex("");
  const portico::aws::SignableRequest request{"POST", path, query, headers, payload_hash};
  const auto signature = signer.sign(request, credentials, kNow);
  if (!signature.ok()) {
    __builtin_trap();
  }
  // Method, URI, query, then one line per header: a request line holds no '\n'.
  const std::vector<std::string_view> lines = split(signature->canonical_request, '\n');
  Canonical canonical{std::string(lines.at(1)), std::string(lines.at(2)), ""};
  for (std::string_view line : lines) {
    if (line.substr(0, 7) == "x-fuzz:") {
      canonical.fuzz_header = std::string(line.substr(7));
      break;
    }
  }
  return canonical;
}

void checkQuery(const SigV4Signer& signer, const std::string& query) {
  if (query.empty()) {
    return;
  }
  std::vector<std::pair<std::string_view, std::string_view>> params;
  for (std::string_view param : split(query, '&')) {
    const size_t equals = param.find('=');
    if (equals == std::string_view::npos) {
      __builtin_trap();
    }
    params.emplace_back(param.substr(0, equals), param.substr(equals + 1));
    if (!isEncoded(params.back().first, false) || !isEncoded(params.back().second, false)) {
      __builtin_trap();
    }
  }
  for (size_t i = 1; i < params.size(); ++i) {
    if (params[i] < params[i - 1]) {
      __builtin_trap();
    }
  }
  if (sign(signer, "/", query, "").query != query) {
    __builtin_trap();
  }
}

void checkHeaderValue(const std::string& value) {
  if (!value.empty() && (value.front() == ' ' || value.back() == ' ')) {
    __builtin_trap();
  }
  if (value.find("  ") != std::string::npos || value.find('\t') != std::string::npos) {
    __builtin_trap();
  }
}

void checkEncoding(std::string_view input) {
  using portico::aws::uriDecode;
  using portico::aws::uriEncode;
  const std::string encoded = uriEncode(input, false);
  if (!isEncoded(encoded, false) || uriDecode(encoded) != input) {
    __builtin_trap();
  }
  bool unreserved = true;
  for (char c : input) {
    unreserved = unreserved && isUnreserved(c);
  }
  if (unreserved != (encoded == input)) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const SigV4Signer lambda("lambda", "us-east-1");
  static const SigV4Signer s3("s3", "us-east-1", false);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string_view target = input.substr(0, newline);
  // A header value ends at a line end, as on the wire.
  std::string_view header_value;
  if (newline != std::string_view::npos) {
    header_value = input.substr(newline + 1);
    header_value = header_value.substr(0, header_value.find('\n'));
  }
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

  const Canonical canonical = sign(lambda, path, query, header_value);
  const std::string normalized = portico::aws::normalizePath(path);
  if (canonical.uri.empty() || canonical.uri[0] != '/' || !isEncoded(canonical.uri, true) ||
      portico::aws::uriDecode(canonical.uri) != normalized ||
      portico::aws::normalizePath(normalized) != normalized) {
    __builtin_trap();
  }
  checkQuery(lambda, canonical.query);
  checkHeaderValue(canonical.fuzz_header);
  checkEncoding(target);

  const Canonical as_sent = sign(s3, path, query, header_value);
  if (as_sent.uri != (path.empty() ? "/" : std::string(path)) || as_sent.query != canonical.query) {
    __builtin_trap();
  }
  return 0;
}
