#include "source/common/network/cidr.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

namespace portico::network {
namespace {

// Parses an address into `bytes`; returns its family, or 0.
int parseAddress(std::string_view text, std::array<uint8_t, 16>& bytes) {
  const std::string address(text);
  if (inet_pton(AF_INET, address.c_str(), bytes.data()) == 1) {
    return AF_INET;
  }
  if (inet_pton(AF_INET6, address.c_str(), bytes.data()) == 1) {
    return AF_INET6;
  }
  return 0;
}

}  // namespace

std::optional<Cidr> Cidr::parse(std::string_view text) {
  Cidr cidr;
  const size_t slash = text.find('/');
  cidr.family_ = parseAddress(text.substr(0, slash), cidr.bytes_);
  if (cidr.family_ == 0) {
    return std::nullopt;
  }
  const int max_length = cidr.family_ == AF_INET ? 32 : 128;
  cidr.prefix_length_ = max_length;
  if (slash != std::string_view::npos) {
    std::string_view length = text.substr(slash + 1);
    int value = -1;
    const auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), value);
    if (error != std::errc() || end != length.data() + length.size() || value < 0 ||
        value > max_length) {
      return std::nullopt;
    }
    cidr.prefix_length_ = value;
  }
  return cidr;
}

bool Cidr::contains(std::string_view address) const {
  std::array<uint8_t, 16> bytes{};
  if (parseAddress(address, bytes) != family_) {
    return false;
  }
  const int full_bytes = prefix_length_ / 8;
  if (std::memcmp(bytes.data(), bytes_.data(), full_bytes) != 0) {
    return false;
  }
  const int remaining_bits = prefix_length_ % 8;
  if (remaining_bits == 0) {
    return true;
  }
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - remaining_bits));
  return (bytes[full_bytes] & mask) == (bytes_[full_bytes] & mask);
}

CidrSet CidrSet::parse(const std::vector<std::string>& entries, std::vector<std::string>* invalid) {
  CidrSet set;
  for (const std::string& entry : entries) {
    if (entry == "unix:") {
      continue;  // unix sockets are not a thing Portico listens on
    }
    if (std::optional<Cidr> cidr = Cidr::parse(entry)) {
      set.ranges_.push_back(*cidr);
    } else if (invalid != nullptr) {
      invalid->push_back(entry);
    }
  }
  return set;
}

bool CidrSet::contains(std::string_view address) const {
  for (const Cidr& range : ranges_) {
    if (range.contains(address)) {
      return true;
    }
  }
  return false;
}

bool isLoopbackAddress(std::string_view address) {
  static const CidrSet* const loopback = [] {
    std::vector<std::string> invalid;
    return new CidrSet(
        CidrSet::parse({"127.0.0.0/8", "::1/128", "::ffff:127.0.0.0/104"}, &invalid));
  }();
  return loopback->contains(address);
}

}  // namespace portico::network
