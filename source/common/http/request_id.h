#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace portico::http {

// A request's id as Kong writes it: 32 lower-case hex digits. Held inline because a 32-character
// std::string would cost a heap allocation on every request.
class RequestId {
 public:
  static constexpr size_t kDigits = 32;

  RequestId() = default;
  // The digits of two 64-bit draws, as "%016x%016x" prints them.
  RequestId(uint64_t high, uint64_t low);

  // Empty for a default-constructed id.
  std::string_view view() const { return std::string_view(digits_.data(), size_); }

 private:
  std::array<char, kDigits> digits_{};
  uint8_t size_ = 0;
};

}  // namespace portico::http
