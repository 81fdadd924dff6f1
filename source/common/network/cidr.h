#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portico::network {

// An IPv4 or IPv6 network ("10.0.0.0/8", "::/0", or a single address).
class Cidr {
 public:
  static std::optional<Cidr> parse(std::string_view text);
  bool contains(std::string_view address) const;

 private:
  int family_ = 0;  // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes_{};
  int prefix_length_ = 0;
};

// Any of several networks; empty matches nothing (Kong's trusted_ips default).
class CidrSet {
 public:
  // Entries that do not parse are reported in `invalid`.
  static CidrSet parse(const std::vector<std::string>& entries, std::vector<std::string>* invalid);
  bool contains(std::string_view address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  std::vector<Cidr> ranges_;
};

// Whether `address` (an IP literal, no port) is one only this host can reach: 127.0.0.0/8, ::1, or
// an IPv4-mapped 127.0.0.0/8.
bool isLoopbackAddress(std::string_view address);

}  // namespace portico::network
